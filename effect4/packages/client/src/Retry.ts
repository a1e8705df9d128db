/**
 * The retry policy: which failures are worth another attempt, and when.
 *
 * The client applies `Retry.schedule()` by default. Replace it with options (`retry: { maxRetries: 5 }`), any
 * `Schedule` whose input is the error, or turn it off (`retry: false`) and compose `Effect.retry` yourself.
 *
 * @since 1.0.0
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type { ExaError } from "./Errors.js"

/**
 * How the default schedule behaves.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number | undefined
  /** The first backoff delay; each next one doubles. Default 500 millis. */
  readonly initialDelay?: Duration.Input | undefined
  /** The largest backoff delay. Default 8 seconds. */
  readonly maxDelay?: Duration.Input | undefined
  /** The largest server-requested delay (`Retry-After`) that is honoured as such; longer ones are capped to it. Default 60 seconds. */
  readonly maxRetryAfter?: Duration.Input | undefined
  /** Multiply each backoff delay by a random factor in [0.75, 1), so clients do not retry in step. Default true. */
  readonly jitter?: boolean | undefined
}

/**
 * What the client accepts as its `retry` option: options for the default schedule, a schedule of your own (its
 * input is the failed attempt's error), or `false` for no retries.
 *
 * @since 1.0.0
 * @category models
 */
export type Policy = Options | Schedule.Schedule<unknown, ExaError> | false

/**
 * The defaults, matching the best SDKs: 2 retries, 0.5 s doubling to at most 8 s, with jitter, and server delays
 * honoured up to 60 s.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaults: Required<{ readonly [K in keyof Options]: Exclude<Options[K], undefined> }> = {
  maxRetries: 2,
  initialDelay: Duration.millis(500),
  maxDelay: Duration.seconds(8),
  maxRetryAfter: Duration.seconds(60),
  jitter: true
}

/**
 * Whether a failure is safe and useful to retry: 429, 408, 409, 5xx, transport failures and timeouts. Never
 * 401/403/404, a decode failure, other 4xx, or an invalid request.
 *
 * @since 1.0.0
 * @category predicates
 */
export const isRetryable = (error: ExaError): boolean => {
  switch (error._tag) {
    case "RateLimited":
    case "Transport":
    case "Timeout":
      return true
    case "ApiError":
      return error.status === 408 || error.status === 409 || error.status >= 500
    default:
      return false
  }
}

// Transport codes of a connection that never opened: the request cannot have reached the server.
const unsentCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT"
])

/**
 * Whether a failure shows the server did not act on the request: a 429, or a connection that never opened (refused,
 * DNS, unreachable). Only these are retried for a request that must not run twice, such as creating a webhook: after
 * a timeout, a reset or a 5xx, the server may have acted, and a retry could do it again.
 *
 * @since 1.0.0
 * @category predicates
 */
export const isUnsent = (error: ExaError): boolean =>
  error._tag === "RateLimited" ||
  (error._tag === "Transport" && error.code !== undefined && unsentCodes.has(error.code))

/**
 * The delay a failure asks for, if any (`Retry-After` on a 429 or a 503).
 *
 * @since 1.0.0
 * @category getters
 */
export const requestedDelay = (error: ExaError): Duration.Duration | undefined =>
  error._tag === "RateLimited" || error._tag === "ApiError" ? error.retryAfter : undefined

/**
 * The default retry schedule: retries only what `isRetryable` accepts, at most `maxRetries` times, waiting for
 * the server's `Retry-After` when it gave one (capped at `maxRetryAfter`), else an exponential backoff with jitter.
 * Its output is the number of retries so far.
 *
 * Effect 4's `Schedule` has no `whileInput` or `jitteredWith`, so the schedule is one step function
 * (`Schedule.fromStep`); the jitter draws from Effect's `Random`, so a test can fix it.
 *
 * @example
 * ```ts
 * import { EventsClient, Retry } from "@effect-exa/client"
 * import { Effect } from "effect"
 *
 * // Retry harder than the default, and give the whole call 2 minutes.
 * const program = EventsClient.getEvent("ev_123").pipe(
 *   Effect.retry(Retry.schedule({ maxRetries: 6, maxDelay: "30 seconds" })),
 *   Effect.timeout("2 minutes")
 * )
 * ```
 *
 * @since 1.0.0
 * @category schedules
 */
export const schedule = (options: Options = {}): Schedule.Schedule<number, ExaError> => {
  const maxRetries = options.maxRetries ?? defaults.maxRetries
  const initial = Duration.toMillis(options.initialDelay ?? defaults.initialDelay)
  const maxDelay = Duration.toMillis(options.maxDelay ?? defaults.maxDelay)
  const maxRetryAfter = Duration.toMillis(options.maxRetryAfter ?? defaults.maxRetryAfter)
  const jitter = options.jitter ?? defaults.jitter
  return Schedule.fromStep(Effect.sync(() => {
    // Each use of the schedule (each call's retries) counts from zero.
    let retries = 0
    return (_now: number, error: ExaError) => {
      if (retries >= maxRetries || !isRetryable(error)) return Cause.done(retries)
      const backoff = Math.min(initial * 2 ** retries, maxDelay)
      retries++
      const requested = requestedDelay(error)
      if (requested !== undefined) {
        return Effect.succeed([retries, Duration.millis(Math.min(Duration.toMillis(requested), maxRetryAfter))] as [
          number,
          Duration.Duration
        ])
      }
      if (!jitter) return Effect.succeed([retries, Duration.millis(backoff)] as [number, Duration.Duration])
      return Effect.map(
        Random.next,
        (random) => [retries, Duration.millis(backoff * (0.75 + 0.25 * random))] as [number, Duration.Duration]
      )
    }
  }))
}

/**
 * Applies a retry policy to an effect that fails with client errors. With `idempotent: false`, only failures that
 * show the request was not acted on (`isUnsent`) are retried, whatever the policy.
 *
 * @since 1.0.0
 * @category combinators
 */
export const apply = (policy: Policy, options: { readonly idempotent?: boolean | undefined } = {}) => {
  if (policy === false) return <A, E extends ExaError, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => self
  const base = Schedule.isSchedule(policy) ? policy : schedule(policy)
  // A request that must not run twice (creating a webhook) is sent again only when it surely was not acted on.
  const unsentOnly = options.idempotent === false
  return <A, E extends ExaError, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    unsentOnly ? Effect.retry(self, { schedule: base, while: isUnsent }) : Effect.retry(self, base)
}
