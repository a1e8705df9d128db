/**
 * The connection under every resource client: one set of options, one rate limiter (Effect 4 has no core
 * `RateLimiter`, so this checks our own on the TestClock), `run` for any declared endpoint.
 */
import { EventsClient, Exa, ExaClient, WebhooksClient } from "@effect-exa/client"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/testing/TestClock"
import { idleWith } from "./fixtures.js"
import { json, stub } from "./stub.js"

const apiKey = Redacted.make("k-connection")
const rateLimit = { limit: 5, interval: "1 second" } as const

const twentyCalls = Effect.all(
  Array.from({ length: 20 }, (_, i) => EventsClient.getEvent(`ev_${i}`)),
  { concurrency: "unbounded", discard: true }
)

describe("ExaClient", () => {
  it.effect("20 calls through two resource clients over one connection at 5/s share its limiter: the last starts at 3 s", () => {
    const s = stub((url) => json(200, idleWith(url.pathname.split("/").pop()!)))
    const connection = ExaClient.layer({ apiKey, rateLimit }).pipe(Layer.provide(s.layer))
    // Two EventsClient services, built separately over the same connection.
    const first = Layer.build(EventsClient.Default)
    const second = Layer.build(EventsClient.Default)
    return Effect.gen(function*() {
      const a = yield* first
      const b = yield* second
      const fiber = yield* Effect.forkChild(
        Effect.all([
          Effect.provideContext(
            Effect.all(Array.from({ length: 10 }, (_, i) => EventsClient.getEvent(`a${i}`)), {
              concurrency: "unbounded"
            }),
            a
          ),
          Effect.provideContext(
            Effect.all(Array.from({ length: 10 }, (_, i) => EventsClient.getEvent(`b${i}`)), {
              concurrency: "unbounded"
            }),
            b
          )
        ], { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("10 millis")
      // The bucket's first 5, shared by both clients.
      expect(s.seen).toHaveLength(5)
      yield* TestClock.adjust("990 millis")
      expect(s.seen).toHaveLength(10)
      yield* TestClock.adjust("1900 millis")
      expect(s.seen).toHaveLength(19)
      assert(fiber.pollUnsafe() === undefined)
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(fiber)
      expect(s.seen).toHaveLength(20)
    }).pipe(Effect.provide(connection), Effect.scoped)
  })

  it.effect("two connections have a limiter each: 10 calls through each are done by 1 s", () => {
    const s = stub((url) => json(200, idleWith(url.pathname.split("/").pop()!)))
    const events = () =>
      EventsClient.Default.pipe(Layer.provide(ExaClient.layer({ apiKey, rateLimit })), Layer.provide(s.layer))
    const tenCalls = Effect.all(Array.from({ length: 10 }, (_, i) => EventsClient.getEvent(`ev_${i}`)), {
      concurrency: "unbounded",
      discard: true
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.all([Effect.provide(tenCalls, events()), Effect.provide(tenCalls, events())], {
          concurrency: "unbounded"
        })
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(s.seen).toHaveLength(20)
    })
  })

  it.effect("fixed-window: at most limit calls in each window", () => {
    const s = stub((url) => json(200, idleWith(url.pathname.split("/").pop()!)))
    const layer = EventsClient.Default.pipe(
      Layer.provideMerge(ExaClient.layer({ apiKey, rateLimit: { ...rateLimit, algorithm: "fixed-window" } })),
      Layer.provide(s.layer)
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(twentyCalls)
      yield* TestClock.adjust("10 millis")
      expect(s.seen).toHaveLength(5)
      yield* TestClock.adjust("980 millis")
      expect(s.seen).toHaveLength(5)
      yield* TestClock.adjust("10 millis")
      expect(s.seen).toHaveLength(10)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect(s.seen).toHaveLength(20)
    }).pipe(Effect.provide(layer))
  })

  it.effect("run calls any declared endpoint; the options are checked once, when the connection is built", () => {
    const s = stub((url) =>
      url.pathname.endsWith("/ev_none") ? json(404, {}) : json(200, idleWith(url.pathname.split("/").pop()!))
    )
    return Effect.gen(function*() {
      const connection = yield* ExaClient.make({ apiKey, retry: false }).pipe(Effect.provide(s.layer))
      const event = yield* connection.run(EventsClient.endpoints.getEvent, "ev_3")
      expect(event.id).toBe("ev_3")
      expect(connection.baseUrl).toBe("https://api.exa.ai")
      const missing = yield* Effect.flip(connection.run(EventsClient.endpoints.getEvent, "ev_none"))
      expect(missing).toMatchObject({ _tag: "NotFound", resource: "event", id: "ev_none" })
      const bad = yield* Effect.flip(connection.run(EventsClient.endpoints.getEvent, ""))
      expect(bad).toMatchObject({ _tag: "InvalidRequest", reason: "the event id must not be empty" })
      const error = yield* Effect.flip(
        ExaClient.make({ apiKey, timeout: "soon" as never }).pipe(Effect.provide(s.layer))
      )
      expect(String(error)).toContain("timeout must be a Duration")
    })
  })
})

describe("Exa.layer, provided inside another", () => {
  it.effect("a connection provided inside another uses its own options, and the outer one keeps its own", () => {
    const s = stub((url) => json(200, idleWith(url.pathname.split("/").pop()!)))
    const outer = Exa.layer({ apiKey, baseUrl: "https://outer.example" }).pipe(Layer.provide(s.layer))
    const inner = Exa.layer({ apiKey, baseUrl: "https://inner.example" }).pipe(Layer.provide(s.layer))
    return Effect.gen(function*() {
      yield* EventsClient.getEvent("ev_1")
      yield* EventsClient.getEvent("ev_2").pipe(Effect.provide(inner))
      yield* WebhooksClient.listWebhooks().pipe(Effect.provide(inner), Effect.ignore)
      yield* EventsClient.getEvent("ev_3")
      expect(s.seen.map((seen) => `${seen.url.host} ${seen.url.pathname}`)).toEqual([
        "outer.example /websets/v0/events/ev_1",
        "inner.example /websets/v0/events/ev_2",
        "inner.example /websets/v0/webhooks",
        "outer.example /websets/v0/events/ev_3"
      ])
    }).pipe(Effect.provide(outer))
  })
})
