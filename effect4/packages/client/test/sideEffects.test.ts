/**
 * Packages marked `"sideEffects": false` run no code at import: a module's top level only declares. A statement
 * that is not a declaration (a loop, a call, an assignment), or a declaration whose value runs an effect or patches
 * an object (`runSync`, `runFork`, `runPromise`, `defineProperty`, `setPrototypeOf`, outside any function), fails.
 * Ported from the Effect 3 line's `sideEffects.test.ts`, for this line's client.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const pkg = path.resolve(import.meta.dirname, "..")

const sourceFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : []
  })

const forbiddenCalls = new Set(["runSync", "runFork", "runPromise", "defineProperty", "setPrototypeOf"])

/** What runs at the import of a module, as `line: text`. */
export const importTimeCode = (fileName: string, text: string): Array<string> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found: Array<string> = []
  const report = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
    found.push(`${line + 1}: ${node.getText(source).split("\n")[0]!.slice(0, 80)}`)
  }
  // Calls evaluated now (not inside a function, whose body runs later).
  const scan = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return
    if (ts.isCallExpression(node)) {
      const callee = node.expression
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : ""
      if (forbiddenCalls.has(name)) report(node)
    }
    ts.forEachChild(node, scan)
  }
  for (const statement of source.statements) {
    if (
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement) ||
      ts.isModuleDeclaration(statement) ||
      ts.isEmptyStatement(statement)
    ) continue
    if (ts.isClassDeclaration(statement)) {
      // Static blocks and static fields run when the class is declared.
      for (const member of statement.members) {
        if (ts.isClassStaticBlockDeclaration(member)) report(member)
        else if (
          ts.isPropertyDeclaration(member) && member.initializer !== undefined &&
          member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
        ) scan(member.initializer)
      }
      statement.heritageClauses?.forEach(scan)
      continue
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (declaration.initializer !== undefined) scan(declaration.initializer)
      }
      continue
    }
    report(statement)
  }
  return found
}

describe("no code runs at import", () => {
  it("the check sees loops, calls, runSync and patching at the top level, and nothing inside functions", () => {
    const text = [
      "import * as Effect from \"effect/Effect\"",
      "const clock = Effect.runSync(Effect.clock)",
      "for (const x of xs) Object.defineProperty(x, \"a\", {})",
      "register(thing)",
      "export const later = () => Effect.runSync(Effect.clock)",
      "export class A { static b = Object.setPrototypeOf({}, null); m() { Effect.runSync(Effect.void) } }",
      "export const fine = Schema.Struct({ a: Schema.String })"
    ].join("\n")
    expect(importTimeCode("x.ts", text).map((line) => line.split(":")[0])).toEqual(["2", "3", "4", "6"])
  })

  it("@effect-exa/client (sideEffects: false)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"))
    expect(manifest.sideEffects).toBe(false)
    const found = sourceFiles(path.join(pkg, "src")).flatMap((file) =>
      importTimeCode(file, fs.readFileSync(file, "utf8")).map((line) => `${path.relative(pkg, file)}:${line}`)
    )
    expect(found).toEqual([])
  })
})
