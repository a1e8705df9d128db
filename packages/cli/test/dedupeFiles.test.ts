/**
 * The file-system Dedupe store under the races that matter: a copy that pauses between reading the record and
 * writing it (a slow disk, a busy machine) while other copies claim, run, complete, and while a sweep removes the
 * record; and a tampered directory. A `FileSystem` whose next `link` waits on the test places the pause exactly.
 */
import * as Dedupe from "@effect-exa/client/Dedupe"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const freshDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-dedupe-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** A Node file system whose next `link` (once `pauseNextLink` is called) waits until the returned gate opens. */
const gatedFileSystem = () => {
  let armed: { readonly reached: Deferred.Deferred<void>; readonly open: Deferred.Deferred<void> } | undefined
  const layer = Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (node) => ({
      ...node,
      link: (from: string, to: string) =>
        Effect.suspend(() => {
          const gate = armed
          armed = undefined
          return gate === undefined
            ? node.link(from, to)
            : Deferred.succeed(gate.reached, undefined).pipe(
              Effect.zipRight(Deferred.await(gate.open)),
              Effect.zipRight(node.link(from, to))
            )
        })
    }))
  ).pipe(Layer.provideMerge(NodeContext.layer))
  const pauseNextLink = Effect.gen(function*() {
    const gate = { reached: yield* Deferred.make<void>(), open: yield* Deferred.make<void>() }
    armed = gate
    return gate
  })
  return { layer, pauseNextLink }
}

const versionsOf = (folder: string) => fs.readdirSync(folder).filter((name) => /^[0-9a-f]{32}-\d+$/.test(name)).sort()

describe("Dedupe.layerFileSystem under races", () => {
  it.live("a copy paused between reading and writing while another claims, runs and completes finds it done", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      const gated = gatedFileSystem()
      const store = Dedupe.layerFileSystem(dir).pipe(Layer.provide(gated.layer))
      let runs = 0
      const handler = Effect.sync(() => ++runs)
      yield* Effect.gen(function*() {
        const gate = yield* gated.pauseNextLink
        const paused = yield* Effect.fork(Dedupe.tryOnce("ev_1", handler))
        yield* Deferred.await(gate.reached)
        // Another copy runs the whole cycle (claim, run, complete) while the first one waits to write its claim.
        expect((yield* Dedupe.tryOnce("ev_1", handler))._tag).toBe("Ran")
        yield* Deferred.succeed(gate.open, undefined)
        expect((yield* Fiber.join(paused))._tag).toBe("Done")
        expect(runs).toBe(1)
      }).pipe(Effect.provide(store))
    }).pipe(Effect.scoped))

  it.live("a copy paused while a sweep removes the idle record and a new claim creates it again stays out of it", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      const gated = gatedFileSystem()
      const store = Dedupe.layerFileSystem(dir).pipe(Layer.provide(gated.layer))
      const blocker = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      let runs = 0
      yield* Effect.gen(function*() {
        expect((yield* Dedupe.tryOnce("ev_1", Effect.void))._tag).toBe("Ran")
        // Age the record: done, expired two days ago (a sweep removes records idle for more than a day).
        const folder = path.join(dir, "ev_1")
        const newest = versionsOf(folder).at(-1)!
        fs.writeFileSync(
          path.join(folder, newest),
          JSON.stringify({ state: "done", until: Date.now() - 2 * 86_400_000 })
        )

        const gate = yield* gated.pauseNextLink
        const paused = yield* Effect.fork(Dedupe.tryOnce("ev_1", Effect.sync(() => ++runs)))
        yield* Deferred.await(gate.reached)
        // A second store on the directory sweeps when it starts: the record goes.
        yield* Effect.scoped(Effect.gen(function*() {
          yield* Layer.build(Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer)))
          for (let i = 0; i < 3000 && fs.existsSync(folder); i++) yield* Effect.sleep("10 millis")
        }))
        expect(fs.existsSync(folder)).toBe(false)
        // A new copy claims the id in a new folder at the same path, and runs.
        const running = yield* Effect.fork(Dedupe.tryOnce(
          "ev_1",
          Effect.zipRight(
            Effect.sync(() => ++runs),
            Effect.zipRight(Deferred.succeed(started, undefined), Deferred.await(blocker))
          )
        ))
        yield* Deferred.await(started)
        // The paused copy writes now, into the new folder, a version decided on the old record: it must not count.
        yield* Deferred.succeed(gate.open, undefined)
        expect(yield* Fiber.join(paused)).toMatchObject({ _tag: "Busy" })
        yield* Deferred.succeed(blocker, undefined)
        expect((yield* Fiber.join(running))._tag).toBe("Ran")
        expect(runs).toBe(1)
      }).pipe(Effect.provide(store))
    }).pipe(Effect.scoped))

  it.live("versions are kept while the record lives (a removed name could be written again by a paused copy)", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      yield* Effect.gen(function*() {
        const dedupe = yield* Dedupe.Dedupe
        const claim = yield* dedupe.claim("ev_1", Duration.seconds(30))
        if (claim._tag !== "Claimed") return expect.fail("not claimed")
        expect(yield* dedupe.renew("ev_1", claim.token, Duration.seconds(30))).toBe(true)
        yield* dedupe.complete("ev_1", claim.token)
        expect(versionsOf(path.join(dir, "ev_1")).map((name) => name.split("-")[1])).toEqual(["0", "1", "2"])
        expect(yield* dedupe.claim("ev_1", Duration.seconds(30))).toEqual({ _tag: "Done" })
      }).pipe(Effect.provide(Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer))))
    }).pipe(Effect.scoped))
})

describe("Dedupe.layerFileSystem on a tampered directory", () => {
  it.live("a stray version named -00 beside the store's own is ignored, and the id is claimed normally", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      const nonce = "0123456789abcdef0123456789abcdef"
      fs.mkdirSync(path.join(dir, "ev_1"))
      fs.writeFileSync(path.join(dir, "ev_1", `id.${nonce}`), "")
      fs.writeFileSync(
        path.join(dir, "ev_1", `${nonce}-00`),
        JSON.stringify({ state: "done", until: Date.now() + 1e9 })
      )
      // Bounded: a stray name once made a claim spin for ever at full CPU.
      const outcome = yield* Effect.timeout(Dedupe.tryOnce("ev_1", Effect.succeed(1)), "20 seconds").pipe(
        Effect.provide(Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer)))
      )
      expect(outcome._tag).toBe("Ran")
    }).pipe(Effect.scoped))

  it.live("a folder the store did not write (no identity file) is a typed error, nothing runs, and a sweep leaves it", () =>
    Effect.gen(function*() {
      const dir = yield* freshDirectory
      fs.mkdirSync(path.join(dir, "ev_1"))
      fs.writeFileSync(path.join(dir, "ev_1", "notes.txt"), "mine")
      let runs = 0
      const error = yield* Effect.flip(
        Dedupe.tryOnce("ev_1", Effect.sync(() => ++runs)).pipe(
          Effect.provide(Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer)))
        )
      )
      expect(error).toMatchObject({ _tag: "BadArgument", method: "Dedupe.claim" })
      expect(error.message).toContain("no identity file")
      expect(runs).toBe(0)
      expect(fs.readdirSync(path.join(dir, "ev_1"))).toEqual(["notes.txt"])
    }).pipe(Effect.scoped))
})
