/**
 * The per-attempt timeout: the one implementation every request of every transport goes through.
 *
 * The attempt runs in a fiber of its own beside a timer on the Effect clock in use; when the timer fires first, the
 * attempt is interrupted (which aborts its request on every transport) and the result is the `onTimeout` failure.
 * `Effect.timeoutFail` does the same with a second forked fiber for the timer and a race, about 40 µs per call (a
 * quarter of a loopback round trip), so the timer is a plain callback instead:
 * - on Effect's own clock, a native timer. Native timers cannot wait longer than 2^31 - 1 ms (~24.8 days): a longer
 *   one fires at once in Node (and Effect's own scheduler treats it as never), so long waits are chained;
 * - on any other clock (`TestClock`), that clock's `sleep` in a fiber, so `TestClock.adjust` drives it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"

/** The clock every Effect runtime starts with. */
export const liveClock: Clock.Clock = Effect.runSync(Effect.clock)

/** The longest delay a native timer honours. */
export const maxTimerMillis = 2 ** 31 - 1

/** Calls `fire` after `millis` on the live clock; gives a function that cancels it. */
export const nativeTimer = (millis: number, fire: () => void): () => void => {
  let handle: ReturnType<typeof setTimeout>
  const deadline = Date.now() + millis
  const arm = (remaining: number) => {
    handle = setTimeout(() => {
      const left = deadline - Date.now()
      if (left > 0 && remaining > maxTimerMillis) arm(left)
      else fire()
    }, Math.min(remaining, maxTimerMillis))
  }
  arm(millis)
  return () => clearTimeout(handle)
}

const clockTimer = <R>(runtime: Runtime.Runtime<R>, clock: Clock.Clock, millis: number, fire: () => void): () => void => {
  if (clock === liveClock) return nativeTimer(millis, fire)
  const sleeper = Runtime.runFork(runtime)(clock.sleep(Duration.millis(millis)))
  sleeper.addObserver((exit) => {
    if (Exit.isSuccess(exit)) fire()
  })
  return () => sleeper.unsafeInterruptAsFork(FiberId.none)
}

/**
 * `self`, failing with `onTimeout()` if it takes longer than `millis` (not finite: no limit) on the clock in use.
 */
export const timeoutFail = <E2>(millis: number, onTimeout: () => E2) => {
  if (!Number.isFinite(millis)) return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> => self
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.flatMap(Effect.clock, (clock) =>
      Effect.flatMap(Effect.runtime<R>(), (runtime) =>
        Effect.async<A, E | E2>((resume) => {
          let done = false
          const fiber = Runtime.runFork(runtime)(self)
          const cancelTimer = clockTimer(runtime, clock, millis, () => {
            if (done) return
            done = true
            fiber.unsafeInterruptAsFork(FiberId.none)
            resume(Exit.fail(onTimeout()))
          })
          fiber.addObserver((exit) => {
            if (done) return
            done = true
            cancelTimer()
            resume(exit)
          })
          return Effect.sync(() => {
            done = true
            cancelTimer()
            fiber.unsafeInterruptAsFork(FiberId.none)
          })
        })))
}
