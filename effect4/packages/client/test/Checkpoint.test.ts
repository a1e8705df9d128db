/**
 * Positions as stored: what a damaged or foreign store holds is `CheckpointUnreadable` with a clear reason (never a
 * defect later on), and a position that is not one is never written (ported from the Effect 3 line's
 * `Checkpoint.test.ts`); and the on-disk layers on a real temporary directory: round trips, what a crash can leave
 * (temporary files, a stale lock) and what it cannot (half a file), several names sharing one file under concurrent
 * writes.
 */
import { Checkpoint } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const layer = Checkpoint.layerKeyValueStore().pipe(Layer.provideMerge(KeyValueStore.layerMemory))

const stored = (value: unknown) =>
  Effect.gen(function*() {
    const store = yield* KeyValueStore.KeyValueStore
    yield* store.set("effect-exa/checkpoint/c", typeof value === "string" ? value : JSON.stringify(value))
    return yield* Effect.result((yield* Checkpoint.Checkpoint).get("c"))
  })

const ok = { v: 1, from: 1_700_000_000_000, time: 1_700_000_000_500, seen: [["ev_1", 1_700_000_000_400]] }

describe("Checkpoint.Position", () => {
  it.effect("numbers out of DateTime's range, not whole, or not safe integers are CheckpointUnreadable, with where and why", () =>
    Effect.gen(function*() {
      for (
        const [value, where] of [
          [{ ...ok, time: 1e300 }, "time: expected whole epoch milliseconds"],
          [{ ...ok, from: -1e300 }, "from: "],
          [{ ...ok, time: 1.5 }, "time: "],
          [{ ...ok, time: 8.64e15 + 1 }, "time: "],
          [{ ...ok, from: -8.64e15 - 1 }, "from: "],
          [{ ...ok, time: 2 ** 53 }, "time: "],
          [{ ...ok, seen: [["ev_1", 1e300]] }, "seen.0.1: "],
          [{ ...ok, seen: [["ev_1", -0.5]] }, "seen.0.1: "],
          [{ ...ok, time: "1" }, "time: "],
          [{ ...ok, v: 2 }, "v: "]
        ] as const
      ) {
        const result = yield* stored(value)
        expect(result._tag, JSON.stringify(value)).toBe("Failure")
        const error = (result as { failure: Checkpoint.CheckpointUnreadable }).failure
        expect(error._tag).toBe("CheckpointUnreadable")
        expect(error.reason).toContain(`the stored value is not a position this version wrote (${where}`)
      }
      expect(yield* stored("{not json")).toMatchObject({
        failure: { _tag: "CheckpointUnreadable", reason: "the stored value is not JSON" }
      })
      // The range's edges, negative times and a time before `from` are positions.
      for (const value of [{ ...ok, from: -8.64e15, time: 8.64e15 }, { ...ok, from: 10, time: 5, seen: [] }]) {
        expect((yield* stored(value))._tag).toBe("Success")
      }
      expect(yield* Effect.flatMap(Effect.service(Checkpoint.Checkpoint), (c) => c.get("other"))).toEqual(Option.none())
    }).pipe(Effect.provide(layer)))

  it.effect("a position that is not one is never written: BadArgument, in memory and in a key-value store", () =>
    Effect.gen(function*() {
      for (const store of [Checkpoint.layerMemory, layer]) {
        const error = yield* Effect.flip(
          Effect.flatMap(
            Effect.service(Checkpoint.Checkpoint),
            (c) => c.set("c", { from: 0, time: Number.NaN, seen: [] })
          )
            .pipe(Effect.provide(store))
        )
        expect(error.reason._tag).toBe("BadArgument")
        expect(error.message).toContain("time")
      }
      const kv = yield* KeyValueStore.KeyValueStore
      expect(yield* kv.get("effect-exa/checkpoint/c")).toBeUndefined()
    }).pipe(Effect.provide(layer)))

  it.effect("the memory layer and the key-value layer give back what was set", () =>
    Effect.gen(function*() {
      const position = { from: 1, time: 2, seen: [["ev_1", 2] as const] }
      for (const store of [Checkpoint.layerMemory, layer]) {
        const got = yield* Effect.gen(function*() {
          const c = yield* Checkpoint.Checkpoint
          yield* c.set("c", position)
          return yield* c.get("c")
        }).pipe(Effect.provide(store))
        expect(got).toEqual(Option.some(position))
      }
    }))

  it.effect("an on-disk layer given no path fails with InvalidRequest", () =>
    Effect.gen(function*() {
      for (const bad of ["", 7, null]) {
        expect((yield* Effect.flip(Layer.build(Checkpoint.layerFileSystem(bad as any))))._tag).toBe("InvalidRequest")
        expect((yield* Effect.flip(Layer.build(Checkpoint.layerFile(bad as any))))._tag).toBe("InvalidRequest")
      }
    }).pipe(Effect.scoped))
})

// A fresh directory, removed after the test.
const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "exa-checkpoint-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

const position = (n: number) => ({
  from: 1_700_000_000_000,
  time: 1_700_000_000_000 + n,
  seen: Array.from({ length: n % 50 }, (_, i) => [`ev_${n}_${i}`, 1_700_000_000_000 + i] as const)
})

const using = <A, E>(
  store: Layer.Layer<Checkpoint.Checkpoint, unknown>,
  f: (c: Checkpoint.Service) => Effect.Effect<A, E>
) => Effect.provide(Effect.flatMap(Effect.service(Checkpoint.Checkpoint), f), store)

describe("Checkpoint.layerFileSystem", () => {
  it.live("one file per name, read back whole; nothing else left in the directory; odd names as %XX", () =>
    Effect.gen(function*() {
      const dir = path.join(yield* temporaryDirectory, "nested", "checkpoints")
      const store = Checkpoint.layerFileSystem(dir)
      yield* using(store, (c) =>
        Effect.gen(function*() {
          expect(yield* c.get("main")).toEqual(Option.none())
          yield* c.set("main", position(1))
          yield* c.set("main", position(2))
          yield* c.set("a/b ü", position(3))
          expect(yield* c.get("main")).toEqual(Option.some(position(2)))
          expect(yield* c.get("a/b ü")).toEqual(Option.some(position(3)))
        }))
      expect(fs.readdirSync(dir).sort()).toEqual(["a%2Fb%20%C3%BC.json", "main.json"])
      expect(JSON.parse(fs.readFileSync(path.join(dir, "main.json"), "utf8"))).toMatchObject({
        v: 1,
        time: 1_700_000_000_002
      })
      // A second layer on the same directory reads what the first wrote.
      expect(yield* using(Checkpoint.layerFileSystem(dir), (c) => c.get("main"))).toEqual(Option.some(position(2)))
    }).pipe(Effect.scoped))

  it.live("a damaged file is CheckpointUnreadable naming the file; a bad name is BadArgument and writes nothing", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      fs.writeFileSync(path.join(dir, "main.json"), "{\"v\":1,\"from\":")
      fs.writeFileSync(path.join(dir, "old.json"), JSON.stringify({ ...ok, time: 1.5 }))
      const store = Checkpoint.layerFileSystem(dir)
      const damaged = yield* Effect.flip(using(store, (c) => c.get("main")))
      expect(damaged).toMatchObject({ _tag: "CheckpointUnreadable", name: "main" })
      expect((damaged as Checkpoint.CheckpointUnreadable).reason).toBe(`${path.join(dir, "main.json")} is not JSON`)
      const old = yield* Effect.flip(using(store, (c) => c.get("old")))
      expect((old as Checkpoint.CheckpointUnreadable).reason).toContain("(time: expected whole epoch milliseconds")
      for (const name of ["", "x".repeat(201)]) {
        const error = yield* Effect.flip(using(store, (c) => c.set(name, position(1))))
        expect(error).toMatchObject({ _tag: "PlatformError", reason: { _tag: "BadArgument" } })
      }
      expect(fs.readdirSync(dir).sort()).toEqual(["main.json", "old.json"])
    }).pipe(Effect.scoped))

  it.live("a reader running beside a writer sees the old position or the new one, never half a file", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const store = Checkpoint.layerFileSystem(dir)
      const big = (n: number) => ({
        ...position(n),
        seen: Array.from({ length: 5000 }, (_, i) => [`ev_${n}_${i}`, i] as const)
      })
      yield* using(store, (c) =>
        Effect.gen(function*() {
          yield* c.set("main", big(0))
          let reads = 0
          const writer = Effect.forEach(Array.from({ length: 30 }, (_, i) => i + 1), (n) => c.set("main", big(n)), {
            discard: true
          })
          const reader = Effect.gen(function*() {
            for (let i = 0; i < 60; i++) {
              const got = yield* c.get("main")
              expect(Option.isSome(got)).toBe(true)
              reads++
              yield* Effect.yieldNow
            }
          })
          yield* Effect.all([writer, reader], { concurrency: 2, discard: true })
          expect(reads).toBe(60)
          expect(yield* c.get("main")).toEqual(Option.some(big(30)))
        }))
      expect(fs.readdirSync(dir)).toEqual(["main.json"])
    }).pipe(Effect.scoped))
})

describe("Checkpoint.layerFile", () => {
  it.live("several names in one file: concurrent writers under different names never lose each other's positions", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const file = path.join(dir, "checkpoints.json")
      // Two layers (two consumers, as the command line's tail and listen), 20 names, all writing at once.
      const a = Checkpoint.layerFile(file)
      const b = Checkpoint.layerFile(file)
      yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => using(i % 2 === 0 ? a : b, (c) => c.set(`consumer-${i}`, position(i)))),
        { concurrency: "unbounded", discard: true }
      )
      const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>
      expect(Object.keys(all).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `consumer-${i}`).sort())
      for (let i = 0; i < 20; i++) {
        expect(yield* using(a, (c) => c.get(`consumer-${i}`))).toEqual(Option.some(position(i)))
      }
      // The lock is released, and no temporary file is left.
      expect(fs.readdirSync(dir)).toEqual(["checkpoints.json"])
    }).pipe(Effect.scoped))

  it.live("a guard left by a process killed while releasing a lock is taken over at once, one from elsewhere waited for", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const file = path.join(dir, "checkpoints.json")
      const namespace = fs.readlinkSync("/proc/self/ns/pid")
      const dead = 2 ** 22 + 12_345 // above Linux's pid_max: no process has it
      const crashed = (ns: string) => {
        fs.writeFileSync(`${file}.lock`, JSON.stringify({ token: "crashed", at: Date.now() - 60_000, pid: dead }))
        fs.writeFileSync(`${file}.lock.guard`, JSON.stringify({ at: Date.now(), pid: dead, namespace: ns }))
      }
      crashed(namespace)
      // Without the take-over the guard would hold every writer for 30 seconds.
      yield* using(Checkpoint.layerFile(file), (c) => c.set("main", position(1))).pipe(Effect.timeout("20 seconds"))
      expect(fs.readdirSync(dir)).toEqual(["checkpoints.json"])

      // A guard from another pid namespace says nothing about its process: waited for until it goes.
      crashed("pid:[1]")
      const writing = yield* Effect.forkChild(using(Checkpoint.layerFile(file), (c) => c.set("main", position(2))))
      yield* Effect.sleep("500 millis")
      expect(writing.pollUnsafe()).toBeUndefined()
      fs.rmSync(`${file}.lock.guard`)
      yield* Fiber.join(writing).pipe(Effect.timeout("20 seconds"))
      expect(yield* using(Checkpoint.layerFile(file), (c) => c.get("main"))).toEqual(Option.some(position(2)))
    }).pipe(Effect.scoped))

  it.live("a FIFO planted at the lock's path is not read (it would wait for a writer forever): it is taken over", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const file = path.join(dir, "checkpoints.json")
      execFileSync("mkfifo", [`${file}.lock`])
      yield* using(Checkpoint.layerFile(file), (c) => c.set("main", position(1))).pipe(Effect.timeout("20 seconds"))
      expect(fs.readdirSync(dir)).toEqual(["checkpoints.json"])
    }).pipe(Effect.scoped))

  it.live("a lock left by a crashed process (older than 10 s) is taken over; a file that cannot be read is never replaced", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const file = path.join(dir, "checkpoints.json")
      fs.writeFileSync(`${file}.lock`, JSON.stringify({ token: "crashed", at: Date.now() - 60_000, pid: 1 }))
      yield* using(Checkpoint.layerFile(file), (c) => c.set("main", position(1)))
      expect(fs.existsSync(`${file}.lock`)).toBe(false)
      // A position written before 0.3.0 (a JSON string) still reads.
      fs.writeFileSync(file, JSON.stringify({ main: JSON.stringify({ ...ok }) }))
      expect(yield* using(Checkpoint.layerFile(file), (c) => c.get("main"))).toEqual(
        Option.some({ from: ok.from, time: ok.time, seen: ok.seen })
      )
      fs.writeFileSync(file, "[1, 2")
      const error = yield* Effect.flip(using(Checkpoint.layerFile(file), (c) => c.set("main", position(2))))
      expect(error).toMatchObject({ _tag: "PlatformError", reason: { _tag: "InvalidData" } })
      expect(fs.readFileSync(file, "utf8")).toBe("[1, 2")
      const unreadable = yield* Effect.flip(using(Checkpoint.layerFile(file), (c) => c.get("main")))
      expect(unreadable).toMatchObject({ _tag: "CheckpointUnreadable", reason: `${file} is not JSON` })
    }).pipe(Effect.scoped))
})
