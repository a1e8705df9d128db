/**
 * The timing behaviour, driven by `TestClock`, over every transport with identical expectations: backoff delays,
 * `Retry-After`, the per-attempt timeout (including one longer than a native timer can wait), and the client-side
 * rate limit. Over loopback HTTP the network is real, so each step first waits (in real time, bounded) until the
 * client has reached the point the test is about: a request seen by the emulator, or a sleep on the test clock.
 */
import { EventsClient } from "@effect-exa/client"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import { type ClientOptions, transports } from "./transports.js"

const events = [Fixtures.make("webset.idle", { id: "ev_1" })]

// Waits in real time (at most ~10 s) until `condition` holds.
const eventually = <R>(condition: Effect.Effect<boolean, never, R>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2000; i++) {
      if (yield* condition) return
      yield* TestServices.provideLive(Effect.sleep("5 millis"))
    }
    throw new Error("the condition never held")
  })

// Waits until the client sleeps on the test clock until `delay` from now (a backoff, or an attempt's timer).
const sleepingFor = (delay: Duration.DurationInput) =>
  eventually(Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const sleeps = yield* TestClock.sleeps()
    return Array.from(sleeps).includes(now + Duration.toMillis(delay))
  }))

const requestsSeen = (n: number) =>
  eventually(Effect.map(Effect.flatMap(ExaApi.ExaApi, (api) => api.requests), (requests) => requests.length >= n))

for (const transport of transports) {
  describe(`timing over ${transport.name} (TestClock)`, () => {
    const run = <A, E>(
      effect: Effect.Effect<A, E, EventsClient.EventsClient | ExaApi.ExaApi>,
      client: ClientOptions,
      options: ExaApi.Options = { events }
    ) => effect.pipe(Effect.provide(transport.layer(options, client)), Effect.scoped)

    it.effect("503s are retried after 500 ms, then 1 s", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Status", status: 503 }, 2)
          const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
          yield* requestsSeen(1)
          yield* sleepingFor("500 millis")
          yield* TestClock.adjust("499 millis")
          expect((yield* api.requests).length).toBe(1)
          yield* TestClock.adjust("1 millis")
          yield* requestsSeen(2)
          yield* sleepingFor("1 second")
          yield* TestClock.adjust("1 second")
          const event = yield* Fiber.join(fiber)
          expect(event.id).toBe("ev_1")
          expect((yield* api.requests).length).toBe(3)
        }),
        { retry: { jitter: false } }
      ))

    it.effect("Retry-After is honoured, capped at maxRetryAfter", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "RateLimited", retryAfter: "120 seconds" })
          const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
          yield* requestsSeen(1)
          yield* sleepingFor("10 seconds")
          yield* TestClock.adjust("10 seconds")
          expect((yield* Fiber.join(fiber)).id).toBe("ev_1")
          expect((yield* api.requests).length).toBe(2)
        }),
        { retry: { jitter: false, maxRetryAfter: "10 seconds" } }
      ))

    it.effect("a stalled request times out after 30 s by default, not before, and is retried", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Stall" })
          const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
          yield* requestsSeen(1)
          yield* sleepingFor("30 seconds")
          yield* TestClock.adjust("29999 millis")
          expect(fiber.unsafePoll()).toBe(null)
          yield* TestClock.adjust("1 millis")
          yield* sleepingFor("500 millis")
          yield* TestClock.adjust("500 millis")
          expect((yield* Fiber.join(fiber)).id).toBe("ev_1")
          expect((yield* api.requests).length).toBe(2)
        }),
        { retry: { jitter: false } }
      ))

    it.effect("a timeout longer than a native timer can wait (30 days) fires then, not before", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Stall" })
          const fiber = yield* Effect.fork(Effect.flip(EventsClient.getEvent("ev_1")))
          yield* requestsSeen(1)
          yield* sleepingFor("30 days")
          yield* TestClock.adjust("25 days")
          expect(fiber.unsafePoll()).toBe(null)
          yield* TestClock.adjust("5 days")
          const error = yield* Fiber.join(fiber)
          assert(error._tag === "Timeout")
          expect(Duration.toDays(error.timeout)).toBe(30)
        }),
        { retry: false, timeout: "30 days" }
      ))

    it.effect("rateLimit spaces requests out instead of sending them at once", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          const fiber = yield* Effect.fork(
            Effect.forEach(Array.from({ length: 4 }), () => EventsClient.getEvent("ev_1"), { concurrency: "unbounded" })
          )
          yield* requestsSeen(2)
          expect((yield* api.requests).length).toBe(2)
          yield* TestClock.adjust("500 millis")
          yield* requestsSeen(3)
          yield* TestClock.adjust("500 millis")
          yield* requestsSeen(4)
          expect((yield* Fiber.join(fiber)).length).toBe(4)
        }),
        { retry: false, rateLimit: { limit: 2, interval: "1 second" } }
      ))
  })
}
