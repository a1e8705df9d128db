/**
 * The on-disk stores of `@effect-exa/client` (Checkpoint.layerFileSystem, Checkpoint.layerFile, the command line's
 * `--checkpoint`, Dedupe.layerFileSystem) with real processes: killed with SIGKILL at random moments, raced by
 * readers, shared by several writers. Here rather than in the client package because this package has a Node
 * `FileSystem` (@effect/platform-node). The worker is test/fixtures/storeWorker.ts, bundled with esbuild.
 */
import { Checkpoint, Dedupe } from "@effect-exa/client"
import { Fixtures } from "@effect-exa/testing"
import * as NodeContext from "@effect/platform-node/NodeContext"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { build } from "esbuild"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { emulator, receiver, run, start } from "./harness.js"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-stores-"))
const worker = path.join(root, "worker.mjs")
const children = new Set<number>()

beforeAll(async () => {
  await build({
    entryPoints: [new URL("fixtures/storeWorker.ts", import.meta.url).pathname],
    outfile: worker,
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["source"],
    logLevel: "warning"
  })
}, 60_000)

afterAll(() => {
  for (const pid of children) {
    try {
      process.kill(pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
  fs.rmSync(root, { recursive: true, force: true })
})

/** The real clock, `ms` ahead: its time only (sleeps are real), for an expiry that must not depend on speed. */
const later = (ms: number): Clock.Clock => {
  const real = Clock.make()
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => real.unsafeCurrentTimeMillis() + ms,
    currentTimeMillis: Effect.sync(() => real.unsafeCurrentTimeMillis() + ms),
    unsafeCurrentTimeNanos: () => real.unsafeCurrentTimeNanos() + BigInt(ms) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => real.unsafeCurrentTimeNanos() + BigInt(ms) * 1_000_000n),
    sleep: (duration) => real.sleep(duration)
  }
}

const fresh = (name: string) => fs.mkdtempSync(path.join(root, `${name}-`))

/** Starts the worker; `ready` resolves at its first line on stdout, `exit` when it ends. */
const startWorker = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  children.add(child.pid!)
  let stderr = ""
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve())
    child.once("exit", () => reject(new Error(`the worker ended before it was ready: ${stderr}`)))
  })
  // Not every caller waits for it.
  ready.catch(() => {})
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child.pid!)
      resolve({ code, signal, stderr })
    })
  )
  return { child, ready, exit }
}

const node = <A, E>(
  effect: Effect.Effect<A, E, Checkpoint.Checkpoint>,
  layer: Layer.Layer<Checkpoint.Checkpoint, unknown, FileSystem.FileSystem | Path.Path>
) => effect.pipe(Effect.provide(layer.pipe(Layer.provide(NodeContext.layer))), Effect.orDie)

const valid = (stored: Option.Option<Checkpoint.Position>) => {
  expect(Option.isSome(stored)).toBe(true)
  const position = Option.getOrThrow(stored)
  expect(position.seen).toHaveLength(300)
  expect(position.seen.every(([, t]) => t === position.time)).toBe(true)
}

describe("Checkpoint on disk, against kill -9", () => {
  for (
    const [kind, layerOf, args] of [
      [
        "layerFileSystem",
        (target: string) => Checkpoint.layerFileSystem(target),
        (dir: string) => ["checkpoint-dir", dir, "consumer"]
      ],
      [
        "layerFile",
        (target: string) => Checkpoint.layerFile(path.join(target, "checkpoint.json")),
        (dir: string) => ["checkpoint-file", path.join(dir, "checkpoint.json"), "consumer"]
      ]
    ] as const
  ) {
    it.live(
      `${kind}: a writer killed at 10 random moments always leaves a position that loads`,
      () =>
        Effect.gen(function*() {
          const dir = fresh("kill")
          for (let trial = 0; trial < 10; trial++) {
            const { child, exit, ready } = startWorker(args(dir))
            yield* Effect.promise(() => ready)
            // A random moment within the writes that follow.
            yield* Effect.sleep(Duration.millis(Math.floor(Math.random() * 60)))
            child.kill("SIGKILL")
            expect((yield* Effect.promise(() => exit)).signal).toBe("SIGKILL")
            valid(yield* node(Effect.flatMap(Checkpoint.Checkpoint, (store) => store.get("consumer")), layerOf(dir)))
          }
        }),
      120_000
    )
  }

  it.live("a reader racing a writer never sees half a file", () =>
    Effect.gen(function*() {
      const dir = fresh("race")
      const { child, exit, ready } = startWorker(["checkpoint-dir", dir, "consumer"])
      yield* Effect.promise(() => ready)
      const read = Effect.flatMap(Checkpoint.Checkpoint, (store) => store.get("consumer"))
      const times = new Set<number>()
      yield* node(
        Effect.gen(function*() {
          // At least 300 reads, and on until the writer was seen to move on (it may get little CPU on a busy
          // machine), for at most 30 s.
          const until = Date.now() + 30_000
          for (let i = 0; i < 300 || (times.size < 2 && Date.now() < until); i++) {
            const stored = yield* read
            valid(stored)
            times.add(Option.getOrThrow(stored).time)
          }
        }),
        Checkpoint.layerFileSystem(dir)
      )
      child.kill("SIGKILL")
      yield* Effect.promise(() => exit)
      // It did read while the writer wrote.
      expect(times.size).toBeGreaterThan(1)
    }), 120_000)
})

describe("Checkpoint.layerFile (the command line's --checkpoint FILE)", () => {
  it.live(
    "several processes writing their own names to one file keep each other's positions",
    () =>
      Effect.gen(function*() {
        const file = path.join(fresh("shared"), "checkpoint.json")
        const names = ["events-tail", "listen", "third"]
        const workers = names.map((name) => startWorker(["checkpoint-file", file, name, "40"]))
        const exits = yield* Effect.promise(() => Promise.all(workers.map((w) => w.exit)))
        expect(exits.map((e) => e.code), exits.map((e) => e.stderr).join("\n")).toEqual([0, 0, 0])
        for (const name of names) {
          const stored = yield* node(
            Effect.flatMap(Checkpoint.Checkpoint, (store) => store.get(name)),
            Checkpoint.layerFile(file)
          )
          valid(stored)
          expect(Option.getOrThrow(stored).time).toBe(1_700_000_000_040)
        }
        expect(fs.readdirSync(path.dirname(file))).toEqual(["checkpoint.json"])
      }),
    120_000
  )

  it.live("a lock left by a crashed process is taken over: at once when its process is gone, else after 10 seconds", () =>
    Effect.gen(function*() {
      const file = path.join(fresh("stale"), "checkpoint.json")
      fs.writeFileSync(`${file}.lock`, JSON.stringify({ token: "dead", at: Date.now() - 60_000 }))
      const position = { from: 0, time: 5, seen: [] }
      yield* node(
        Effect.flatMap(Checkpoint.Checkpoint, (store) => store.set("a", position)),
        Checkpoint.layerFile(file)
      )
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ a: { v: 1, ...position } })
      expect(fs.existsSync(`${file}.lock`)).toBe(false)
      // Held by a process that is gone (killed with kill -9), dated ahead so that only that can free it (else the
      // write would fail with TimedOut after a minute): taken over at once.
      const gone = startWorker(["no-such-mode"])
      yield* Effect.promise(() => gone.exit)
      // (The lock names the pid namespace it was taken in: an id is checked only within this one.)
      const namespace = fs.readlinkSync("/proc/self/ns/pid")
      fs.writeFileSync(
        `${file}.lock`,
        JSON.stringify({ token: "killed", at: Date.now() + 3_600_000, pid: gone.child.pid, namespace })
      )
      yield* node(
        Effect.flatMap(Checkpoint.Checkpoint, (store) => store.set("b", position)),
        Checkpoint.layerFile(file)
      )
      expect(Object.keys(JSON.parse(fs.readFileSync(file, "utf8")))).toEqual(["a", "b"])
    }))

  it.live("reads files written before 0.3.0 (positions as JSON strings); a damaged file is CheckpointUnreadable and is never overwritten", () =>
    Effect.gen(function*() {
      const file = path.join(fresh("old"), "checkpoint.json")
      fs.writeFileSync(
        file,
        JSON.stringify({ "events-tail": JSON.stringify({ v: 1, from: 1, time: 2, seen: [["ev_1", 2]] }) })
      )
      const layer = Checkpoint.layerFile(file).pipe(Layer.provide(NodeContext.layer))
      const store = Checkpoint.Checkpoint
      expect(yield* Effect.flatMap(store, (s) => s.get("events-tail")).pipe(Effect.provide(layer))).toEqual(
        Option.some({ from: 1, time: 2, seen: [["ev_1", 2]] })
      )
      fs.writeFileSync(file, "{ half")
      const error = yield* Effect.flip(Effect.flatMap(store, (s) => s.get("events-tail")).pipe(Effect.provide(layer)))
      expect(error._tag).toBe("CheckpointUnreadable")
      expect(
        yield* Effect.flip(
          Effect.flatMap(store, (s) => s.set("listen", { from: 0, time: 0, seen: [] })).pipe(Effect.provide(layer))
        )
      )
        .toMatchObject({ _tag: "SystemError", reason: "InvalidData" })
      expect(fs.readFileSync(file, "utf8")).toBe("{ half")
    }))
})

describe("Dedupe.layerFileSystem", () => {
  const layer = (dir: string) => Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer))

  it.live("50 concurrent copies of one id in one process: the handler runs once; a failure lets the next copy run", () =>
    Effect.gen(function*() {
      let runs = 0
      const results = yield* Effect.forEach(
        Array.from({ length: 50 }),
        () => Dedupe.once("ev_1", Effect.sync(() => ++runs).pipe(Effect.zipLeft(Effect.sleep("50 millis")))),
        { concurrency: "unbounded" }
      )
      expect(runs).toBe(1)
      expect(results.filter(Option.isSome)).toHaveLength(1)
      expect(yield* Effect.flip(Dedupe.once("ev_2", Effect.fail("boom")))).toBe("boom")
      expect(yield* Dedupe.once("ev_2", Effect.succeed("second"))).toEqual(Option.some("second"))
      expect(yield* Dedupe.once("ev_2", Effect.succeed("third"))).toEqual(Option.none())
    }).pipe(Effect.provide(layer(fresh("dedupe"))), Effect.scoped))

  it.live(
    "four processes given the same 25 ids at once: each id is handled exactly once",
    () =>
      Effect.gen(function*() {
        const dir = fresh("dedupe-procs")
        const log = path.join(dir, "..", `${path.basename(dir)}.log`)
        fs.writeFileSync(log, "")
        const ids = Array.from({ length: 25 }, (_, i) => `ev_${i}`)
        const workers = Array.from({ length: 4 }, () => startWorker(["dedupe", dir, log, ...ids]))
        const exits = yield* Effect.promise(() => Promise.all(workers.map((w) => w.exit)))
        expect(exits.map((e) => e.code), exits.map((e) => e.stderr).join("\n")).toEqual([0, 0, 0, 0])
        const handled = fs.readFileSync(log, "utf8").trim().split("\n").map((line) => line.split(" ")[0])
        expect(handled.sort()).toEqual([...ids].sort())
      }),
    120_000
  )

  const dir = fresh("dedupe-expiry")
  it.live("an expired claim (its holder crashed) is taken over by exactly one of the copies", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      expect((yield* dedupe.claim("ev_1", Duration.seconds(30)))._tag).toBe("Claimed")
      expect((yield* dedupe.claim("ev_1", Duration.seconds(30)))._tag).toBe("Busy")
      // 31 s later on the store's clock (sleeps stay real): the claim has expired, however slow this machine is.
      yield* Effect.gen(function*() {
        const claims = yield* Effect.forEach(
          Array.from({ length: 20 }),
          () => dedupe.claim("ev_1", Duration.seconds(30)),
          {
            concurrency: "unbounded"
          }
        )
        expect(claims.filter((c) => c._tag === "Claimed")).toHaveLength(1)
        const token = (claims.find((c) => c._tag === "Claimed") as { token: string }).token
        expect(yield* dedupe.renew("ev_1", token, Duration.seconds(30))).toBe(true)
        yield* dedupe.complete("ev_1", token)
        expect(yield* dedupe.claim("ev_1", Duration.seconds(30))).toEqual({ _tag: "Done" })
      }).pipe(Effect.withClock(later(31_000)))
      // The record's folder: its identity and every version written while it lives (claim, take-over, renew, done).
      expect(
        fs.readdirSync(path.join(dir, "ev_1")).filter((name) => !name.startsWith("id.")).map((name) =>
          name.split("-")[1]
        ).sort()
      )
        .toEqual(["0", "1", "2", "3"])
    }).pipe(Effect.provide(layer(dir)), Effect.scoped))

  it.live("the sweep removes records idle for more than a day (expired, released, unreadable) and old temporary files; it keeps the rest", () =>
    Effect.gen(function*() {
      const dir = fresh("dedupe-sweep")
      const nonce = "0123456789abcdef0123456789abcdef"
      const record = (id: string, entry: object) => {
        fs.mkdirSync(path.join(dir, id))
        fs.writeFileSync(path.join(dir, id, `id.${nonce}`), nonce)
        fs.writeFileSync(path.join(dir, id, `${nonce}-3`), JSON.stringify(entry))
      }
      const now = Date.now()
      record("old", { state: "done", until: now - 2 * 86_400_000 })
      record("released", { state: "released", until: now - 2 * 86_400_000 })
      record("released-lately", { state: "released", until: now - 60_000 })
      record("unreadable", { state: "??" })
      fs.utimesSync(
        path.join(dir, "unreadable", `${nonce}-3`),
        new Date(now - 2 * 86_400_000),
        new Date(now - 2 * 86_400_000)
      )
      record("recent", { state: "done", until: now - 3_600_000 })
      record("live", { state: "claimed", token: "t", until: now + 60_000 })
      fs.writeFileSync(path.join(dir, ".tmp-old"), "")
      fs.utimesSync(path.join(dir, ".tmp-old"), new Date(now - 7_200_000), new Date(now - 7_200_000))
      fs.writeFileSync(path.join(dir, ".tmp-new"), "")
      // The layer sweeps when it starts.
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(layer(dir))
        for (let i = 0; i < 1500 && fs.readdirSync(dir).length > 4; i++) yield* Effect.sleep("20 millis")
      }))
      expect(fs.readdirSync(dir).sort()).toEqual([".tmp-new", "live", "recent", "released-lately"])
    }))

  it.live("a waiting copy runs after the claim of a killed process expires", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      yield* dedupe.claim("ev_1", Duration.millis(300))
      const waiting = yield* Effect.fork(Dedupe.once("ev_1", Effect.succeed("ran")))
      expect(yield* Fiber.join(waiting)).toEqual(Option.some("ran"))
    }).pipe(Effect.provide(layer(fresh("dedupe-crash"))), Effect.scoped))
})

describe("the command line's --checkpoint FILE", () => {
  const at = (now: number, s: number) => new Date(now - 30_000 + s * 1000).toISOString()

  it.live("tail and listen running at once on one file keep each other's positions", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const hook = yield* receiver("whsec_shared")
      const { api, env } = yield* emulator()
      const checkpoint = path.join(fresh("cli-shared"), "shared.json")
      const common = ["--poll", "100ms", "--since", at(now, 0), "--checkpoint", checkpoint, "--json"]
      const tail = start(["events", "tail", ...common], env)
      const listen = start(["listen", "--forward-to", hook.url, "--secret", "whsec_shared", ...common], env)
      for (let i = 1; i <= 6; i++) {
        yield* api.addEvents([Fixtures.make("webset.idle", { id: `ev_${i}`, createdAt: at(now, i) })])
        yield* Effect.sleep("150 millis")
      }
      yield* Effect.promise(() => tail.until((out) => out.includes("ev_6")))
      yield* Effect.promise(() => listen.until((out) => out.includes("ev_6")))
      // Both positions reach the last event (each is written after the event is handled).
      const both = () => {
        // The file is written after a page is handled: it may not be there yet.
        const all = fs.existsSync(checkpoint) ? JSON.parse(fs.readFileSync(checkpoint, "utf8")) : {}
        return [all["events-tail"]?.time, all["listen"]?.time]
      }
      const last = Date.parse(at(now, 6))
      for (let i = 0; i < 600 && !both().every((t) => t === last); i++) yield* Effect.sleep("50 millis")
      tail.child.kill("SIGINT")
      listen.child.kill("SIGINT")
      yield* Effect.promise(() => Promise.all([tail.done, listen.done]))
      expect(both()).toEqual([last, last])
    }).pipe(Effect.scoped), 120_000)

  it.live(
    "a stored position with numbers out of range exits 2 (bad input) and says where, not 70",
    () =>
      Effect.gen(function*() {
        const { env } = yield* emulator()
        const checkpoint = path.join(fresh("cli-range"), "tail.json")
        for (const time of [1e300, -1, 0.5]) {
          fs.writeFileSync(checkpoint, JSON.stringify({ "events-tail": { v: 1, from: 1e300, time, seen: [] } }))
          const ran = yield* run(["events", "tail", "--checkpoint", checkpoint], env)
          expect(ran.code, ran.stderr).toBe(2)
          expect(ran.stderr).toContain("from")
          expect(ran.stderr).toContain(checkpoint)
        }
      }).pipe(Effect.scoped),
    60_000
  )
})
