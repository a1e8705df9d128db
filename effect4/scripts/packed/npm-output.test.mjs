// The warning detection of ../packed.sh (`node --test`; packed.sh runs it first). The samples are npm's own wording.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { test } from "node:test"
import { fileURLToPath } from "node:url"
import { warningsOf } from "./npm-output.mjs"

const peerConflict = `npm warn ERESOLVE overriding peer dependency
npm warn While resolving: @effect-exa/client@1.0.0-next.0
npm warn Found: effect@4.2.0
npm warn node_modules/effect
npm warn   effect@"latest" from the root project
`
const engine = `npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: '@effect-exa/client@1.0.0-next.0',
npm warn EBADENGINE   required: { node: '>=22.19' },
npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '10.8.2' }
npm warn EBADENGINE }
`

test("a clean install has no warning", () => {
  assert.deepEqual(warningsOf("\nadded 14 packages in 3s\n"), [])
  assert.deepEqual(warningsOf(""), [])
})

test("a peer conflict and an engine mismatch are warnings, the first line first", () => {
  assert.equal(warningsOf(peerConflict)[0], "npm warn ERESOLVE overriding peer dependency")
  assert.equal(warningsOf(engine)[0], "npm warn EBADENGINE Unsupported engine {")
  assert.equal(warningsOf(engine).length, 5)
})

test("older npm's upper case, Windows line ends and colour are warnings too", () => {
  assert.deepEqual(warningsOf("npm WARN deprecated glob@7.2.3: old\r\nadded 1 package\r\n"), [
    "npm WARN deprecated glob@7.2.3: old"
  ])
  assert.deepEqual(warningsOf("\u001b[33mnpm\u001b[39m \u001b[43mwarn\u001b[49m config production Use `--omit=dev`"), [
    "npm warn config production Use `--omit=dev`"
  ])
})

test("notices, errors and text that merely mentions a warning are not warnings", () => {
  assert.deepEqual(
    warningsOf("npm notice New major version of npm available!\nnpm error code E404\nno npm warnings here\n"),
    []
  )
  assert.deepEqual(warningsOf("npm warnings: 0\n"), [])
})

test("as a command: prints the warnings and exits 1, or exits 0 with none", () => {
  const script = fileURLToPath(new URL("./npm-output.mjs", import.meta.url))
  const warned = spawnSync(process.execPath, [script], { input: `added 3 packages\n${peerConflict}`, encoding: "utf8" })
  assert.equal(warned.status, 1)
  assert.equal(warned.stdout.split("\n")[0], "npm warn ERESOLVE overriding peer dependency")
  const clean = spawnSync(process.execPath, [script], { input: "added 3 packages\n", encoding: "utf8" })
  assert.equal(clean.status, 0)
  assert.equal(clean.stdout, "")
})
