// #region testing-tests
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { countEnriched, titleOf } from "../examples/testing.js"

describe("countEnriched", () => {
  // Sample events with overrides: three enriched items, two of them in our webset.
  const events = [
    Fixtures.make("webset.item.enriched", { id: "ev_1", data: { websetId: "webset_a" } }),
    Fixtures.make("webset.item.enriched", { id: "ev_2", data: { websetId: "webset_b" } }),
    Fixtures.make("webset.item.enriched", { id: "ev_3", data: { websetId: "webset_a" } }),
    Fixtures.make("webset.created", { id: "ev_4" })
  ]

  it.effect("counts the webset's enriched items", () =>
    countEnriched("webset_a").pipe(
      Effect.map((count) => expect(count).toBe(2)),
      // The real EventsClient, over an in-memory Exa API holding these events.
      Effect.provide(ExaApi.layerClient({ events }))
    ))

  it.effect("sends one filtered request per page", () =>
    Effect.gen(function*() {
      yield* countEnriched("webset_a")
      const api = yield* ExaApi.ExaApi
      const [request] = yield* api.requests
      expect(request?.path).toBe("/websets/v0/events")
      expect(request?.query).toContainEqual(["types", "webset.item.enriched"])
      expect(request?.headers["x-api-key"]).toBe("<redacted>")
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))
})

// Failures, retries and timeouts, on the TestClock.
describe("titleOf under failures", () => {
  const events = [Fixtures.make("webset.created", { id: "ev_w", data: { title: "Fintech" } })]

  it.effect("a missing event is null", () =>
    titleOf("ev_gone").pipe(
      Effect.map((title) => expect(title).toBeNull()),
      Effect.provide(ExaApi.layerClient({ events }))
    ))

  it.effect("a 429 with Retry-After is waited out (on the TestClock) and retried", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "RateLimited", retryAfter: "5 seconds" })
      const fiber = yield* Effect.fork(titleOf("ev_w"))
      yield* TestClock.adjust("5 seconds")
      expect(yield* Fiber.join(fiber)).toBe("Fintech")
      expect(yield* api.requests).toHaveLength(2)
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))

  it.effect("a 503 that persists surfaces as an ApiError after the retries", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Status", status: 503 }, 3)
      const fiber = yield* Effect.fork(Effect.flip(titleOf("ev_w")))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("ApiError")
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))

  it.effect("a slow server hits the client's timeout", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Delay", delay: "1 minute" })
      const fiber = yield* Effect.fork(Effect.flip(titleOf("ev_w")))
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(fiber))._tag).toBe("Timeout")
    }).pipe(Effect.provide(ExaApi.layerClient({ events, client: { timeout: "2 seconds", retry: false } }))))
})
// #endregion testing-tests
