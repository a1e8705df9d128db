/**
 * The retry policy on its own: which errors are retried, which delay each asks for, and the default schedule's
 * shape (backoff, jitter, Retry-After on 429 and 503, caps), driven by TestClock and TestRandom.
 */
import { Errors, EventsClient, Exa, Retry } from "@effect-exa/client"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { json, stub } from "./stub.js"

const idle = Fixtures.make("webset.idle", { id: "ev_1" })
const fiveSeconds = Duration.seconds(5)

const every: ReadonlyArray<readonly [Errors.ExaError, boolean]> = [
  [new Errors.NotFound({ id: "ev_1" }), false],
  [new Errors.Unauthorized({ status: 401, apiMessage: "no" }), false],
  [new Errors.Decode({ reason: "bad", body: "" }), false],
  [new Errors.RateLimited({ apiMessage: "slow down" }), true],
  [new Errors.ApiError({ status: 400, apiMessage: "bad" }), false],
  [new Errors.ApiError({ status: 404, apiMessage: "no route" }), false],
  [new Errors.ApiError({ status: 407, apiMessage: "proxy" }), false],
  [new Errors.ApiError({ status: 408, apiMessage: "timeout" }), true],
  [new Errors.ApiError({ status: 409, apiMessage: "conflict" }), true],
  [new Errors.ApiError({ status: 410, apiMessage: "gone" }), false],
  [new Errors.ApiError({ status: 499, apiMessage: "client closed" }), false],
  [new Errors.ApiError({ status: 500, apiMessage: "boom" }), true],
  [new Errors.ApiError({ status: 503, apiMessage: "busy" }), true],
  [new Errors.Redirected({ status: 302 }), false],
  [new Errors.ResponseTooLarge({ limit: 1, status: 200 }), false],
  [new Errors.ServerFault({ reason: "loop" }), false],
  [new Errors.Transport({ description: "reset" }), true],
  [new Errors.Timeout({ timeout: fiveSeconds }), true],
  [new Errors.InvalidRequest({ reason: "bad id" }), false]
]

describe("Retry.isRetryable", () => {
  it("retries 429, 408, 409, 5xx, transport failures and timeouts, and nothing else", () => {
    for (const [error, retryable] of every) {
      expect(Retry.isRetryable(error), `${error._tag} ${"status" in error ? error.status : ""}`).toBe(retryable)
    }
  })
})

describe("Retry.requestedDelay", () => {
  it("is the Retry-After of a 429 or of any ApiError (a 503), and nothing for other errors", () => {
    expect(Retry.requestedDelay(new Errors.RateLimited({ apiMessage: "x", retryAfter: fiveSeconds }))).toEqual(
      fiveSeconds
    )
    expect(Retry.requestedDelay(new Errors.ApiError({ status: 503, apiMessage: "x", retryAfter: fiveSeconds })))
      .toEqual(fiveSeconds)
    expect(Retry.requestedDelay(new Errors.ApiError({ status: 503, apiMessage: "x" }))).toBeUndefined()
    expect(Retry.requestedDelay(new Errors.RateLimited({ apiMessage: "x" }))).toBeUndefined()
    for (const [error] of every) {
      if (error._tag !== "RateLimited" && error._tag !== "ApiError") expect(Retry.requestedDelay(error)).toBeUndefined()
    }
  })
})

describe("the default schedule", () => {
  const client = (statuses: ReadonlyArray<number>, headers: Record<string, string>, retry?: Retry.Policy) => {
    let n = 0
    const s = stub(() => {
      const status = statuses[n++] ?? 200
      return status === 200 ? json(200, idle) : json(status, { error: "again" }, headers)
    })
    const layer = Exa.layer({ apiKey: Redacted.make("k-retry"), ...(retry === undefined ? {} : { retry }) }).pipe(
      Layer.provide(s.layer)
    )
    return { seen: s.seen, layer }
  }

  it.effect("honours a 503's Retry-After", () => {
    const { layer, seen } = client([503], { "retry-after": "7" }, { jitter: false })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("6999 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("jitters by default: a random factor of 0.5 makes the first delay 0.875 of 500 ms", () => {
    const { layer, seen } = client([500], {})
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("437 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer), Effect.withRandom(Random.fixed([0.5])))
  })

  it.effect("without jitter the delays are exactly 500 ms, then 1 s, capped by maxDelay", () => {
    const { layer, seen } = client([500, 500, 500], {}, { jitter: false, maxRetries: 3, maxDelay: "700 millis" })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("499 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(seen).toHaveLength(2)
      // 1 s, capped at 700 ms.
      yield* TestClock.adjust("699 millis")
      expect(seen).toHaveLength(2)
      yield* TestClock.adjust("1 millis")
      expect(seen).toHaveLength(3)
      yield* TestClock.adjust("700 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("maxRetries: 0 makes one attempt", () => {
    const { layer, seen } = client([500, 500], {}, { maxRetries: 0 })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1"))
      expect(error._tag).toBe("ApiError")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})
