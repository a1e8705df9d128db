/**
 * Dedupe's store in files (`layerFileSystem`) on a real temporary directory: the same claims as the memory store,
 * race free between stores that share the directory (as processes on one machine do), `once` across them, bad
 * options, a folder it did not write, and the sweep of records idle for a day. (The Effect 3 line tests this store
 * with processes in packages/cli/test/fileStores.test.ts; two stores on one directory in one process exercise the same
 * compare-and-set on the file system.)
 */
import { Dedupe } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/testing/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "exa-dedupe-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

const ttl = Duration.seconds(30)
const tokenOf = (claim: Dedupe.Claim) => (claim as { readonly token: string }).token

// A store on `dir`, built in the test's scope (its sweep runs until the test ends).
const storeOn = (dir: string, options?: Dedupe.Options) =>
  Effect.map(Layer.build(Dedupe.layerFileSystem(dir, options)), (context) => Context.get(context, Dedupe.Dedupe))

describe("Dedupe.layerFileSystem", () => {
  it.effect("claims, expiry, take-over, renewal, release and done, as in memory", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const dedupe = yield* storeOn(dir, { window: "1 hour" })
      const first = yield* dedupe.claim("ev_1", ttl)
      expect(first._tag).toBe("Claimed")
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Busy", expiresAt: 30_000 })
      yield* TestClock.adjust("30 seconds")
      const second = yield* dedupe.claim("ev_1", ttl)
      expect(second._tag).toBe("Claimed")
      // The first claimant lost it: it can neither renew nor release the new claim.
      expect(yield* dedupe.renew("ev_1", tokenOf(first), ttl)).toBe(false)
      yield* dedupe.release("ev_1", tokenOf(first))
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Busy")
      yield* TestClock.adjust("20 seconds")
      expect(yield* dedupe.renew("ev_1", tokenOf(second), ttl)).toBe(true)
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Busy", expiresAt: 80_000 })
      yield* dedupe.release("ev_1", tokenOf(second))
      const third = yield* dedupe.claim("ev_1", ttl)
      expect(third._tag).toBe("Claimed")
      yield* dedupe.complete("ev_1", tokenOf(third))
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Done" })
      yield* TestClock.adjust("59 minutes")
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Done" })
      yield* TestClock.adjust("1 minute")
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Claimed")
      // One folder per id, named after it; odd ids as %XX; nothing temporary left.
      yield* dedupe.claim("a/b ü", ttl)
      expect(fs.readdirSync(dir).sort()).toEqual(["a%2Fb%20%C3%BC", "ev_1"])
    }).pipe(Effect.scoped))

  it.live("50 concurrent claims of one id from two stores on one directory: exactly one is Claimed", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const stores = [yield* storeOn(dir), yield* storeOn(dir)]
      for (const id of ["ev_a", "ev_b", "ev_c"]) {
        const claims = yield* Effect.all(
          Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim(id, ttl)),
          { concurrency: "unbounded" }
        )
        expect(claims.filter((c) => c._tag === "Claimed"), id).toHaveLength(1)
        expect(claims.filter((c) => c._tag === "Busy")).toHaveLength(49)
      }
    }).pipe(Effect.scoped))

  it.live("an expired claim is taken over by exactly one of 20 concurrent copies", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const stores = [yield* storeOn(dir), yield* storeOn(dir)]
      yield* stores[0]!.claim("ev_1", Duration.millis(1))
      yield* Effect.sleep("5 millis")
      const claims = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2]!.claim("ev_1", ttl)),
        { concurrency: "unbounded" }
      )
      expect(claims.filter((c) => c._tag === "Claimed")).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("once across two stores: 20 concurrent copies run the effect once; the others wait and get None", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const layers = [Dedupe.layerFileSystem(dir), Dedupe.layerFileSystem(dir)]
      let runs = 0
      const work = Effect.sync(() => ++runs).pipe(Effect.tap(Effect.sleep("100 millis")))
      const results = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => Dedupe.once("ev_1", work).pipe(Effect.provide(layers[i % 2]!))),
        { concurrency: "unbounded" }
      )
      expect(runs).toBe(1)
      expect(results.filter(Option.isSome)).toEqual([Option.some(1)])
    }).pipe(Effect.scoped))

  it.effect("a folder this store did not write is a BadArgument, never taken over; a bad id is a BadArgument", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      fs.mkdirSync(path.join(dir, "ev_foreign"))
      fs.writeFileSync(path.join(dir, "ev_foreign", "0"), "{}")
      const dedupe = yield* storeOn(dir)
      const error = yield* Effect.flip(dedupe.claim("ev_foreign", ttl))
      expect(error.reason._tag).toBe("BadArgument")
      expect(error.message).toContain("is not a record this store wrote")
      for (const id of ["", "x".repeat(201)]) {
        expect((yield* Effect.flip(dedupe.claim(id, ttl))).reason._tag).toBe("BadArgument")
      }
    }).pipe(Effect.scoped))

  it.effect("every bad option fails the layer with InvalidRequest", () =>
    Effect.gen(function*() {
      for (const [directory, options] of [["", {}], [5, {}], [null, {}], ["/tmp/x", { window: 0 }], ["/tmp/x", 3]]) {
        const error = yield* Effect.flip(Layer.build(Dedupe.layerFileSystem(directory as any, options as any)))
        expect(error._tag, JSON.stringify([directory, options])).toBe("InvalidRequest")
      }
    }).pipe(Effect.scoped))

  it.effect("a record released (or expired) more than a day ago is swept; a recent one stays", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const dedupe = yield* storeOn(dir)
      const old = yield* dedupe.claim("ev_old", ttl)
      yield* dedupe.release("ev_old", tokenOf(old))
      yield* TestClock.adjust("23 hours")
      const recent = yield* dedupe.claim("ev_recent", ttl)
      yield* dedupe.complete("ev_recent", tokenOf(recent))
      // The hourly sweep runs on the clock, and its file operations take real time: the clock moves an hour at a
      // time, then stands still while they run. The sweep renames the folder aside before removing it, so it is done
      // when the aside folder is gone too, not when the record's name is.
      const swept = () => fs.readdirSync(dir).join() === "ev_recent"
      for (let hour = 0; hour < 4 && !swept(); hour++) {
        yield* TestClock.adjust("1 hour")
        for (let i = 0; i < 2000 && !swept(); i++) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
        }
      }
      expect(fs.readdirSync(dir)).toEqual(["ev_recent"])
      expect(yield* dedupe.claim("ev_recent", ttl)).toEqual({ _tag: "Done" })
      expect((yield* dedupe.claim("ev_old", ttl))._tag).toBe("Claimed")
    }).pipe(Effect.scoped))
})
