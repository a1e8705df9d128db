/**
 * The connection under every resource client: one set of options, one rate limiter, one transport.
 */
import { EventsClient, Exa, ExaClient, WebhooksClient } from "@effect-exa/client"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"

const events = Array.from({ length: 10 }, (_, i) => Fixtures.make("webset.idle", { id: `ev_${i}` }))
const rateLimit = { limit: 5, interval: "1 second" } as const

// 10 calls through each client, all at once.
const twentyCalls = Effect.all(
  [
    ...events.map((event) => EventsClient.getEvent(event.id)),
    ...events.map(() => WebhooksClient.listWebhooks({ limit: 1 }))
  ],
  { concurrency: "unbounded", discard: true }
)

const served = Effect.map(ExaApi.ExaApi, (api) => api.requests).pipe(Effect.flatten, Effect.map((all) => all.length))

describe("ExaClient", () => {
  it.effect("20 calls through both clients at 5/s share one limiter: the last starts at 3 s, not 1 s", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(twentyCalls)
      yield* TestClock.adjust("10 millis")
      // The bucket's first 5, shared by both clients.
      expect(yield* served).toBe(5)
      yield* TestClock.adjust("990 millis")
      expect(yield* served).toBe(10)
      yield* TestClock.adjust("1900 millis")
      expect(yield* served).toBe(19)
      assert(fiber.unsafePoll() === null)
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(fiber)
      expect(yield* served).toBe(20)
    }).pipe(Effect.provide(ExaApi.layerClient({ events, client: { rateLimit } }))))

  it.effect("two connections, one per client, have a limiter each: done by 1 s", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(twentyCalls)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(yield* served).toBe(20)
    }).pipe(
      Effect.provide(Layer.unwrapEffect(Effect.map(ExaApi.ExaApi, (api) => {
        const options = { apiKey: api.apiKey, rateLimit }
        return Layer.merge(
          EventsClient.Default.pipe(Layer.provide(ExaClient.layer(options))),
          WebhooksClient.Default.pipe(Layer.provide(ExaClient.layer(options)))
        ).pipe(Layer.provide(ExaApi.layerHttpClient))
      }))),
      Effect.provide(ExaApi.layer({ events }))
    ))

  it.effect("the options are checked once, when the connection is built", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(
          Exa.layer({ apiKey: ExaApi.defaultApiKey, timeout: "soon" as never }).pipe(
            Layer.provide(ExaApi.layerHttpClient),
            Layer.provide(ExaApi.layer())
          )
        )
      )
      expect(String(error)).toContain("timeout must be a Duration")
    }).pipe(Effect.scoped))

  it.effect("run calls any declared endpoint, and a resource client is a layer over the connection", () =>
    Effect.gen(function*() {
      const connection = yield* ExaClient.ExaClient
      const event = yield* connection.run(EventsClient.endpoints.getEvent, "ev_3")
      expect(event.id).toBe("ev_3")
      expect(connection.baseUrl).toBe("https://api.exa.ai")
      const missing = yield* Effect.flip(connection.run(EventsClient.endpoints.getEvent, "ev_none"))
      expect(missing).toMatchObject({ _tag: "NotFound", resource: "event", id: "ev_none" })
      const bad = yield* Effect.flip(connection.run(EventsClient.endpoints.getEvent, ""))
      expect(bad).toMatchObject({ _tag: "InvalidRequest", reason: "the event id must not be empty" })
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))
})
