/**
 * The retry policy on its own: which errors are retried, which delay each asks for, and the default schedule's
 * shape (backoff, jitter, Retry-After on 429 and 503, caps), driven by the TestClock and a fixed Random. Ported from
 * the Effect 3 line's `Retry.test.ts`.
 */
import { Errors, EventsClient, Exa, Retry } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/testing/TestClock"
import { idle } from "./fixtures.js"
import { json, stub } from "./stub.js"

const fiveSeconds = Duration.seconds(5)

const every: ReadonlyArray<readonly [Errors.ExaError, boolean, boolean]> = [
  // error, retryable, unsent
  [new Errors.NotFound({ id: "ev_1" }), false, false],
  [new Errors.Unauthorized({ status: 401, apiMessage: "no" }), false, false],
  [new Errors.Decode({ reason: "bad", body: "" }), false, false],
  [new Errors.RateLimited({ apiMessage: "slow down" }), true, true],
  [new Errors.ApiError({ status: 400, apiMessage: "bad" }), false, false],
  [new Errors.ApiError({ status: 404, apiMessage: "no route" }), false, false],
  [new Errors.ApiError({ status: 407, apiMessage: "proxy" }), false, false],
  [new Errors.ApiError({ status: 408, apiMessage: "timeout" }), true, false],
  [new Errors.ApiError({ status: 409, apiMessage: "conflict" }), true, false],
  [new Errors.ApiError({ status: 410, apiMessage: "gone" }), false, false],
  [new Errors.ApiError({ status: 499, apiMessage: "client closed" }), false, false],
  [new Errors.ApiError({ status: 500, apiMessage: "boom" }), true, false],
  [new Errors.ApiError({ status: 503, apiMessage: "busy" }), true, false],
  [new Errors.Redirected({ status: 302 }), false, false],
  [new Errors.ResponseTooLarge({ limit: 1, status: 200 }), false, false],
  [new Errors.ServerFault({ reason: "loop" }), false, false],
  [new Errors.Transport({ description: "reset" }), true, false],
  [new Errors.Transport({ description: "reset", code: "ECONNRESET" }), true, false],
  [new Errors.Transport({ description: "refused", code: "ECONNREFUSED" }), true, true],
  [new Errors.Transport({ description: "dns", code: "ENOTFOUND" }), true, true],
  [new Errors.Transport({ description: "connect", code: "UND_ERR_CONNECT_TIMEOUT" }), true, true],
  [new Errors.Timeout({ timeout: fiveSeconds }), true, false],
  [new Errors.InvalidRequest({ reason: "bad id" }), false, false]
]

const label = (error: Errors.ExaError) =>
  `${error._tag} ${"status" in error ? error.status : ""} ${"code" in error ? error.code : ""}`

describe("Retry.isRetryable and Retry.isUnsent", () => {
  it("retries 429, 408, 409, 5xx, transport failures and timeouts, and nothing else", () => {
    for (const [error, retryable] of every) expect(Retry.isRetryable(error), label(error)).toBe(retryable)
  })

  it("counts only a 429 and a connection that never opened as unsent", () => {
    for (const [error, , unsent] of every) expect(Retry.isUnsent(error), label(error)).toBe(unsent)
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

const fixedRandom = (value: number): Random.Random => ({
  nextDoubleUnsafe: () => value,
  nextIntUnsafe: () => 0
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
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
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
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("437 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer), Effect.provideService(Random.Random, fixedRandom(0.5)))
  })

  it.effect("without jitter the delays are exactly 500 ms, then 1 s, capped by maxDelay", () => {
    const { layer, seen } = client([500, 500, 500], {}, { jitter: false, maxRetries: 3, maxDelay: "700 millis" })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
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

  it.effect("stops after maxRetries with the last error; maxRetries: 0 makes one attempt", () => {
    const twice = client([500, 500, 500, 500], {}, { jitter: false })
    const once = client([500, 500], {}, { maxRetries: 0 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(twice.layer)))
      )
      yield* TestClock.adjust("10 seconds")
      expect((yield* Fiber.join(fiber))._tag).toBe("ApiError")
      expect(twice.seen).toHaveLength(3)
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(once.layer)))
      expect(error._tag).toBe("ApiError")
      expect(once.seen).toHaveLength(1)
    })
  })

  it.effect("each call counts its own retries", () => {
    const { layer, seen } = client([500, 500, 200, 500, 500], {}, { jitter: false, maxRetries: 2 })
    return Effect.gen(function*() {
      for (let i = 0; i < 2; i++) {
        const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fiber)
      }
      expect(seen).toHaveLength(6)
    }).pipe(Effect.provide(layer))
  })
})

describe("Retry.apply", () => {
  const failing = (errors: ReadonlyArray<Errors.ExaError>) => {
    let n = 0
    const attempts = () => n
    const effect = Effect.suspend(() => {
      const error = errors[n++]
      return error === undefined ? Effect.succeed("done") : Effect.fail(error)
    })
    return { effect, attempts }
  }

  it.effect("with idempotent: false, retries only what surely was not sent", () =>
    Effect.gen(function*() {
      const refused = new Errors.Transport({ description: "refused", code: "ECONNREFUSED" })
      const reset = new Errors.Transport({ description: "reset", code: "ECONNRESET" })
      const unsent = failing([refused, new Errors.RateLimited({ apiMessage: "x" })])
      const fiber = yield* Effect.forkChild(
        Retry.apply({ jitter: false }, { idempotent: false })(unsent.effect)
      )
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toBe("done")
      expect(unsent.attempts()).toBe(3)
      const maybeSent = failing([reset])
      const error = yield* Effect.flip(Retry.apply({ jitter: false }, { idempotent: false })(maybeSent.effect))
      expect(error).toBe(reset)
      expect(maybeSent.attempts()).toBe(1)
      const off = failing([refused])
      expect(yield* Effect.flip(Retry.apply(false)(off.effect))).toBe(refused)
      expect(off.attempts()).toBe(1)
    }))
})
