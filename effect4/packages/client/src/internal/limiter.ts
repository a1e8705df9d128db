/**
 * The client-side rate limit of a connection. Effect 4 has no core `RateLimiter` (the one in `effect/persistence`
 * is keyed, store-backed and retries 429s itself, which would overlap the retry policy), so this is a small one of
 * our own: each call reserves the next free slot and sleeps until it on the Effect clock (so `TestClock` drives it).
 *
 * - `token-bucket`: at most `limit` calls at once, then one every `interval / limit` (the generic cell rate
 *   algorithm: a theoretical arrival time advanced by one emission interval per call).
 * - `fixed-window`: at most `limit` calls in each window of `interval`, the first window starting with the first
 *   call.
 *
 * A call interrupted while it waits keeps its slot (a slot is never handed back): the limiter errs towards fewer
 * requests, never more.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

export interface Options {
  readonly limit: number
  readonly interval: Duration.Duration
  readonly algorithm: "token-bucket" | "fixed-window"
}

/** Runs an effect in its turn. */
export type Limiter = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** A fresh limiter: its state lives in the returned function, one per connection. */
export const make = (options: Options): Limiter => {
  const interval = Duration.toMillis(options.interval)
  const limit = options.limit
  let reserve: (now: number) => number
  if (options.algorithm === "token-bucket") {
    const emission = interval / limit
    const tolerance = interval - emission
    let tat = -Infinity
    reserve = (now) => {
      tat = Math.max(tat, now)
      const start = Math.max(now, tat - tolerance)
      tat += emission
      return start
    }
  } else {
    let windowStart = -Infinity
    let used = 0
    reserve = (now) => {
      if (windowStart + interval <= now) {
        windowStart = now
        used = 0
      }
      if (used < limit) {
        used++
        return Math.max(now, windowStart)
      }
      windowStart += interval
      used = 1
      return windowStart
    }
  }
  const turn = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const wait = reserve(now) - now
    return wait > 0 ? Effect.sleep(Duration.millis(wait)) : Effect.void
  })
  return (self) => Effect.andThen(turn, self)
}
