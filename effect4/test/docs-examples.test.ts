/**
 * Type-checks every TypeScript block that claims to be Effect 4 code against the Effect 4 line as a user installs
 * it: the `@example`s in the JSDoc of effect4/packages/<pkg>/src (the API reference), the `ts` blocks of
 * effect4/packages/<pkg>/README.md, and the Effect 4 blocks of docs/migrating-to-effect4.md. Imports resolve to the
 * built packages (their `dist` types, through their `exports`, as from npm) and to this workspace's effect 4.
 *
 * It lives in this workspace, not in the root's `docs` project: CI runs the root suite on a clean clone before
 * effect4/scripts/test.sh has installed and built this line.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"

const effect4 = new URL("..", import.meta.url).pathname
const repo = join(effect4, "..")
// The docs pages, read where the repository's packages/ really is: scripts/latest.sh runs this suite in a scratch
// copy of effect4/ beside a symbolic link to the repository's packages/, and no docs/.
const docs = join(realpathSync(join(repo, "packages")), "..", "docs")
const packages = ["schema", "client", "testing"]

/** A block to compile: where it comes from (`file` relative to the repository, its first line) and its code. */
interface Block {
  readonly file: string
  readonly line: number
  readonly code: string
}

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length

/** The `@example` blocks of a source file, with the JSDoc's ` * ` taken off each line. */
const jsdocExamples = (file: string): Array<Block> => {
  const text = readFileSync(join(repo, file), "utf8")
  return [...text.matchAll(/@example[ \t]*\n[ \t]*\* ```ts\n([\s\S]*?)\n[ \t]*\* ```/g)].map((m) => ({
    file,
    line: lineAt(text, m.index + m[0].indexOf("```ts\n") + 6),
    code: m[1]!.split("\n").map((line) => line.replace(/^[ \t]*\* ?/, "")).join("\n")
  }))
}

/** The fenced blocks of a Markdown file, with their info string and the paragraph line just before them. */
const fences = (file: string, path = join(repo, file)) => {
  const lines = readFileSync(path, "utf8").split("\n")
  const found: Array<Block & { readonly info: string; readonly before: string }> = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!)
    if (open === null) continue
    const end = lines.findIndex((line, j) => j > i && line === "```")
    if (end === -1) throw new Error(`${file}:${i + 1}: a code block is never closed`)
    const before = lines.slice(0, i).filter((line) => line.trim() !== "").pop() ?? ""
    found.push({ file, line: i + 2, code: lines.slice(i + 1, end).join("\n"), info: open[1]!.trim(), before })
    i = end
  }
  return found
}

const isTypeScript = (info: string) => /^(ts|typescript)$/.test(info)

const sources = packages.flatMap((pkg) =>
  readdirSync(join(effect4, "packages", pkg, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => `effect4/packages/${pkg}/src/${f}`)
)
const examples = sources.flatMap(jsdocExamples)
const readmes = packages.map((pkg) => `effect4/packages/${pkg}/README.md`).filter((f) => existsSync(join(repo, f)))
const readmeBlocks = readmes.flatMap((f) => fences(f).filter((block) => isTypeScript(block.info)))
// The migration page shows each change twice, the Effect 3 line's code after a paragraph "Effect 3 line:" and the
// Effect 4 line's after "Effect 4 line:"; its other snippets are about the Effect 4 line only. So every TypeScript
// block there is Effect 4 code unless "Effect 3 line:" introduces it.
const migration = fences("docs/migrating-to-effect4.md", join(docs, "migrating-to-effect4.md")).filter((block) =>
  isTypeScript(block.info)
)
const migrationBlocks = migration.filter((block) => block.before.trim() !== "Effect 3 line:")

const blocks = [...examples, ...readmeBlocks, ...migrationBlocks]

/** What is missing or older than its sources among the packages' built types, as a sentence, or undefined. */
const unbuilt = (): string | undefined => {
  const build = "build the Effect 4 line first: cd effect4 && scripts/node.sh corepack pnpm exec tsc -b " +
    "(effect4/scripts/test.sh does)"
  for (const pkg of packages) {
    if (!existsSync(join(effect4, "packages", pkg, "dist", "index.d.ts"))) {
      return `effect4/packages/${pkg}/dist is not built: ${build}`
    }
  }
  // Types built before their sources changed would check the examples against the API as it was. `tsc -b` marks
  // each build (even one finding sources touched but unchanged, which leaves `dist` as it was) on the package's
  // build info (`tsBuildInfoFile` in its tsconfig.json).
  const stale = packages.flatMap((pkg) => {
    const info = join(effect4, "packages", pkg, ".tsbuild", "esm.tsbuildinfo")
    const built = existsSync(info) ? statSync(info).mtimeMs : 0
    return sources.filter((file) => file.startsWith(`effect4/packages/${pkg}/`))
      .filter((file) => statSync(join(repo, file)).mtimeMs > built)
  })[0]
  return stale === undefined ? undefined : `${stale} is newer than its built types: ${build}`
}

describe("the Effect 4 line's examples", () => {
  it("are found: JSDoc @examples, the READMEs' ts blocks, the migration page's Effect 4 blocks", () => {
    expect(examples.length).toBeGreaterThanOrEqual(20)
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(3)
    // Four changes shown on both lines, and three snippets of the Effect 4 line alone.
    expect(migration.length - migrationBlocks.length).toBeGreaterThanOrEqual(4)
    expect(migrationBlocks.length).toBeGreaterThanOrEqual(7)
  })

  it("all type-check against the built packages and effect 4", () => {
    expect(unbuilt()).toBeUndefined()
    const base = ts.getParsedCommandLineOfConfigFile(join(effect4, "tsconfig.base.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {}
    })!
    const options: ts.CompilerOptions = {
      ...base.options,
      // Not the `source` condition of the workspace's own builds: a user's imports reach the `types` of `exports`.
      customConditions: [],
      noEmit: true,
      composite: false,
      incremental: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      // A snippet may declare what it shows without using it.
      noUnusedLocals: false,
      noUnusedParameters: false
    }
    // The snippets sit (virtually: nothing is written) in a folder of the testing package, which depends on the
    // client and the schema packages and can name itself: from there every package resolves as from a user's
    // node_modules, through its `exports` (so `internal/*` stays out of reach), with effect 4 beside them.
    const folder = join(effect4, "packages", "testing", "docs-examples")
    const virtual = new Map(blocks.map((block, i) => [join(folder, `block${i}.ts`), block]))
    const host = ts.createCompilerHost(options)
    const getSourceFile = host.getSourceFile
    host.getSourceFile = (file, language, ...rest) => {
      const block = virtual.get(file)
      return block === undefined
        ? getSourceFile(file, language, ...rest)
        : ts.createSourceFile(file, block.code, language)
    }
    const fileExists = host.fileExists
    host.fileExists = (file) => virtual.has(file) || fileExists(file)
    const readFile = host.readFile
    host.readFile = (file) => virtual.get(file)?.code ?? readFile(file)
    host.getCurrentDirectory = () => effect4
    const program = ts.createProgram([...virtual.keys()], options, host)
    const problems = ts.getPreEmitDiagnostics(program).flatMap((d) => {
      const block = d.file === undefined ? undefined : virtual.get(d.file.fileName)
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n")
      if (block === undefined) return d.file === undefined ? [message] : []
      const line = block.line + d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line
      return [`${block.file}:${line}: ${message}`]
    })
    expect(problems).toEqual([])
  }, 120_000)
})
