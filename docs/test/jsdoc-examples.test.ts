/**
 * Type-checks every `@example` in the packages' JSDoc, against the packages' sources, so that no example in the
 * API reference can rot; and the Effect 3 line's snippets of docs/migrating-to-effect4.md (its Effect 4 ones are
 * effect4/test/docs-examples.test.ts's, in the Effect 4 workspace).
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"

const root = new URL("../..", import.meta.url).pathname

const examples = ["schema", "client", "testing"].flatMap((pkg) => {
  const dir = join(root, "packages", pkg, "src")
  return readdirSync(dir).filter((f) => f.endsWith(".ts")).flatMap((file) => {
    const text = readFileSync(join(dir, file), "utf8")
    return [...text.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((m, i) => ({
      name: `${pkg}/${file}#${i + 1}`,
      path: join(root, "docs", "test", `__example_${pkg}_${file.replace(".ts", "")}_${i + 1}.ts`),
      code: m[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
    }))
  })
})

// The migration page's `typescript` blocks that a paragraph "Effect 3 line:" introduces (the page shows each change
// on both lines); a failure names the page and the line.
const migration = "docs/migrating-to-effect4.md"
const migrationLines = readFileSync(join(root, migration), "utf8").split("\n")
const effect3Snippets = migrationLines.flatMap((line, i) => {
  if (line !== "```typescript") return []
  const before = migrationLines.slice(0, i).filter((l) => l.trim() !== "").pop()
  if (before?.trim() !== "Effect 3 line:") return []
  const end = migrationLines.findIndex((l, j) => j > i && l === "```")
  return [{
    name: migration,
    path: join(root, "docs", "test", `__migration_effect3_${i + 2}.ts`),
    code: migrationLines.slice(i + 1, end).join("\n"),
    line: i + 2
  }]
})

describe("JSDoc examples", () => {
  it("exist for the main entry points", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8)
    expect(effect3Snippets.length).toBeGreaterThanOrEqual(4)
  })

  it("all type-check", () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, "docs", "tsconfig.test.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {}
    })!
    const options: ts.CompilerOptions = {
      ...config.options,
      noEmit: true,
      composite: false,
      incremental: false,
      noUnusedLocals: false,
      declaration: false,
      declarationMap: false
    }
    const host = ts.createCompilerHost(options)
    const all: Array<{ name: string; path: string; code: string; line?: number }> = [...examples, ...effect3Snippets]
    const virtual = new Map(all.map((e) => [e.path, e.code]))
    const getSourceFile = host.getSourceFile
    host.getSourceFile = (file, language, ...rest) =>
      virtual.has(file)
        ? ts.createSourceFile(file, virtual.get(file)!, language)
        : getSourceFile(file, language, ...rest)
    const fileExists = host.fileExists
    host.fileExists = (file) => virtual.has(file) || fileExists(file)
    const readFile = host.readFile
    host.readFile = (file) => virtual.get(file) ?? readFile(file)
    const program = ts.createProgram([...virtual.keys()], options, host)
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && virtual.has(d.file.fileName))
      .map((d) => {
        const example = all.find((e) => e.path === d.file!.fileName)!
        const name = example.line === undefined
          ? example.name
          : `${example.name}:${example.line + d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line}`
        return `${name}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
      })
    expect(problems).toEqual([])
  }, 120_000)
})
