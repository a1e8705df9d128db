/**
 * A docs example run as its page says: as a program of its own, compiled by esbuild (as `tsx` would), under a
 * name of the user's choosing, in a fresh process.
 */
import * as Effect from "effect/Effect"
import { build } from "esbuild"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** Compiles `docs/examples/<example>` to one file in a temporary directory, removed with the scope. */
export const compile = (example: string, name: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-docs-"))
      const outfile = path.join(dir, name)
      await build({
        entryPoints: [new URL(`../examples/${example}`, import.meta.url).pathname],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        conditions: ["source"],
        logLevel: "warning"
      })
      return outfile
    }),
    (outfile) => Effect.sync(() => fs.rmSync(path.dirname(outfile), { recursive: true, force: true }))
  )

/** A program started, killed (by its pid) when the scope closes. */
export interface Started {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Its exit code, and all it wrote. */
  readonly done: Effect.Effect<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>
}

/** Starts `node file` with only PATH and `env` in its environment. */
export const start = (file: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Started => {
      const child = spawn(process.execPath, [file], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve))
      return {
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        done: Effect.promise(() => closed.then((code) => ({ code, stdout, stderr })))
      }
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

/** Runs `node file` to its end. */
export const run = (file: string, env: Record<string, string>) =>
  Effect.scoped(Effect.flatMap(start(file, env), (started) => started.done))
