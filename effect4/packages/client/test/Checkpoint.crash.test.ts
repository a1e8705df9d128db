/**
 * The on-disk checkpoint stores under `kill -9`: a child process (`crashWriter.mjs`) writes positions in a loop and is
 * killed at a random moment; the store then holds a readable position, at least as new as the last write the child
 * saw complete, and a lock the dead writer left is taken over at once. (The Effect 3 line checks the same with its
 * command line in packages/cli/test/fileStores.test.ts.)
 */
import { Checkpoint } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const writer = path.join(import.meta.dirname, "crashWriter.mjs")

/** Starts a writer, lets it complete some writes, kills it with SIGKILL mid-loop: the last write it reported done. */
const runAndKill = (directory: string, mode: "dir" | "file", writes: number, extraMillis: number) =>
  Effect.promise(() =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--conditions=source", "--experimental-transform-types", "--no-warnings", writer, directory, mode],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
      let last = 0
      let killing = false
      let stderr = ""
      child.stderr.on("data", (chunk) => (stderr += String(chunk)))
      child.stdout.on("data", (chunk: Buffer) => {
        for (const line of String(chunk).split("\n")) if (line !== "") last = Number(line)
        if (!killing && last >= writes) {
          killing = true
          setTimeout(() => child.kill("SIGKILL"), extraMillis)
        }
      })
      child.on("exit", (_, signal) => {
        if (signal === "SIGKILL") resolve(last)
        else reject(new Error(`the writer ended by itself: ${stderr}`))
      })
    })
  )

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "exa-crash-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

const read = (layer: ReturnType<typeof Checkpoint.layerFileSystem>, name: string) =>
  Effect.flatMap(Effect.service(Checkpoint.Checkpoint), (c) => c.get(name)).pipe(Effect.provide(layer))

describe("Checkpoint on disk, killed with SIGKILL at random moments", () => {
  it.live(
    "layerFileSystem: after each kill the position reads, whole, and is no older than the last completed write",
    () =>
      Effect.gen(function*() {
        const dir = yield* temporaryDirectory
        for (let trial = 0; trial < 3; trial++) {
          const last = yield* runAndKill(dir, "dir", 1 + Math.floor(Math.random() * 5), Math.floor(Math.random() * 20))
          const got = yield* read(Checkpoint.layerFileSystem(dir), "main")
          expect(Option.isSome(got), `trial ${trial}`).toBe(true)
          const position = Option.getOrThrow(got)
          const n = position.time - 1_700_000_000_000
          expect(n).toBeGreaterThanOrEqual(last)
          expect(position.seen).toHaveLength(2000 + (n % 7) * 500)
        }
      }).pipe(Effect.scoped),
    120_000
  )

  it.live(
    "layerFile: after each kill every name reads, and the next writer takes the dead writer's lock over",
    () =>
      Effect.gen(function*() {
        const dir = yield* temporaryDirectory
        const file = path.join(dir, "checkpoints.json")
        for (let trial = 0; trial < 2; trial++) {
          yield* runAndKill(dir, "file", 3 + Math.floor(Math.random() * 5), Math.floor(Math.random() * 20))
          const layer = Checkpoint.layerFile(file)
          for (const name of ["c0", "c1", "c2"]) {
            expect(Option.isSome(yield* read(layer, name)), `trial ${trial} ${name}`).toBe(true)
          }
          // A lock left by the killed writer (its process is gone) does not stop the next one.
          yield* Effect.flatMap(
            Effect.service(Checkpoint.Checkpoint),
            (c) => c.set("after", { from: 0, time: trial, seen: [] })
          ).pipe(Effect.provide(layer))
          expect(fs.existsSync(`${file}.lock`)).toBe(false)
        }
      }).pipe(Effect.scoped),
    120_000
  )
})
