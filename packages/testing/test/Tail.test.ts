/**
 * The tail and checkpointed consumers, against the emulator over real HTTP: events added while it runs, events
 * that show up late, many events sharing one `createdAt` across pages, restarts on the same checkpoint store.
 * Polls run on the TestClock; the test moves it until what it waits for has happened.
 */
import { Checkpoint, type EventsClient, Tail } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const T0 = Date.parse("2026-11-30T12:00:00.000Z")
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const event = (id: string, seconds: number, type: "webset.idle" | "webset.item.created" = "webset.idle") =>
  Fixtures.make(type, { id, createdAt: at(seconds) })

const fast = { retry: { initialDelay: "5 millis", jitter: false } } as const

// Moves the clock a poll at a time until `done` holds. A poll's HTTP round trips take real time, however long the
// machine takes: after each step the clock stands still until the consumer waits on it again (a sleep is pending),
// so the clock never runs ahead of the polls and no outcome depends on the machine's speed.
const until = (done: () => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400 && !done(); i++) {
      yield* TestClock.adjust("5 seconds")
      for (let j = 0; j < 6000 && !done() && Chunk.isEmpty(yield* TestClock.sleeps()); j++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
    }
    assert(done(), `gave up waiting for ${what}`)
  })

const server = (events: ReadonlyArray<Event.Encoded> = []) => ExaApiServer.layerClient({ events, client: fast })

type Env = EventsClient.EventsClient | ExaApi.ExaApi | Checkpoint.Checkpoint

const run = <A, E>(
  effect: Effect.Effect<A, E, Env | KeyValueStore.KeyValueStore>,
  events: ReadonlyArray<Event.Encoded> = []
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    return yield* effect
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        server(events),
        Checkpoint.layerKeyValueStore().pipe(Layer.provideMerge(KeyValueStore.layerMemory))
      )
    ),
    Effect.scoped
  )

describe("Tail.consume", () => {
  it.effect("handles every event added while it runs, each once, oldest first within a poll", () =>
    run(
      Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        const handled: Array<string> = []
        const fiber = yield* Effect.fork(
          Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0) })
        )
        yield* api.addEvents([event("ev_2", 2), event("ev_1", 1)])
        yield* until(() => handled.length >= 2, "the first two events")
        yield* api.addEvents([event("ev_3", 3)])
        yield* until(() => handled.length >= 3, "the third event")
        yield* TestClock.adjust("1 minute")
        expect(handled).toEqual(["ev_1", "ev_2", "ev_3"])
        yield* Fiber.interrupt(fiber)
      }),
      [event("ev_before", -1)]
    ))

  it.effect("an event that shows up late (after later ones) is handled if it is within the lookback; not otherwise", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const handled: Array<string> = []
      // The events below are in the past (the position never moves past the clock), and the clock stays close to
      // them: a poll at `now` moves the position to at least now - lookback - clockSkew, so far ahead of ev_200 the
      // late ev_100 would fall out of the lookback whatever the tail did.
      yield* TestClock.adjust("210 seconds")
      const fiber = yield* Effect.fork(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0), lookback: "2 minutes" })
      )
      yield* api.addEvents([event("ev_200", 200)])
      yield* until(() => handled.length >= 1, "ev_200")
      // Created 100 s before the newest handled one, visible only now: inside the lookback.
      yield* api.addEvents([event("ev_100", 100)])
      yield* until(() => handled.length >= 2, "the late ev_100")
      // Created 190 s before: beyond the lookback, so the tail never asks for it (documented).
      yield* api.addEvents([event("ev_10", 10), event("ev_300", 300)])
      yield* until(() => handled.includes("ev_300"), "ev_300")
      yield* TestClock.adjust("1 minute")
      expect(handled).toEqual(["ev_200", "ev_100", "ev_300"])
      yield* Fiber.interrupt(fiber)
    })))

  it.effect("walks every page of a window where hundreds of events share one createdAt", () =>
    run(
      Effect.gen(function*() {
        const handled = new Map<string, number>()
        const fiber = yield* Effect.fork(
          Tail.consume("c", (e) => Effect.sync(() => void handled.set(e.id, (handled.get(e.id) ?? 0) + 1)), {
            since: at(0)
          })
        )
        yield* until(() => handled.size >= 450, "450 events")
        yield* TestClock.adjust("1 minute")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
        expect(handled.size).toBe(450)
        expect([...handled.values()].every((n) => n === 1)).toBe(true)
        yield* Fiber.interrupt(fiber)
      }),
      Array.from({ length: 450 }, (_, i) => event(`ev_${String(i).padStart(3, "0")}`, 5))
    ))

  it.effect("after a crash (a failing handler) or an interruption, a new consumer on the same store resumes: none skipped", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const handled: Array<string> = []
      let crashOn: string | undefined = "ev_3"
      const handle = (e: Event.Event) =>
        Effect.suspend(() =>
          e.id === crashOn ? Effect.fail("crash" as const) : Effect.sync(() => void handled.push(e.id))
        )
      yield* api.addEvents([1, 2, 3, 4, 5].map((i) => event(`ev_${i}`, i)))
      const first = yield* Effect.fork(Tail.consume("c", handle, { since: at(0) }))
      yield* until(() => first.unsafePoll() !== null, "the crash")
      const exit = yield* Fiber.await(first)
      assert(Exit.isFailure(exit))
      expect(handled).toEqual(["ev_1", "ev_2"])
      // The stored position is after ev_2, the last success.
      const stored = yield* (yield* Checkpoint.Checkpoint).get("c")
      assert(Option.isSome(stored))
      expect(stored.value.seen.map(([id]) => id)).toEqual(["ev_1", "ev_2"])

      crashOn = undefined
      const second = yield* Effect.fork(Tail.consume("c", handle, { since: at(0) }))
      yield* until(() => handled.length >= 5, "the rest")
      yield* Fiber.interrupt(second)
      expect(handled).toEqual(["ev_1", "ev_2", "ev_3", "ev_4", "ev_5"])

      yield* api.addEvents([6, 7].map((i) => event(`ev_${i}`, i)))
      const third = yield* Effect.fork(Tail.consume("c", handle, { since: at(0) }))
      yield* until(() => handled.length >= 7, "events added while it was stopped")
      yield* Fiber.interrupt(third)
      expect(handled).toEqual(["ev_1", "ev_2", "ev_3", "ev_4", "ev_5", "ev_6", "ev_7"])
    })))

  it.effect("with events added concurrently, late ones among them, and the consumer stopped and restarted: every event is handled", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const counts = new Map<string, number>()
      const handle = (e: Event.Event) => Effect.sync(() => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1))
      const ids: Array<string> = []
      // 60 events in bursts of 6; every third burst also holds one created 30 s earlier (published late).
      const producer = Effect.gen(function*() {
        for (let burst = 0; burst < 10; burst++) {
          const batch = Array.from({ length: 6 }, (_, k) => event(`ev_${burst}_${k}`, 60 + burst * 10 + k))
          if (burst % 3 === 2) batch.push(event(`ev_late_${burst}`, 30 + burst * 10))
          ids.push(...batch.map((e) => e.id))
          yield* api.addEvents(batch)
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 3)))
        }
      })
      const producing = yield* Effect.fork(producer)
      for (let restart = 0; restart < 3; restart++) {
        const consumer = yield* Effect.fork(Tail.consume("c", handle, { since: at(0), lookback: "1 minute" }))
        const target = (restart + 1) * 15
        yield* until(
          () => counts.size >= target || (producing.unsafePoll() !== null && counts.size >= ids.length),
          `${target} events`
        )
        yield* Fiber.interrupt(consumer)
      }
      yield* Fiber.join(producing)
      const last = yield* Effect.fork(Tail.consume("c", handle, { since: at(0), lookback: "1 minute" }))
      yield* until(() => counts.size >= ids.length, "every event")
      yield* Fiber.interrupt(last)
      expect([...counts.keys()].sort()).toEqual([...ids].sort())
      // An interruption between a handler's success and the write of the position may repeat that one event.
      const repeated = [...counts.values()].filter((n) => n > 1).length
      expect(repeated).toBeLessThanOrEqual(3)
    })))

  it.effect("filters by type (the API) and by webset (here)", () =>
    run(Effect.gen(function*() {
      const handled: Array<string> = []
      const mine = Fixtures.make("webset.item.created", {
        id: "ev_mine",
        createdAt: at(1),
        data: { websetId: "webset_mine" }
      })
      const other = Fixtures.make("webset.item.created", {
        id: "ev_other",
        createdAt: at(2),
        data: { websetId: "webset_other" }
      })
      const idle = Fixtures.make("webset.idle", { id: "ev_idle_mine", createdAt: at(3), data: { id: "webset_mine" } })
      const api = yield* ExaApi.ExaApi
      yield* api.addEvents([mine, other, idle, event("ev_import", 4, "webset.item.created")])
      const fiber = yield* Effect.fork(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0), websetId: "webset_mine" })
      )
      yield* until(() => handled.length >= 2, "two events")
      yield* Fiber.interrupt(fiber)
      expect(handled).toEqual(["ev_mine", "ev_idle_mine"])
      const typed: Array<string> = []
      const typedFiber = yield* Effect.fork(
        Tail.consume("t", (e) => Effect.sync(() => void typed.push(e.id)), { since: at(0), types: ["webset.idle"] })
      )
      yield* until(() => typed.length >= 1, "the idle event")
      yield* Fiber.interrupt(typedFiber)
      expect(typed).toEqual(["ev_idle_mine"])
      const query = (yield* api.requests).filter((r) => r.path === "/websets/v0/events").at(-1)!.query
      expect(query).toContainEqual(["types", "webset.idle"])
      expect(query).toContainEqual(["createdAfter", expect.any(String)])
    })))

  it.effect("a position older than the API's 60-day retention fails with CheckpointExpired; bad options are InvalidRequest", () =>
    run(Effect.gen(function*() {
      const expired = yield* Effect.flip(Tail.consume("c", () => Effect.void, { since: at(-61 * 24 * 3600) }))
      expect(expired._tag).toBe("CheckpointExpired")
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
      const store = yield* KeyValueStore.KeyValueStore
      yield* store.set("effect-exa/checkpoint/broken", "{not json")
      expect((yield* Effect.flip(Tail.consume("broken", () => Effect.void)))._tag).toBe("CheckpointUnreadable")
    })))
})

describe("Tail.follow", () => {
  it.effect("is an endless stream of new events from since", () =>
    run(
      Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        const collected: Array<string> = []
        const fiber = yield* Effect.fork(
          Stream.runForEach(Tail.follow({ since: at(0) }), (e) => Effect.sync(() => void collected.push(e.id)))
        )
        yield* api.addEvents([event("ev_a", 1)])
        yield* until(() => collected.length >= 1, "ev_a")
        yield* api.addEvents([event("ev_b", 2), event("ev_a", 1)])
        yield* until(() => collected.length >= 2, "ev_b")
        yield* TestClock.adjust("1 minute")
        expect(collected).toEqual(["ev_a", "ev_b"])
        yield* Fiber.interrupt(fiber)
        const taken = yield* Stream.runCollect(Stream.take(Tail.follow({ since: at(0) }), 2))
        expect(Chunk.toReadonlyArray(taken).map((e) => e.id)).toEqual(["ev_a", "ev_b"])
      }),
      [event("ev_old", -5)]
    ))
})

describe("Tail.waitFor and awaitIdle", () => {
  it.effect("give the first matching event, narrowed by type, or none after the timeout", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const waiting = yield* Effect.fork(Tail.awaitIdle("webset_w", { since: at(0), timeout: "10 minutes" }))
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_other_idle", createdAt: at(1), data: { id: "webset_other" } }),
        Fixtures.make("webset.item.created", { id: "ev_item", createdAt: at(2), data: { websetId: "webset_w" } })
      ])
      yield* TestClock.adjust("10 seconds")
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_w_idle", createdAt: at(3), data: { id: "webset_w" } })
      ])
      yield* until(() => waiting.unsafePoll() !== null, "the idle event")
      const idle = yield* Fiber.join(waiting)
      assert(Option.isSome(idle))
      expect(idle.value.id).toBe("ev_w_idle")
      expect(idle.value.data.status).toBe("idle")

      const byPredicate = yield* Effect.fork(
        Tail.waitFor((e) => e.id === "ev_item", { since: at(0) })
      )
      yield* until(() => byPredicate.unsafePoll() !== null, "the predicate's event")
      expect(Option.map(yield* Fiber.join(byPredicate), (e) => e.id)).toEqual(Option.some("ev_item"))

      const never = yield* Effect.fork(Tail.waitFor("monitor.created", { since: at(0), timeout: "1 minute" }))
      yield* until(() => never.unsafePoll() !== null, "the timeout")
      expect(yield* Fiber.join(never)).toEqual(Option.none())
      expect((yield* Effect.flip(Tail.waitFor(42 as any)))._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Tail.awaitIdle("w", { timeout: "never" as any })))._tag).toBe("InvalidRequest")
    })))
})
