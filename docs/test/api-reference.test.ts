/**
 * The API reference (typedoc, `corepack pnpm docs:api`) is only as good as the JSDoc it is generated from: every
 * export of both lines' packages (`packages/*` for Effect 3, `effect4/packages/*` for Effect 4; every `src/*.ts`,
 * not `internal/`, so a new module is checked the day it lands) has a summary, `@since` and `@category`, and
 * the offenders are listed by file and name.
 *
 * Re-exports (`export * as X from "./X.js"` in the `index.ts` barrels) are not declarations: the module they name
 * carries the documentation. Members of an exported namespace are exports too and are checked like the rest.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"

const root = new URL("../..", import.meta.url).pathname

const lines = [{ line: "effect3", dir: "packages" }, { line: "effect4", dir: "effect4/packages" }]
const packages = ["schema", "client", "testing"]

/** The modules of both lines, found on disk: every `src/*.ts` of the three packages. */
const modules = lines.flatMap(({ dir }) =>
  packages.flatMap((pkg) => {
    const src = join(root, dir, pkg, "src")
    if (!existsSync(src)) return []
    return readdirSync(src).filter((file) => file.endsWith(".ts")).map((file) => `${dir}/${pkg}/src/${file}`)
  })
)

const hasExport = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)

/** The JSDoc block nearest to a declaration: the one typedoc reads. */
const nearestJsDoc = (node: ts.Node): ts.JSDoc | undefined => {
  const blocks = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)
  return blocks[blocks.length - 1]
}

const declarationName = (node: ts.Statement): string => {
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.map((d) => d.name.getText()).join(", ")
  }
  const name = (node as ts.Statement & { readonly name?: ts.Node }).name
  return name === undefined ? "(default)" : name.getText()
}

/** What a JSDoc block lacks, of a summary, `@since` and `@category`. */
const missing = (doc: ts.JSDoc | undefined): Array<string> => {
  if (doc === undefined) return ["JSDoc"]
  const summary = ts.getTextOfJSDocComment(doc.comment)?.trim() ?? ""
  const tags = new Set((doc.tags ?? []).map((tag) => tag.tagName.text))
  return [
    ...(summary === "" ? ["summary"] : []),
    ...(tags.has("since") ? [] : ["@since"]),
    ...(tags.has("category") ? [] : ["@category"])
  ]
}

/**
 * The undocumented exports of one source file, as `name: lacks ...`. Overloads and declaration merging give a
 * name several declarations: the name passes when one of its declarations of a kind is documented in full (typedoc
 * shows the first documented signature), so an overload need not repeat its JSDoc.
 */
const offenders = (fileName: string, text: string): Array<string> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found = new Map<string, Array<{ readonly line: number; readonly lacks: Array<string> }>>()
  const visit = (statements: ReadonlyArray<ts.Statement>, prefix: string) => {
    for (const statement of statements) {
      if (!hasExport(statement)) continue
      const name = prefix + declarationName(statement)
      const doc = nearestJsDoc(
        ts.isVariableStatement(statement) ? statement.declarationList.declarations[0]! : statement
      )
      const key = `${name} (${ts.SyntaxKind[statement.kind]})`
      const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1
      found.set(key, [...(found.get(key) ?? []), { line, lacks: missing(doc) }])
      if (ts.isModuleDeclaration(statement) && statement.body !== undefined && ts.isModuleBlock(statement.body)) {
        visit(statement.body.statements, `${name}.`)
      }
    }
  }
  visit(source.statements, "")
  return [...found].flatMap(([key, each]) =>
    each.some(({ lacks }) => lacks.length === 0)
      ? []
      : [`${key.replace(/ \(.*\)$/, "")} (line ${each[0]!.line}): lacks ${each[0]!.lacks.join(", ")}`]
  )
}

describe("API reference: JSDoc", () => {
  it("finds the modules of both lines", () => {
    expect(modules.filter((m) => m.startsWith("packages/")).length).toBeGreaterThanOrEqual(30)
    expect(modules.filter((m) => m.startsWith("effect4/")).length).toBeGreaterThanOrEqual(25)
  })

  it("flags what an export lacks, and passes one documented in full", () => {
    const text = [
      "/**\n * Documented.\n *\n * @since 1.0.0\n * @category models\n */\nexport interface A {}",
      "/** @since 1.0.0 */\nexport const b = 1",
      "export function c(): void {}",
      "/**\n * Overloaded.\n *\n * @since 1.0.0\n * @category constructors\n */\nexport function d(a: string): string",
      "export function d(a: number): number",
      "export function d(a: unknown): unknown { return a }",
      "/**\n * A namespace.\n *\n * @since 1.0.0\n * @category models\n */\nexport declare namespace A {\n  export type E = string\n}",
      "const internal = 1",
      "export * as F from \"./F.js\""
    ].join("\n\n")
    expect(offenders("x.ts", text)).toEqual([
      "b (line 10): lacks summary, @category",
      "c (line 12): lacks JSDoc",
      "A.E (line 33): lacks JSDoc"
    ])
  })

  it("every export of both lines has a summary, @since and @category", () => {
    const problems = modules.flatMap((module) =>
      offenders(module, readFileSync(join(root, module), "utf8")).map((problem) => `${module}: ${problem}`)
    )
    expect(problems).toEqual([])
  })
})
