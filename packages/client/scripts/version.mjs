// Writes src/internal/version.ts from this package's package.json, so that the `user-agent` header always names
// the version being built (run by the build, after `changeset version` bumps package.json).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

// This package by default, or the package directory given (the command line's, which prints its version).
const root = process.argv[2] === undefined
  ? new URL("..", import.meta.url)
  : pathToFileURL(resolve(process.argv[2]) + "/")
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"))
const target = new URL("src/internal/version.ts", root)
const text =
  `/** The package version (the client sends it in the \`user-agent\` header). Written from package.json by scripts/version.mjs. */
export const version = ${JSON.stringify(version)}
`
let current = ""
try {
  current = readFileSync(target, "utf8")
} catch {
  // Not there yet.
}
if (current !== text) {
  mkdirSync(new URL(".", target), { recursive: true })
  writeFileSync(target, text)
}
