/**
 * Dedupe's claims on the TestClock (memory store): claim, expiry, renewal, release, done for the window; `once`
 * and `tryOnce` under 50 concurrent copies; every bad option is `InvalidRequest`. Ported from the Effect 3 line's
 * `Dedupe.test.ts`.
 */
import { Dedupe } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/testing/TestClock"

const memory = Dedupe.layerMemoryWith({ window: "1 hour" })
const ttl = Duration.seconds(30)

describe("Dedupe.layerMemory", () => {
  it.effect("a claim makes other copies busy until it expires; then one copy takes it over", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      const first = yield* dedupe.claim("ev_1", ttl)
      expect(first._tag).toBe("Claimed")
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Busy", expiresAt: 30_000 })
      expect((yield* dedupe.claim("ev_2", ttl))._tag).toBe("Claimed")
      yield* TestClock.adjust("29999 millis")
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Busy")
      yield* TestClock.adjust("1 millis")
      const second = yield* dedupe.claim("ev_1", ttl)
      expect(second._tag).toBe("Claimed")
      // The first claimant lost it: it can neither renew nor release the new claim.
      const token = (first as { token: string }).token
      expect(yield* dedupe.renew("ev_1", token, ttl)).toBe(false)
      yield* dedupe.release("ev_1", token)
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Busy")
    }).pipe(Effect.provide(memory)))

  it.effect("renewing extends a claim from now; releasing frees it at once", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      const claim = yield* dedupe.claim("ev_1", ttl)
      const token = (claim as { token: string }).token
      yield* TestClock.adjust("20 seconds")
      expect(yield* dedupe.renew("ev_1", token, ttl)).toBe(true)
      yield* TestClock.adjust("20 seconds")
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Busy", expiresAt: 50_000 })
      yield* dedupe.release("ev_1", "someone else")
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Busy")
      yield* dedupe.release("ev_1", token)
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Claimed")
    }).pipe(Effect.provide(memory)))

  it.effect("complete makes the id done for the window, then forgets it", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      const claim = yield* dedupe.claim("ev_1", ttl)
      yield* dedupe.complete("ev_1", (claim as { token: string }).token)
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Done" })
      yield* TestClock.adjust("59 minutes")
      expect(yield* dedupe.claim("ev_1", ttl)).toEqual({ _tag: "Done" })
      yield* TestClock.adjust("1 minute")
      expect((yield* dedupe.claim("ev_1", ttl))._tag).toBe("Claimed")
    }).pipe(Effect.provide(memory)))

  it.effect("at most maxEntries ids are kept, the oldest going first, but never a live claim", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      const done = (id: string) =>
        Effect.flatMap(dedupe.claim(id, ttl), (c) => dedupe.complete(id, (c as { token: string }).token))
      yield* dedupe.claim("live", ttl)
      for (const id of ["a", "b", "c"]) yield* done(id)
      const tags = (ids: ReadonlyArray<string>) =>
        Effect.forEach(ids, (id) => Effect.map(dedupe.claim(id, Duration.millis(1)), (c) => c._tag))
      expect(yield* tags(["live", "c"])).toEqual(["Busy", "Done"])
      expect(yield* tags(["a"])).toEqual(["Claimed"])
    }).pipe(Effect.provide(Dedupe.layerMemoryWith({ maxEntries: 2 }))))

  it.effect("every bad option fails the layer with InvalidRequest (never a throw, never a silently disabled store)", () =>
    Effect.gen(function*() {
      const bad: Array<unknown> = [
        { maxEntries: 0 },
        { maxEntries: -1 },
        { maxEntries: 1.5 },
        { maxEntries: Number.NaN },
        { maxEntries: Infinity },
        { maxEntries: "10" },
        { window: 0 },
        { window: -5 },
        { window: Number.NaN },
        { window: "0 seconds" },
        { window: "soon" },
        { window: Infinity },
        { window: {} },
        null,
        7
      ]
      for (const options of bad) {
        const error = yield* Effect.flip(Layer.build(Dedupe.layerMemoryWith(options as any)))
        expect(error._tag, JSON.stringify(options)).toBe("InvalidRequest")
      }
    }).pipe(Effect.scoped))
})

describe("Dedupe.once", () => {
  it.effect("runs for a new id, records it only when it succeeded, and skips it after", () =>
    Effect.gen(function*() {
      let runs = 0
      const work = (fail: boolean) =>
        Effect.suspend(() => (runs++, fail ? Effect.fail("boom" as const) : Effect.succeed(runs)))
      expect(yield* Effect.flip(Dedupe.once("ev_1", work(true)))).toBe("boom")
      expect(yield* Dedupe.once("ev_1", work(false))).toEqual(Option.some(2))
      expect(yield* Dedupe.once("ev_1", work(false))).toEqual(Option.none())
      expect(runs).toBe(2)
    }).pipe(Effect.provide(memory)))

  it.effect("50 concurrent copies of one id: the effect runs once, the others wait and get None", () =>
    Effect.gen(function*() {
      let runs = 0
      const slow = Effect.sync(() => ++runs).pipe(Effect.tap(Effect.sleep("40 seconds")))
      // Forked one after the other from this fiber (Effect 4 interrupts a fiber forked inside a concurrent forEach when
      // its step ends); none runs before the loop yields, so all 50 start together.
      const fibers = yield* Effect.forEach(
        Array.from({ length: 50 }),
        () => Effect.forkChild(Dedupe.once("ev_1", slow))
      )
      // Longer than the claim's 30 s: renewals keep it. (Small steps: a fiber woken by one step sleeps again.)
      for (let i = 0; i < 200 && fibers.some((f) => f.pollUnsafe() === undefined); i++) {
        yield* TestClock.adjust("1 second")
      }
      const results = yield* Effect.forEach(fibers, Fiber.join)
      expect(runs).toBe(1)
      expect(results.filter(Option.isSome)).toEqual([Option.some(1)])
    }).pipe(Effect.provide(memory)))

  it.effect("a failing copy releases the claim: a waiting copy runs it next", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const ran: Array<string> = []
      const first = yield* Effect.forkChild(
        Dedupe.once("ev_1", Effect.andThen(Deferred.await(gate), Effect.fail("boom" as const)))
      )
      yield* TestClock.adjust("1 millis")
      const second = yield* Effect.forkChild(Dedupe.once("ev_1", Effect.sync(() => ran.push("second"))))
      yield* TestClock.adjust("1 second")
      expect(ran).toEqual([])
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Effect.flip(Fiber.join(first))).toBe("boom")
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(second)).toEqual(Option.some(1))
      expect(ran).toEqual(["second"])
    }).pipe(Effect.provide(memory)))

  it.effect("a claimant that crashed (claimed, never released) holds the id until the claim expires, then the next copy runs", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      yield* dedupe.claim("ev_1", Duration.seconds(10))
      const waiting = yield* Effect.forkChild(Dedupe.once("ev_1", Effect.succeed("ran")))
      yield* TestClock.adjust("9 seconds")
      expect(waiting.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(waiting)).toEqual(Option.some("ran"))
    }).pipe(Effect.provide(memory)))

  it.effect("interrupting a running copy releases its claim; interrupting a waiting copy leaves nothing behind", () =>
    Effect.gen(function*() {
      const running = yield* Effect.forkChild(Dedupe.once("ev_1", Effect.never))
      yield* TestClock.adjust("1 millis")
      const waiting = yield* Effect.forkChild(Dedupe.once("ev_1", Effect.succeed(1)))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(waiting)
      yield* Fiber.interrupt(running)
      expect(yield* Dedupe.once("ev_1", Effect.succeed(2))).toEqual(Option.some(2))
    }).pipe(Effect.provide(memory)))

  it.effect("tryOnce does not wait: Busy with the claim's expiry, Done, or Ran", () =>
    Effect.gen(function*() {
      const running = yield* Effect.forkChild(Dedupe.tryOnce("ev_1", Effect.sleep("1 minute"), { ttl: "20 seconds" }))
      yield* TestClock.adjust("1 millis")
      expect(yield* Dedupe.tryOnce("ev_1", Effect.succeed(1))).toEqual({ _tag: "Busy", expiresAt: 20_000 })
      // Renewed every third of the ttl while it runs.
      yield* TestClock.adjust("7 seconds")
      expect(yield* Dedupe.tryOnce("ev_1", Effect.succeed(1))).toEqual({ _tag: "Busy", expiresAt: 26_666 })
      yield* TestClock.adjust("1 minute")
      expect(yield* Fiber.join(running)).toEqual({ _tag: "Ran", value: undefined })
      expect(yield* Dedupe.tryOnce("ev_1", Effect.succeed(1))).toEqual({ _tag: "Done" })
    }).pipe(Effect.provide(memory)))

  it.effect("without a Dedupe in context, it always runs", () =>
    Effect.gen(function*() {
      let runs = 0
      const work = Effect.sync(() => ++runs)
      expect(yield* Dedupe.once("ev_1", work)).toEqual(Option.some(1))
      expect(yield* Dedupe.once("ev_1", work)).toEqual(Option.some(2))
    }))

  it.effect("a bad id or ttl is InvalidRequest, and nothing runs", () =>
    Effect.gen(function*() {
      let runs = 0
      const work = Effect.sync(() => ++runs)
      for (
        const [id, options] of [["", {}], [7, {}], ["ev_1", { ttl: 0 }], ["ev_1", { ttl: "999 millis" }], ["ev_1", {
          ttl: "never"
        }], ["ev_1", 5]] as const
      ) {
        const error = yield* Effect.flip(Dedupe.once(id as any, work, options as any))
        expect(error, JSON.stringify([id, options])).toMatchObject({ _tag: "InvalidRequest" })
      }
      expect(runs).toBe(0)
    }).pipe(Effect.provide(memory)))
})
