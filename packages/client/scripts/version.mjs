// Writes src/internal/version.ts from this package's package.json, so that the `user-agent` header always names
// the version being built (run by the build, after `changeset version` bumps package.json).
import { readFileSync, writeFileSync } from "node:fs"

const root = new URL("..", import.meta.url)
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"))
const target = new URL("src/internal/version.ts", root)
const text = `/** The package version, sent in the \`user-agent\` header. Written from package.json by scripts/version.mjs. */
export const version = ${JSON.stringify(version)}
`
let current = ""
try {
  current = readFileSync(target, "utf8")
} catch {
  // Not there yet.
}
if (current !== text) writeFileSync(target, text)
