/**
 * The tail and checkpointed consumers against an in-memory events API behind the stub `HttpClient` (newest first,
 * `createdAfter` inclusive, `types` filtered, pages of `limit`): events added while it runs, events that show up
 * late, many events sharing one `createdAt` across pages, restarts on the same checkpoint store, the filters,
 * `follow`, `waitFor` and `awaitIdle`. Ported from the Effect 3 line's `packages/testing/test/Tail.test.ts`, which
 * runs them against its emulator (not ported to this line). Polls run on the TestClock; the test moves it a poll
 * at a time until what it waits for has happened.
 */
import { Checkpoint, Exa, Tail } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { enriched, idle } from "./fixtures.js"
import { json, stub } from "./stub.js"

const T0 = Date.parse("2026-11-30T12:00:00.000Z")
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const event = (id: string, seconds: number): Event.Encoded => ({ ...idle, id, createdAt: at(seconds) })
const idleOf = (id: string, seconds: number, websetId: string): Event.Encoded => ({
  ...idle,
  id,
  createdAt: at(seconds),
  data: { ...idle.data, id: websetId }
})
const itemOf = (id: string, seconds: number, websetId: string): Event.Encoded => ({
  ...enriched,
  id,
  createdAt: at(seconds),
  data: { ...enriched.data, websetId }
})

/** The events API: what the tail reads, what a test adds, and every query sent. */
const eventsApi = () => {
  const events: Array<Event.Encoded> = []
  const queries: Array<URLSearchParams> = []
  const s = stub((url) => {
    queries.push(url.searchParams)
    const after = Date.parse(url.searchParams.get("createdAfter") ?? "1970-01-01T00:00:00Z")
    const types = url.searchParams.getAll("types")
    const limit = Number(url.searchParams.get("limit") ?? "25")
    const offset = Number(url.searchParams.get("cursor") ?? "0")
    const all = events.filter((e) => Date.parse(e.createdAt) >= after && (types.length === 0 || types.includes(e.type)))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1))
    const data = all.slice(offset, offset + limit)
    const hasMore = offset + limit < all.length
    return json(200, { data, hasMore, nextCursor: hasMore ? String(offset + limit) : null })
  })
  const add = (added: ReadonlyArray<Event.Encoded>) => Effect.sync(() => void events.push(...added))
  return {
    add,
    events,
    queries,
    layer: Exa.layer({ apiKey: Redacted.make("k"), retry: false }).pipe(Layer.provide(s.layer))
  }
}

type Api = ReturnType<typeof eventsApi>

const realPause = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

// Moves the clock a poll at a time until `done` holds. After each step the clock stands still until the tail has
// sent its next request (or `done` holds), then a little longer for the answer to be handled: the clock never runs
// far ahead of the polls, and no outcome depends on the machine's speed (a slow step only costs more steps).
const until = (api: Api, done: () => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400 && !done(); i++) {
      const before = api.queries.length
      yield* TestClock.adjust("5 seconds")
      for (let j = 0; j < 400 && !done() && api.queries.length === before; j++) yield* realPause(5)
      for (let j = 0; j < 10 && !done(); j++) yield* realPause(1)
    }
    assert(done(), `gave up waiting for ${what}`)
  })

const run = <A, E>(
  events: ReadonlyArray<Event.Encoded>,
  body: (api: Api) => Effect.Effect<A, E, any>
) => {
  const api = eventsApi()
  api.events.push(...events)
  return Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    return yield* body(api)
  }).pipe(
    Effect.provide(
      Layer.mergeAll(api.layer, Checkpoint.layerKeyValueStore().pipe(Layer.provideMerge(KeyValueStore.layerMemory)))
    )
  ) as Effect.Effect<A, E>
}

describe("Tail.consume", () => {
  it.effect("handles every event added while it runs, each once, oldest first within a poll", () =>
    run([event("ev_before", -1)], (api) =>
      Effect.gen(function*() {
        const handled: Array<string> = []
        const fiber = yield* Effect.forkChild(
          Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0) })
        )
        yield* api.add([event("ev_2", 2), event("ev_1", 1)])
        yield* until(api, () => handled.length >= 2, "the first two events")
        yield* api.add([event("ev_3", 3)])
        yield* until(api, () => handled.length >= 3, "the third event")
        yield* TestClock.adjust("1 minute")
        expect(handled).toEqual(["ev_1", "ev_2", "ev_3"])
        yield* Fiber.interrupt(fiber)
      })))

  it.effect("an event that shows up late (after later ones) is handled if it is within the lookback; not otherwise", () =>
    run([], (api) =>
      Effect.gen(function*() {
        const handled: Array<string> = []
        // The clock stays close to the events: a poll at `now` moves the position to at least now - lookback -
        // clockSkew, so far ahead of ev_200 the late ev_100 would fall out of the lookback whatever the tail did.
        yield* TestClock.adjust("210 seconds")
        const fiber = yield* Effect.forkChild(
          Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0), lookback: "2 minutes" })
        )
        yield* api.add([event("ev_200", 200)])
        yield* until(api, () => handled.length >= 1, "ev_200")
        // Created 100 s before the newest handled one, visible only now: inside the lookback.
        yield* api.add([event("ev_100", 100)])
        yield* until(api, () => handled.length >= 2, "the late ev_100")
        // Created 190 s before: beyond the lookback, so the tail never asks for it (documented).
        yield* api.add([event("ev_10", 10), event("ev_300", 300)])
        yield* until(api, () => handled.includes("ev_300"), "ev_300")
        yield* TestClock.adjust("1 minute")
        expect(handled).toEqual(["ev_200", "ev_100", "ev_300"])
        yield* Fiber.interrupt(fiber)
      })))

  it.effect("walks every page of a window where hundreds of events share one createdAt", () =>
    run(
      Array.from({ length: 450 }, (_, i) => event(`ev_${String(i).padStart(3, "0")}`, 5)),
      (api) =>
        Effect.gen(function*() {
          const handled = new Map<string, number>()
          const fiber = yield* Effect.forkChild(
            Tail.consume("c", (e) => Effect.sync(() => void handled.set(e.id, (handled.get(e.id) ?? 0) + 1)), {
              since: at(0)
            })
          )
          yield* until(api, () => handled.size >= 450, "450 events")
          yield* TestClock.adjust("1 minute")
          yield* realPause(20)
          expect(handled.size).toBe(450)
          expect([...handled.values()].every((n) => n === 1)).toBe(true)
          yield* Fiber.interrupt(fiber)
        })
    ))

  it.effect("after a crash (a failing handler) or an interruption, a new consumer on the same store resumes: none skipped", () =>
    run([1, 2, 3, 4, 5].map((i) => event(`ev_${i}`, i)), (api) =>
      Effect.gen(function*() {
        const handled: Array<string> = []
        let crashOn: string | undefined = "ev_3"
        const handle = (e: Event.Event) =>
          Effect.suspend(() =>
            e.id === crashOn ? Effect.fail("crash" as const) : Effect.sync(() => void handled.push(e.id))
          )
        const first = yield* Effect.forkChild(Tail.consume("c", handle, { since: at(0) }))
        yield* until(api, () => first.pollUnsafe() !== undefined, "the crash")
        const exit = yield* Fiber.await(first)
        assert(Exit.isFailure(exit))
        expect(handled).toEqual(["ev_1", "ev_2"])
        // The stored position is after ev_2, the last success.
        const stored = yield* (yield* Checkpoint.Checkpoint).get("c")
        assert(Option.isSome(stored))
        expect(stored.value.seen.map(([id]) => id)).toEqual(["ev_1", "ev_2"])

        crashOn = undefined
        const second = yield* Effect.forkChild(Tail.consume("c", handle, { since: at(0) }))
        yield* until(api, () => handled.length >= 5, "the rest")
        yield* Fiber.interrupt(second)
        expect(handled).toEqual(["ev_1", "ev_2", "ev_3", "ev_4", "ev_5"])

        yield* api.add([6, 7].map((i) => event(`ev_${i}`, i)))
        const third = yield* Effect.forkChild(Tail.consume("c", handle, { since: at(0) }))
        yield* until(api, () => handled.length >= 7, "events added while it was stopped")
        yield* Fiber.interrupt(third)
        expect(handled).toEqual(["ev_1", "ev_2", "ev_3", "ev_4", "ev_5", "ev_6", "ev_7"])
      })))

  it.effect("with events added concurrently, late ones among them, and the consumer stopped and restarted: every event is handled", () =>
    run([], (api) =>
      Effect.gen(function*() {
        const counts = new Map<string, number>()
        const handle = (e: Event.Event) => Effect.sync(() => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1))
        const ids: Array<string> = []
        // 60 events in bursts of 6; every third burst also holds one created 30 s earlier (published late).
        const producer = Effect.gen(function*() {
          for (let burst = 0; burst < 10; burst++) {
            const batch = Array.from({ length: 6 }, (_, k) => event(`ev_${burst}_${k}`, 60 + burst * 10 + k))
            if (burst % 3 === 2) batch.push(event(`ev_late_${burst}`, 30 + burst * 10))
            ids.push(...batch.map((e) => e.id))
            yield* api.add(batch)
            yield* realPause(3)
          }
        })
        const producing = yield* Effect.forkChild(producer)
        for (let restart = 0; restart < 3; restart++) {
          const consumer = yield* Effect.forkChild(Tail.consume("c", handle, { since: at(0), lookback: "1 minute" }))
          const target = (restart + 1) * 15
          yield* until(
            api,
            () => counts.size >= target || (producing.pollUnsafe() !== undefined && counts.size >= ids.length),
            `${target} events`
          )
          yield* Fiber.interrupt(consumer)
        }
        yield* Fiber.join(producing)
        const last = yield* Effect.forkChild(Tail.consume("c", handle, { since: at(0), lookback: "1 minute" }))
        yield* until(api, () => counts.size >= ids.length, "every event")
        yield* Fiber.interrupt(last)
        expect([...counts.keys()].sort()).toEqual([...ids].sort())
        // An interruption between a handler's success and the write of the position may repeat that one event.
        const repeated = [...counts.values()].filter((n) => n > 1).length
        expect(repeated).toBeLessThanOrEqual(3)
      })))

  it.effect("filters by type (the API) and by webset (here)", () =>
    run([
      itemOf("ev_mine", 1, "webset_mine"),
      itemOf("ev_other", 2, "webset_other"),
      idleOf("ev_idle_mine", 3, "webset_mine")
    ], (api) =>
      Effect.gen(function*() {
        const handled: Array<string> = []
        const fiber = yield* Effect.forkChild(
          Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), {
            since: at(0),
            websetId: "webset_mine"
          })
        )
        yield* until(api, () => handled.length >= 2, "two events")
        yield* Fiber.interrupt(fiber)
        expect(handled).toEqual(["ev_mine", "ev_idle_mine"])
        const typed: Array<string> = []
        const typedFiber = yield* Effect.forkChild(
          Tail.consume("t", (e) => Effect.sync(() => void typed.push(e.id)), { since: at(0), types: ["webset.idle"] })
        )
        yield* until(api, () => typed.length >= 1, "the idle event")
        yield* Fiber.interrupt(typedFiber)
        expect(typed).toEqual(["ev_idle_mine"])
        const query = api.queries.at(-1)!
        expect(query.getAll("types")).toEqual(["webset.idle"])
        expect(query.get("createdAfter")).toEqual(expect.any(String))
      })))

  it.effect("a position older than the API's 60-day retention fails with CheckpointExpired; bad options are InvalidRequest", () =>
    run([], (api) =>
      Effect.gen(function*() {
        const expired = yield* Effect.flip(Tail.consume("c", () => Effect.void, { since: at(-61 * 24 * 3600) }))
        expect(expired._tag).toBe("CheckpointExpired")
        expect(expired.message).toContain("older than the API keeps events (60d)")
        for (
          const options of [
            { lookback: "soon" },
            { poll: 5 },
            { types: ["x"] },
            { websetId: "" },
            { since: "yesterday" },
            7
          ]
        ) {
          const error = yield* Effect.flip(Tail.consume("c", () => Effect.void, options as any))
          expect(error._tag).toBe("InvalidRequest")
        }
        expect((yield* Effect.flip(Tail.consume("", () => Effect.void)))._tag).toBe("InvalidRequest")
        expect(api.queries).toHaveLength(0)
        const store = yield* KeyValueStore.KeyValueStore
        yield* store.set("effect-exa/checkpoint/broken", "{not json")
        expect((yield* Effect.flip(Tail.consume("broken", () => Effect.void)))._tag).toBe("CheckpointUnreadable")
      })))
})

describe("Tail.follow", () => {
  it.effect("is an endless stream of new events from since", () =>
    run([event("ev_old", -5)], (api) =>
      Effect.gen(function*() {
        const collected: Array<string> = []
        const fiber = yield* Effect.forkChild(
          Stream.runForEach(Tail.follow({ since: at(0) }), (e) => Effect.sync(() => void collected.push(e.id)))
        )
        yield* api.add([event("ev_a", 1)])
        yield* until(api, () => collected.length >= 1, "ev_a")
        yield* api.add([event("ev_b", 2), event("ev_a", 1)])
        yield* until(api, () => collected.length >= 2, "ev_b")
        yield* TestClock.adjust("1 minute")
        expect(collected).toEqual(["ev_a", "ev_b"])
        yield* Fiber.interrupt(fiber)
        const taken = yield* Stream.runCollect(Stream.take(Tail.follow({ since: at(0) }), 2))
        expect(taken.map((e) => e.id)).toEqual(["ev_a", "ev_b"])
      })))
})

describe("Tail.waitFor and awaitIdle", () => {
  it.effect("give the first matching event, narrowed by type, or none after the timeout", () =>
    run([], (api) =>
      Effect.gen(function*() {
        const waiting = yield* Effect.forkChild(Tail.awaitIdle("webset_w", { since: at(0), timeout: "10 minutes" }))
        yield* api.add([idleOf("ev_other_idle", 1, "webset_other"), itemOf("ev_item", 2, "webset_w")])
        yield* TestClock.adjust("10 seconds")
        yield* api.add([idleOf("ev_w_idle", 3, "webset_w")])
        yield* until(api, () => waiting.pollUnsafe() !== undefined, "the idle event")
        const found = yield* Fiber.join(waiting)
        assert(Option.isSome(found))
        expect(found.value.id).toBe("ev_w_idle")
        expect(found.value.data.status).toBe("idle")

        const byPredicate = yield* Effect.forkChild(Tail.waitFor((e) => e.id === "ev_item", { since: at(0) }))
        yield* until(api, () => byPredicate.pollUnsafe() !== undefined, "the predicate's event")
        expect(Option.map(yield* Fiber.join(byPredicate), (e) => e.id)).toEqual(Option.some("ev_item"))

        const never = yield* Effect.forkChild(Tail.waitFor("monitor.created", { since: at(0), timeout: "1 minute" }))
        yield* until(api, () => never.pollUnsafe() !== undefined, "the timeout")
        expect(yield* Fiber.join(never)).toEqual(Option.none())
        expect((yield* Effect.flip(Tail.waitFor(42 as any)))._tag).toBe("InvalidRequest")
        expect((yield* Effect.flip(Tail.awaitIdle("w", { timeout: "never" as any })))._tag).toBe("InvalidRequest")
      })))
})
