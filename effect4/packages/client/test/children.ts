/**
 * Child processes for the replicas' process tests (`Replica.process.test.ts`, `Replica.webhooks.process.test.ts`):
 * launched for a test's scope and killed by their pid when it closes, their output kept line by line, and bounded
 * waits on what they print.
 */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"

/** A child process and what it printed, line by line. */
export interface Child {
  readonly name: string
  readonly process: ChildProcess
  readonly lines: Array<string>
  readonly stderr: () => string
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exit: Promise<number | null>
}

// A child process for the test's scope: killed (SIGKILL) by its pid when the scope closes, if still running.
export const launch = (name: string, program: string, settings: unknown, flags: ReadonlyArray<string> = []) =>
  Effect.acquireRelease(
    Effect.sync((): Child => {
      const child = spawn(
        process.execPath,
        [...flags, join(import.meta.dirname, program), JSON.stringify(settings)],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
      const lines: Array<string> = []
      let rest = ""
      let stderr = ""
      child.stdout!.on("data", (chunk: Buffer) => {
        const parts = (rest + chunk.toString("utf8")).split("\n")
        rest = parts.pop()!
        lines.push(...parts)
      })
      child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      return { name, process: child, lines, stderr: () => stderr, exit }
    }),
    ({ process: child }) =>
      Effect.sync(() => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          process.kill(child.pid, "SIGKILL")
        }
      })
  )

// What the children printed last, for a test that gave up waiting.
export const said = (children: ReadonlyArray<Child>) =>
  children.map((c) => `-- ${c.name}:\n${c.lines.slice(-5).join("\n")}\n${c.stderr().slice(-2000)}`).join("\n")

// Waits in real time, checking every 100 ms; gives up after 45 s (within the test's budget, so the reason shows)
// saying what it waited for and what the children said. Never asserts how long it took.
export const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, what: string, children: ReadonlyArray<Child>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 450; i++) {
      if (yield* check) return
      yield* Effect.sleep("100 millis")
    }
    assert.fail(`gave up waiting for ${what}\n${said(children)}`)
  })

// The first line `child` printed that starts with `prefix` (its rest); fails at once if the child exits first.
export const line = (child: Child, prefix: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 450; i++) {
      const found = child.lines.find((l) => l.startsWith(prefix))
      if (found !== undefined) return found.slice(prefix.length)
      if (child.process.exitCode !== null || child.process.signalCode !== null) break
      yield* Effect.sleep("100 millis")
    }
    return assert.fail(`${child.name} printed no ${prefix.trim()} line\n${said([child])}`)
  })

export const stop = (child: Child, signal: NodeJS.Signals) =>
  Effect.flatMap(
    Effect.sync(() => child.process.kill(signal)),
    () => Effect.promise(() => child.exit)
  )
