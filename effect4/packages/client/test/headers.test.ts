/**
 * Module headers and doc comments stay honest where a machine can tell: every `Module.member` they name, for a
 * module of this package, is exported by it, and every source file they point to (`./internal/attempt.ts`) exists.
 * (The header of `WebhookSignature` once claimed Web Crypto only while it preferred `node:crypto`: that one is
 * checked by name below.) Ported from the Effect 3 line's `headers.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"

const src = path.resolve(import.meta.dirname, "../src")

const files = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? files(full) : entry.name.endsWith(".ts") ? [full] : []
  })

const comments = (text: string): string =>
  [...text.matchAll(/\/\*\*[\s\S]*?\*\/|\/\/[^\n]*/g)].map((m) => m[0]).join("\n")

// What a module exports, by name (declarations and re-exports), and the fields of its models.
const exportsOf = (text: string): Set<string> => {
  const names = new Set<string>()
  for (
    const m of text.matchAll(
      /export (?:declare )?(?:const|function|class|type|interface|namespace) ([A-Za-z_$][\w$]*)/g
    )
  ) names.add(m[1]!)
  for (const m of text.matchAll(/export \{([^}]*)\}/g)) {
    for (const part of m[1]!.replace(/\/\*\*[\s\S]*?\*\//g, "").split(",")) {
      const name = part.trim().replace(/^type /, "").split(/\s+as\s+/).pop()!.trim()
      if (name !== "") names.add(name)
    }
  }
  for (const m of text.matchAll(/export \* as ([A-Za-z_$][\w$]*)/g)) names.add(m[1]!)
  // Members of its models (`ExaClient.run` is a method of the `ExaClient` service).
  for (const m of text.matchAll(/^\s+readonly ([A-Za-z_$][\w$]*)\??:/gm)) names.add(m[1]!)
  return names
}

describe("doc comments", () => {
  const modules = new Map(
    fs.readdirSync(src).filter((f) => f.endsWith(".ts")).map((
      f
    ) => [f.slice(0, -3), exportsOf(fs.readFileSync(path.join(src, f), "utf8"))])
  )

  it("name only members that their modules export", () => {
    const wrong: Array<string> = []
    for (const file of files(src)) {
      const text = comments(fs.readFileSync(file, "utf8"))
      for (const m of text.matchAll(/`([A-Z][A-Za-z]*)\.([A-Za-z_$][\w$]*)/g)) {
        const exported = modules.get(m[1]!)
        if (exported !== undefined && !exported.has(m[2]!)) wrong.push(`${path.relative(src, file)}: ${m[1]}.${m[2]}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it("point only to source files that exist", () => {
    const missing: Array<string> = []
    for (const file of files(src)) {
      const text = comments(fs.readFileSync(file, "utf8"))
      for (const m of text.matchAll(/`(\.{1,2}\/[\w./-]+\.ts)`/g)) {
        if (!fs.existsSync(path.resolve(path.dirname(file), m[1]!))) {
          missing.push(`${path.relative(src, file)}: ${m[1]}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it("WebhookSignature's header says how the MAC is computed, as internal/hmac.ts does it", () => {
    const header = fs.readFileSync(path.join(src, "WebhookSignature.ts"), "utf8").split("*/")[0]!
    expect(header).toContain("node:crypto")
    expect(header).not.toMatch(/only Web Crypto/i)
    expect(fs.readFileSync(path.join(src, "internal/hmac.ts"), "utf8")).toContain("getBuiltinModule(\"node:crypto\")")
  })
})
