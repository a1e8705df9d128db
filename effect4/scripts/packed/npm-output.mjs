// What ../packed.sh reads in npm's output. `node npm-output.mjs < output` prints npm's warnings, one a line, and exits
// 1 when there is any (0 when none).
import { fileURLToPath } from "node:url"

// npm colours its prefix on a terminal; packed.sh pipes it, but a forced colour setting must not hide a warning.
const ansi = /\u001b\[[0-9;]*m/g

/**
 * The warnings in npm's output: every line npm starts with `npm warn` (npm 10 and later) or `npm WARN` (older), e.g.
 * `npm warn ERESOLVE overriding peer dependency` or `npm warn EBADENGINE Unsupported engine`. Notices (`npm notice`)
 * and the lines a warning continues on are not counted.
 */
export const warningsOf = (output) =>
  output
    .split(/\r?\n/)
    .map((line) => line.replace(ansi, "").trimEnd())
    .filter((line) => /^npm warn\b/i.test(line))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = ""
  process.stdin.setEncoding("utf8")
  process.stdin.on("data", (chunk) => (input += chunk))
  process.stdin.on("end", () => {
    const warnings = warningsOf(input)
    for (const line of warnings) console.log(line)
    process.exitCode = warnings.length === 0 ? 0 : 1
  })
}
