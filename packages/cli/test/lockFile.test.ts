/**
 * The lock file under `Checkpoint.layerFile` (and any read-modify-write the on-disk stores do between processes):
 * mutual exclusion when many take over a stale lock at once, a take-over that never removes a lock taken in between,
 * liveness checks only within this pid namespace, and bounded reads.
 */
import * as Checkpoint from "@effect-exa/client/Checkpoint"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as AtomicFile from "../../client/src/internal/atomicFile.js"

const freshDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-lock-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

const withLock = <A, E, R>(file: string, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.all([FileSystem.FileSystem, Path.Path]),
    ([fs, path]) => AtomicFile.withLock(fs, path, file, effect)
  )

const staleLock = (file: string) =>
  fs.writeFileSync(file, JSON.stringify({ token: "0".repeat(32), at: Date.now() - 60_000, pid: process.pid }))

// A process id above Linux's pid_max: no process has it. And this process's pid namespace.
const deadPid = 2 ** 22 + 12_345
const ownNamespace = () => fs.readlinkSync("/proc/self/ns/pid")

describe("the stores' lock file", () => {
  it.live(
    "eight copies taking over a stale lock at once, twenty times: never two inside",
    () =>
      Effect.gen(function*() {
        const dir = yield* freshDirectory
        const file = path.join(dir, "positions.json.lock")
        let inside = 0
        let most = 0
        let entered = 0
        const critical = Effect.gen(function*() {
          inside++
          most = Math.max(most, inside)
          entered++
          yield* Effect.sleep("2 millis")
          inside--
        })
        for (let round = 0; round < 20; round++) {
          staleLock(file)
          yield* Effect.forEach(Array.from({ length: 8 }), () => withLock(file, critical), {
            concurrency: "unbounded",
            discard: true
          })
        }
        expect(entered).toBe(160)
        expect(most).toBe(1)
      }).pipe(Effect.provide(NodeContext.layer), Effect.scoped),
    60_000
  )

  it.live(
    "a copy that decided to take over a stale lock, then paused, leaves alone the lock another copy took meanwhile",
    () =>
      Effect.gen(function*() {
        const dir = yield* freshDirectory
        const file = path.join(dir, "positions.json.lock")
        staleLock(file)
        // The next guard write (the paused copy's take-over) waits for the test.
        const reached = yield* Deferred.make<void>()
        const open = yield* Deferred.make<void>()
        let armed = true
        const gated = Layer.effect(
          FileSystem.FileSystem,
          Effect.map(FileSystem.FileSystem, (node) => ({
            ...node,
            writeFileString: (target: string, data: string, options?: FileSystem.WriteFileStringOptions) =>
              Effect.suspend(() => {
                const pause = armed && target.endsWith(".guard")
                if (pause) armed = false
                const write = node.writeFileString(target, data, options)
                return pause
                  ? Effect.zipRight(Effect.zipRight(Deferred.succeed(reached, undefined), Deferred.await(open)), write)
                  : write
              })
          }))
        ).pipe(Layer.provideMerge(NodeContext.layer))

        let pausedInside = false
        const paused = yield* Effect.fork(
          withLock(file, Effect.sync(() => (pausedInside = true))).pipe(Effect.provide(gated))
        )
        yield* Deferred.await(reached)
        // Another copy takes the stale lock over and holds it.
        const holding = yield* Deferred.make<void>()
        const letGo = yield* Deferred.make<void>()
        const other = yield* Effect.fork(
          withLock(file, Effect.zipRight(Deferred.succeed(holding, undefined), Deferred.await(letGo))).pipe(
            Effect.provide(NodeContext.layer)
          )
        )
        yield* Deferred.await(holding)
        const held = fs.readFileSync(file, "utf8")
        // The paused copy goes on with its take-over: it must see the lock changed and leave it.
        yield* Deferred.succeed(open, undefined)
        yield* Effect.sleep("300 millis")
        expect(pausedInside).toBe(false)
        expect(fs.readFileSync(file, "utf8")).toBe(held)
        yield* Deferred.succeed(letGo, undefined)
        yield* Fiber.join(other)
        yield* Fiber.join(paused)
        expect(pausedInside).toBe(true)
        expect(fs.existsSync(file)).toBe(false)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a lock of a process that is gone is taken over at once in this pid namespace, not from another one",
    () =>
      Effect.gen(function*() {
        const dir = yield* freshDirectory
        const file = path.join(dir, "positions.json.lock")
        const namespace = ownNamespace()
        const lock = (ns: string) =>
          fs.writeFileSync(file, JSON.stringify({ token: "1".repeat(32), at: Date.now(), pid: deadPid, namespace: ns }))

        lock(namespace)
        expect(yield* withLock(file, Effect.succeed("taken")).pipe(Effect.timeout("8 seconds"))).toBe("taken")

        // The same id in another container's namespace says nothing about that process: the lock is waited for.
        lock("pid:[1]")
        const waiting = yield* Effect.fork(withLock(file, Effect.succeed("taken")))
        yield* Effect.sleep("500 millis")
        expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
        yield* Fiber.interrupt(waiting)
      }).pipe(Effect.provide(NodeContext.layer), Effect.scoped),
    60_000
  )

  it.live(
    "a guard left by a process that is gone (killed while releasing) is taken over at once, not after 30 seconds",
    () =>
      Effect.gen(function*() {
        const dir = yield* freshDirectory
        const file = path.join(dir, "positions.json.lock")
        const namespace = ownNamespace()
        const guard = (ns: string) =>
          fs.writeFileSync(`${file}.guard`, JSON.stringify({ at: Date.now(), pid: deadPid, namespace: ns }))

        // A stale lock to take over: the take-over needs the guard.
        staleLock(file)
        guard(namespace)
        expect(yield* withLock(file, Effect.succeed("taken")).pipe(Effect.timeout("20 seconds"))).toBe("taken")
        expect(fs.existsSync(`${file}.guard`)).toBe(false)
        expect(fs.existsSync(file)).toBe(false)

        // Released under the guard too: a dead guard there does not keep the lock file behind.
        guard(namespace)
        const released = yield* Effect.fork(withLock(file, Effect.sleep("50 millis")))
        yield* Effect.sleep("10 millis")
        yield* Fiber.join(released).pipe(Effect.timeout("20 seconds"))
        expect(fs.existsSync(file)).toBe(false)

        // A guard from another namespace says nothing about its process: it is waited for (until it goes).
        staleLock(file)
        guard("pid:[1]")
        const waiting = yield* Effect.fork(withLock(file, Effect.succeed("taken")))
        yield* Effect.sleep("500 millis")
        expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
        fs.rmSync(`${file}.guard`)
        expect(yield* Fiber.join(waiting).pipe(Effect.timeout("20 seconds"))).toBe("taken")
      }).pipe(Effect.provide(NodeContext.layer), Effect.scoped),
    60_000
  )

  it.live(
    "a FIFO planted at the lock's path is not read (it would wait for a writer forever): it is taken over",
    () =>
      Effect.gen(function*() {
        const dir = yield* freshDirectory
        const file = path.join(dir, "positions.json.lock")
        execFileSync("mkfifo", [file])
        expect(yield* withLock(file, Effect.succeed("taken")).pipe(Effect.timeout("20 seconds"))).toBe("taken")
        expect(fs.existsSync(file)).toBe(false)
      }).pipe(Effect.provide(NodeContext.layer), Effect.scoped),
    60_000
  )

  it.live("a file larger than a store reads is InvalidData, not read whole", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      const file = path.join(dir, "big")
      // Sparse: 64 MiB + 1 on paper, nothing written.
      fs.writeFileSync(file, "")
      fs.truncateSync(file, 64 * 1024 * 1024 + 1)
      const nodeFs = yield* FileSystem.FileSystem
      const error = yield* Effect.flip(AtomicFile.readIfExists(nodeFs, file, 64 * 1024 * 1024))
      expect(error).toMatchObject({ _tag: "SystemError", reason: "InvalidData" })
      expect(error.message).toContain("more than the 67108864 this store reads")
      fs.writeFileSync(file, "12345")
      expect(yield* AtomicFile.readIfExists(nodeFs, file, 5)).toEqual(Option.some("12345"))
      expect(yield* Effect.flip(AtomicFile.readIfExists(nodeFs, file, 4))).toMatchObject({ reason: "InvalidData" })
      expect(yield* AtomicFile.readIfExists(nodeFs, path.join(dir, "none"), 4)).toEqual(Option.none())
    }).pipe(Effect.provide(NodeContext.layer), Effect.scoped))

  it.live("a checkpoint file larger than 64 MiB is CheckpointUnreadable, in a directory store and a shared file", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      const big = (file: string) => {
        fs.writeFileSync(file, "")
        fs.truncateSync(file, 64 * 1024 * 1024 + 1)
      }
      big(path.join(dir, "events-tail.json"))
      const fromDirectory = yield* Effect.flip(
        Effect.flatMap(Checkpoint.Checkpoint, (store) => store.get("events-tail")).pipe(
          Effect.provide(Checkpoint.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer)))
        )
      )
      expect(fromDirectory).toMatchObject({ _tag: "CheckpointUnreadable", name: "events-tail" })
      const shared = path.join(dir, "shared.json")
      big(shared)
      const fromFile = yield* Effect.flip(
        Effect.flatMap(Checkpoint.Checkpoint, (store) => store.get("listen")).pipe(
          Effect.provide(Checkpoint.layerFile(shared).pipe(Layer.provide(NodeContext.layer)))
        )
      )
      expect(fromFile).toMatchObject({ _tag: "CheckpointUnreadable", name: "listen" })
      expect(fromFile.message).toContain("more than the 67108864")
    }).pipe(Effect.scoped))
})
