/**
 * The source modules of every package import each other without a cycle (type-only imports included: a cycle of
 * types still ties two modules' meanings together). Run by CI with the rest of the suite.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"

const root = path.resolve(__dirname, "../../..")

const sourceFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : []
  })

// `@effect-exa/<package>/<Module>` and `@effect-exa/<package>` resolve to the sources, as the build does.
const resolve = (from: string, specifier: string): string | undefined => {
  if (specifier.startsWith(".")) return path.resolve(path.dirname(from), specifier.replace(/\.js$/, ".ts"))
  const own = /^@effect-exa\/([^/]+)(?:\/(.+))?$/.exec(specifier)
  if (own === null) return undefined
  return path.join(root, "packages", own[1]!, "src", `${own[2] ?? "index"}.ts`)
}

/** Every module's imports (static `import`/`export … from`, and `import("…")` types), as files. */
export const importGraph = (files: ReadonlyArray<string>): Map<string, Array<string>> => {
  const graph = new Map<string, Array<string>>()
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g
  for (const file of files) {
    // Examples in comments import the packages as users do: not imports of the module.
    const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
    const targets = new Set<string>()
    for (const match of text.matchAll(pattern)) {
      const target = resolve(file, match[1] ?? match[2]!)
      if (target !== undefined && fs.existsSync(target)) targets.add(target)
    }
    graph.set(file, [...targets])
  }
  return graph
}

/** The cycles of a graph: one path per strongly connected set of more than one module (or a self-import). */
export const cycles = (graph: ReadonlyMap<string, ReadonlyArray<string>>): Array<Array<string>> => {
  const found: Array<Array<string>> = []
  const state = new Map<string, "open" | "done">()
  const stack: Array<string> = []
  const visit = (node: string) => {
    state.set(node, "open")
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next)
      if (s === "open") found.push([...stack.slice(stack.indexOf(next)), next])
      else if (s === undefined) visit(next)
    }
    stack.pop()
    state.set(node, "done")
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return found
}

describe("imports", () => {
  it("the checker finds a cycle when there is one", () => {
    const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])
    expect(cycles(graph)).toEqual([["a", "b", "c", "a"]])
    expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([])
  })

  it("no package's sources import in a cycle", () => {
    const packages = fs.readdirSync(path.join(root, "packages"))
    const files = packages.flatMap((name) => {
      const src = path.join(root, "packages", name, "src")
      return fs.existsSync(src) ? sourceFiles(src) : []
    })
    expect(files.length).toBeGreaterThan(20)
    const relative = cycles(importGraph(files)).map((cycle) =>
      cycle.map((file) => path.relative(root, file)).join(" -> ")
    )
    expect(relative).toEqual([])
  })
})
