/**
 * Every `effect-exa …` command shown in docs/cli.md and the README parses as written: run against the emulator, none
 * is refused as bad usage (exit 2). The placeholders (`ev_01jx…`) give their own answers (not found), which is fine.
 */
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const bin = new URL("../../packages/cli/bin/effect-exa.js", import.meta.url).pathname
const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8")

// Words of a shell line, with quotes removed; a `#` comment, a redirection or a pipe after the command dropped.
const words = (line: string): Array<string> =>
  [...line.replace(/\s+#.*$/, "").replace(/\s+[>|].*$/, "").matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) =>
    m[1] ?? m[2] ?? m[3]!
  )

// The arguments of a command shown; an emulator on any free port (`--port 0`), so that it never meets a port in use.
const args = (command: string): Array<string> => {
  const argv = words(command).slice(1)
  if (argv[0] !== "emulator") return argv
  const port = argv.indexOf("--port")
  return port === -1 ? [...argv, "--port", "0"] : argv.map((word, i) => (i === port + 1 ? "0" : word))
}

const commands = [read("../cli.md"), read("../../README.md")].flatMap((page) =>
  [...page.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("effect-exa "))
  )
)

// Runs the program; a long-running command (tail, listen) that is still going after a while is stopped.
const run = (args: ReadonlyArray<string>, env: Record<string, string>, cwd: string) =>
  Effect.promise(() =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, cwd })
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      child.stdin.end()
      const timer = setTimeout(() => child.kill("SIGINT"), 3000)
      child.on("close", (code) => {
        clearTimeout(timer)
        resolve({ code, stderr })
      })
    })
  )

describe("docs/cli.md", () => {
  it("shows commands", () => {
    expect(commands.length).toBeGreaterThanOrEqual(15)
  })

  it.live("every command shown runs as written (none is bad usage)", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(
        ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ events: Fixtures.allEvents })))
      )
      const api = Context.get(context, ExaApi.ExaApi)
      const env = {
        EXA_API_KEY: Redacted.value(api.apiKey),
        EXA_BASE_URL: Context.get(context, ExaApiServer.ExaApiServer).url,
        EXA_WEBHOOK_SECRET: "whsec_docs"
      }
      const cwd = mkdtempSync(join(tmpdir(), "effect-exa-docs-"))
      writeFileSync(join(cwd, "body.json"), JSON.stringify(Fixtures.events["webset.idle"]))
      // A few at a time: most wait on the network or run until stopped, so they overlap well.
      yield* Effect.forEach(commands, (command) =>
        Effect.map(run(args(command), env, cwd), (ran) => {
          expect(ran.code, `${command}\n${ran.stderr}`).not.toBe(2)
          expect(ran.code, `${command}\n${ran.stderr}`).not.toBe(70)
        }), { concurrency: 4, discard: true })
    }).pipe(Effect.scoped), 120_000)
})
