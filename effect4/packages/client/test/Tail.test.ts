/**
 * The tail's logic on the TestClock, against a scripted list endpoint (a stub `HttpClient`): events dated in the
 * future, positions written in proportion to the events handled, pages handled as they arrive, endless empty pages,
 * outages ridden out, progress recorded when stopped. Ported from the Effect 3 line's `Tail.test.ts`.
 */
import { Checkpoint, Errors, Exa, Tail } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { idle } from "./fixtures.js"
import { json, stub } from "./stub.js"
import { recordingTracer } from "./tracer.js"

const T0 = Date.parse("2026-11-30T12:00:00.000Z")
const at = (millis: number) => new Date(T0 + millis).toISOString()
const event = (id: string, millis: number): Event.Encoded => ({ ...idle, id, createdAt: at(millis) })

/** A list endpoint over `events`, newest first, `createdAfter` inclusive, pages of `limit`; `script` may answer first. */
const api = (
  script?: (url: URL, request: number) => Effect.Effect<Response> | undefined,
  ignoreCreatedAfter = false
) => {
  const events: Array<Event.Encoded> = []
  let requests = 0
  const s = stub((url) => {
    requests++
    const scripted = script?.(url, requests)
    if (scripted !== undefined) return scripted
    const after = ignoreCreatedAfter ? 0 : Date.parse(url.searchParams.get("createdAfter") ?? "1970-01-01T00:00:00Z")
    const limit = Number(url.searchParams.get("limit") ?? "25")
    const offset = Number(url.searchParams.get("cursor") ?? "0")
    const all = events.filter((e) => Date.parse(e.createdAt) >= after)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1))
    const data = all.slice(offset, offset + limit)
    const hasMore = offset + limit < all.length
    return json(200, { data, hasMore, nextCursor: hasMore ? String(offset + limit) : null })
  })
  const layer = Exa.layer({ apiKey: Redacted.make("k"), retry: false }).pipe(Layer.provide(s.layer))
  return { events, layer, seen: s.seen, requests: () => requests }
}

/** A checkpoint store that records every write. */
const recordingStore = (initial?: Checkpoint.Position) => {
  const writes: Array<Checkpoint.Position> = []
  let stored = initial
  const layer = Layer.succeed(
    Checkpoint.Checkpoint,
    Checkpoint.Checkpoint.of({
      get: () => Effect.sync(() => Option.fromUndefinedOr(stored)),
      set: (_, position) =>
        Effect.sync(() => {
          writes.push(position)
          stored = position
        })
    })
  )
  return { writes, layer, stored: () => stored }
}

const logs = () => {
  const lines: Array<string> = []
  const layer = Logger.layer([Logger.make(({ message }) => void lines.push(String(message)))])
  return { lines, layer }
}

// Lets forked fibers run to where they wait on the clock (each stub answer is read through a promise).
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1))).pipe(Effect.repeat({ times: 10 }))

describe("Tail: dates past the clock", () => {
  it.effect("an event dated a year ahead is handled, the position stays at the clock, and later events still come", () => {
    const server = api()
    const store = recordingStore()
    const log = logs()
    server.events.push(event("ev_future", 365 * 24 * 3600_000), event("ev_0", 0))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const handled: Array<string> = []
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0) })
      )
      yield* settle
      expect(handled).toEqual(["ev_0", "ev_future"])
      assert(store.stored() !== undefined)
      expect(store.stored()!.time).toBe(T0 + 1000)
      expect(log.lines.some((line) => line.includes("dated in the future"))).toBe(true)
      server.events.push(event("ev_later", 2000))
      yield* TestClock.adjust("5 seconds")
      yield* settle
      expect(handled).toEqual(["ev_0", "ev_future", "ev_later"])
      // The window of the next poll starts a lookback before the clock, not before the future event.
      const last = server.seen.at(-1)!.url.searchParams.get("createdAfter")!
      expect(Date.parse(last)).toBe(T0 + 2000 - 5 * 60_000 < T0 ? T0 : T0 + 2000 - 5 * 60_000)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer, log.layer)))
  })

  it.effect("each poll is a span, and one that met an event dated past the allowance is marked exa.tail.clamped", () => {
    const server = api()
    const { spans, tracer } = recordingTracer()
    server.events.push(event("ev_soon", 30_000), event("ev_far", 3600_000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", () => Effect.void, { since: at(0), clockSkew: "1 minute" })
      )
      yield* settle
      yield* Fiber.interrupt(fiber)
      const polls = spans.filter((span) => span.name === "Tail.poll")
      expect(polls.length).toBeGreaterThan(0)
      expect(polls[0]!.attributes.get("exa.tail.clamped")).toBe(true)
    }).pipe(Effect.withTracer(tracer), Effect.provide(Layer.mergeAll(server.layer, recordingStore().layer)))
  })

  it.effect("an event dated within the allowance is no warning", () => {
    const server = api()
    const log = logs()
    server.events.push(event("ev_soon", 30_000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const fiber = yield* Effect.forkChild(Tail.consume("c", () => Effect.void, { since: at(0) }))
      yield* settle
      yield* Fiber.interrupt(fiber)
      expect(log.lines.some((line) => line.includes("dated in the future"))).toBe(false)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, recordingStore().layer, log.layer)))
  })

  it.effect("a stored position dated in the future is brought back to now, and said so", () => {
    const server = api()
    const store = recordingStore({ from: T0, time: T0 + 10 * 365 * 24 * 3600_000, seen: [] })
    const log = logs()
    server.events.push(event("ev_now", 500_000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 600_000)
      const handled: Array<string> = []
      const fiber = yield* Effect.forkChild(Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id))))
      yield* settle
      expect(handled).toEqual(["ev_now"])
      // Brought back to the clock, not to the newest event: the clock is where the old position said it was.
      expect(store.stored()!.time).toBe(T0 + 600_000)
      expect(log.lines.some((line) => line.includes("stored position is dated in the future"))).toBe(true)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer, log.layer)))
  })
})

describe("Tail: cost in proportion to the events", () => {
  // Every event of one lookback window at once: the ids written to the store, summed over all writes.
  const writtenFor = (count: number) => {
    const server = api()
    const store = recordingStore()
    for (let i = 0; i < count; i++) {
      server.events.push(event(`ev_${String(i).padStart(5, "0")}`, Math.floor(i * 200_000 / count)))
    }
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 250_000)
      let handled = 0
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", () => Effect.sync(() => void handled++), { since: at(0) })
      )
      yield* settle
      for (let i = 0; i < 100 && handled < count; i++) yield* settle
      expect(handled).toBe(count)
      yield* Fiber.interrupt(fiber)
      return { ids: store.writes.reduce((n, p) => n + p.seen.length, 0), writes: store.writes.length }
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  }

  it.effect("8x the events in one window writes about 8x the ids, not 64x", () =>
    Effect.gen(function*() {
      const small = yield* writtenFor(1000)
      const large = yield* writtenFor(8000)
      // Each write copies the window; writes are spaced so that the ids written stay within a few per event.
      expect(small.ids).toBeLessThanOrEqual(6 * 1000)
      expect(large.ids).toBeLessThanOrEqual(6 * 8000)
      // Quadratic writes would make this 64.
      expect(large.ids / small.ids).toBeLessThan(16)
      // Fewer writes than pages once the window is large.
      expect(large.writes).toBeLessThan(8000 / 200)
    }))

  it.effect("a poll that finds nothing new writes nothing", () => {
    const server = api()
    const store = recordingStore()
    server.events.push(event("ev_1", 0))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const fiber = yield* Effect.forkChild(Tail.consume("c", () => Effect.void, { since: at(0) }))
      yield* settle
      // The first poll found ev_1 and wrote (after its page, and at its end).
      const writes = store.writes.length
      expect(writes).toBeGreaterThan(0)
      yield* TestClock.adjust("5 seconds")
      yield* settle
      yield* TestClock.adjust("5 seconds")
      yield* settle
      expect(server.requests()).toBe(3)
      expect(store.writes.length).toBe(writes)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })
})

describe("Tail: pages as they arrive", () => {
  it.effect("the first page is handled before the second is asked for", () => {
    const server = api()
    const store = recordingStore()
    for (let i = 0; i < 450; i++) server.events.push(event(`ev_${String(i).padStart(3, "0")}`, i))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const requestsAtEvent: Array<number> = []
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", () => Effect.sync(() => void requestsAtEvent.push(server.requests())), { since: at(0) })
      )
      yield* settle
      expect(requestsAtEvent).toHaveLength(450)
      expect(requestsAtEvent.slice(0, 200).every((n) => n === 1)).toBe(true)
      expect(requestsAtEvent.slice(200, 400).every((n) => n === 2)).toBe(true)
      expect(requestsAtEvent.slice(400).every((n) => n === 3)).toBe(true)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("a server giving empty pages with fresh cursors forever ends the poll with ServerFault", () => {
    const server = api((_, n) => json(200, { data: [], hasMore: true, nextCursor: `c${n}` }))
    const store = recordingStore()
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const error = yield* Effect.flip(Tail.consume("c", () => Effect.void))
      assert(error instanceof Errors.ServerFault)
      expect(error.reason).toContain("empty pages")
      expect(server.requests()).toBe(20)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })
})

describe("Tail: outages", () => {
  const down = (from: number, to: number) => (_: URL, n: number) =>
    n >= from && n <= to ? json(503, { error: "down" }) : undefined

  it.effect("consume rides out an outage with a growing backoff, reporting each failure, and misses nothing", () => {
    const server = api(down(2, 4))
    const store = recordingStore()
    const log = logs()
    server.events.push(event("ev_1", 0))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const handled: Array<string> = []
      const outages: Array<[number, number, string]> = []
      const fiber = yield* Effect.forkChild(Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), {
        since: at(0),
        outages: {
          onFailure: (o) =>
            Effect.sync(() => void outages.push([o.attempt, Duration.toMillis(o.retryIn), o.error._tag]))
        }
      }))
      yield* settle
      server.events.push(event("ev_2", 1500))
      yield* TestClock.adjust("5 seconds") // poll 2 fails
      yield* settle
      expect(outages.map(([n]) => n)).toEqual([1])
      yield* TestClock.adjust("1 second") // attempt 2 fails
      yield* settle
      yield* TestClock.adjust("2 seconds") // attempt 3 fails
      yield* settle
      expect(outages).toEqual([[1, 1000, "ApiError"], [2, 2000, "ApiError"], [3, 4000, "ApiError"]])
      expect(handled).toEqual(["ev_1"])
      yield* TestClock.adjust("4 seconds") // back up
      yield* settle
      expect(handled).toEqual(["ev_1", "ev_2"])
      expect(log.lines.filter((line) => line.startsWith("polling events failed"))).toHaveLength(3)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer, log.layer)))
  })

  it.effect("the backoff stops growing at maxDelay", () => {
    const server = api(down(1, 6))
    const store = recordingStore()
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const delays: Array<number> = []
      const fiber = yield* Effect.forkChild(Tail.consume("c", () => Effect.void, {
        outages: {
          initialDelay: "1 second",
          maxDelay: "3 seconds",
          onFailure: (o) => Effect.sync(() => void delays.push(Duration.toMillis(o.retryIn)))
        }
      }))
      for (let i = 0; i < 8; i++) {
        yield* settle
        yield* TestClock.adjust("3 seconds")
      }
      expect(delays).toEqual([1000, 2000, 3000, 3000, 3000, 3000])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("with outages: false, consume fails; stream fails by default; an error that is no outage always fails", () => {
    const server = api((_, n) => n === 1 ? json(503, {}) : n === 2 ? json(503, {}) : json(401, {}))
    const store = recordingStore()
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const strict = yield* Effect.flip(Tail.consume("c", () => Effect.void, { outages: false }))
      expect(strict._tag).toBe("ApiError")
      const streamed = yield* Effect.flip(Stream.runDrain(Tail.follow()))
      expect(streamed._tag).toBe("ApiError")
      const unauthorized = yield* Effect.flip(Tail.consume("c", () => Effect.void))
      expect(unauthorized._tag).toBe("Unauthorized")
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })
})

describe("Tail: progress recorded when stopped", () => {
  it.effect("interrupted while handling the third event of a page, the first two are recorded", () => {
    const server = api()
    const store = recordingStore()
    for (let i = 1; i <= 5; i++) server.events.push(event(`ev_${i}`, i))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const stuck = yield* Deferred.make<void>()
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", (e) => e.id === "ev_3" ? Deferred.await(stuck) : Effect.void, { since: at(0) })
      )
      yield* settle
      expect(store.writes).toHaveLength(0)
      yield* Fiber.interrupt(fiber)
      expect(store.stored()!.seen.map(([id]) => id)).toEqual(["ev_1", "ev_2"])
      // Started again, it handles ev_3 to ev_5 and nothing else.
      const handled: Array<string> = []
      const again = yield* Effect.forkChild(Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id))))
      yield* settle
      expect(handled).toEqual(["ev_3", "ev_4", "ev_5"])
      yield* Fiber.interrupt(again)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("Tail.batches gives each page's new events with the position to record, and an end-of-poll batch", () => {
    const server = api()
    for (let i = 0; i < 250; i++) server.events.push(event(`ev_${String(i).padStart(3, "0")}`, i))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const taken = yield* Stream.runCollect(Stream.take(Tail.batches(Option.none(), { since: at(0) }), 3))
      const [first, second, end] = [...taken]
      expect([first!.events.length, second!.events.length, end!.events.length]).toEqual([200, 50, 0])
      expect([first!.endOfPoll, second!.endOfPoll, end!.endOfPoll]).toEqual([false, false, true])
      expect(end!.position.time).toBe(T0 + 249)
      expect(end!.position.seen).toHaveLength(250)
      expect(first!.windowSize).toBe(200)
    }).pipe(Effect.provide(server.layer))
  })
})

describe("Tail: bad options", () => {
  it.effect("are InvalidRequest, typed, before anything is sent", () => {
    const server = api()
    const store = recordingStore()
    return Effect.gen(function*() {
      for (
        const options of [
          { clockSkew: "soon" },
          { outages: 5 },
          { outages: null },
          { outages: { initialDelay: 0 } },
          { outages: { initialDelay: "2 seconds", maxDelay: "1 second" } },
          { outages: { onFailure: 3 } }
        ]
      ) {
        const error = yield* Effect.flip(Tail.consume("c", () => Effect.void, options as any))
        expect(error._tag).toBe("InvalidRequest")
      }
      expect((yield* Effect.flip(Tail.consume("c", 5 as unknown as () => Effect.Effect<void>)))._tag).toBe(
        "InvalidRequest"
      )
      expect((yield* Effect.flip(Stream.runDrain(Tail.batches("x" as any))))._tag).toBe("InvalidRequest")
      expect(server.requests()).toBe(0)
      // A hostile getter is caught too: a typed failure, not a defect.
      const hostile = {
        outages: {
          get initialDelay(): never {
            throw new Error("boom")
          }
        }
      } as unknown as Tail.Options
      expect((yield* Effect.flip(Tail.consume("c", () => Effect.void, hostile)))._tag).toBe("InvalidRequest")
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })
})

describe("Tail: hostile and odd data", () => {
  it.effect("a poll that handles only a late event (older than the newest) records it at the poll's end", () => {
    const server = api()
    const store = recordingStore()
    for (let i = 0; i < 10; i++) server.events.push(event(`ev_${i}`, 60_000 + i * 1000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 120_000)
      const handled: Array<string> = []
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0) })
      )
      yield* settle
      expect(handled).toHaveLength(10)
      server.events.push(event("ev_late", 30_000))
      yield* TestClock.adjust("5 seconds")
      yield* settle
      expect(handled).toContain("ev_late")
      // Recorded, so a crash now would not handle it again.
      expect(store.stored()!.seen.map(([id]) => id)).toContain("ev_late")
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("a tail that keeps polling through 62 quiet days never falls out of the retention", () => {
    const server = api()
    const store = recordingStore()
    server.events.push(event("ev_0", 1000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 2000)
      const handled: Array<string> = []
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), {
          since: at(0),
          poll: Schedule.spaced("1 day")
        })
      )
      yield* settle
      for (let day = 0; day < 62; day++) {
        yield* TestClock.adjust("1 day")
        yield* settle
      }
      expect(fiber.pollUnsafe()).toBeUndefined()
      // And it still sees what comes next; its stored position is recent.
      server.events.push(event("ev_62", 62 * 24 * 3600_000 + 5000))
      yield* TestClock.adjust("1 day")
      yield* settle
      expect(handled).toEqual(["ev_0", "ev_62"])
      expect(store.stored()!.time).toBeGreaterThan(T0 + 60 * 24 * 3600_000)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("an event older than the window, from a server that ignores createdAfter, is not handled again each poll", () => {
    const server = api(undefined, true)
    const store = recordingStore()
    server.events.push(event("ev_old", 1000), event("ev_new", 30 * 60_000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 31 * 60_000)
      const handled: Array<string> = []
      const fiber = yield* Effect.forkChild(
        Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), { since: at(0) })
      )
      yield* settle
      for (let i = 0; i < 3; i++) {
        yield* TestClock.adjust("5 seconds")
        yield* settle
      }
      expect(handled.filter((id) => id === "ev_old")).toHaveLength(1)
      expect(handled).toContain("ev_new")
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, store.layer)))
  })

  it.effect("every since the check accepts (a leap second, lower-case separators) starts the tail there", () => {
    const server = api()
    server.events.push(event("ev_1", 1000))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 5000)
      for (const since of ["2026-11-30T11:59:60Z", "2026-11-30t12:00:00z", "2026-11-30T12:00:00.1234567891234Z"]) {
        const exit = yield* Effect.exit(
          Tail.consume(`c_${since}`, () => Effect.void, { since, poll: Schedule.recurs(0) })
        )
        assert(Exit.isSuccess(exit), `since ${since}: ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""}`)
      }
      const taken = yield* Stream.runCollect(
        Stream.take(Tail.batches(Option.none(), { since: "2026-11-30t12:00:00z" }), 1)
      )
      expect([...taken][0]!.events.map((e) => e.id)).toEqual(["ev_1"])
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, recordingStore().layer)))
  })

  it.effect("an outages.onFailure that fails or dies ends nothing: the tail goes on", () => {
    const server = api((_, n) => n <= 2 ? json(503, {}) : undefined)
    server.events.push(event("ev_1", 0))
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 1000)
      const handled: Array<string> = []
      let calls = 0
      const fiber = yield* Effect.forkChild(Tail.consume("c", (e) => Effect.sync(() => void handled.push(e.id)), {
        since: at(0),
        outages: {
          onFailure: () => {
            calls++
            return (calls === 1 ? Effect.fail("boom") : Effect.die("bang")) as unknown as Effect.Effect<void>
          }
        }
      }))
      for (let i = 0; i < 4; i++) {
        yield* settle
        yield* TestClock.adjust("2 seconds")
      }
      yield* settle
      expect(calls).toBe(2)
      expect(fiber.pollUnsafe()).toBeUndefined()
      expect(handled).toEqual(["ev_1"])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Layer.mergeAll(server.layer, recordingStore().layer)))
  })
})
