/**
 * A per-attempt timeout that is cheap on the live clock.
 *
 * `Effect.timeoutFail` races two forked fibers (the effect and a sleeping timer) and interrupts the loser: around
 * 40 µs per call, a quarter of a loopback round trip. On the live clock this runs the effect in one forked fiber
 * beside a native timer instead. Under any other clock (`TestClock`) it is `Effect.timeoutFail` itself, so tests
 * drive timeouts with `TestClock.adjust`. Either way, when the time is up the effect is interrupted (aborting its
 * request) and the result is the `onTimeout` failure.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"

export const liveClock = Effect.runSync(Effect.clock)

export const timeoutFail = <E2>(duration: Duration.Duration, onTimeout: () => E2) => {
  const millis = Duration.toMillis(duration)
  // An infinite timeout is no timeout.
  if (!Number.isFinite(millis)) return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> => self
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.flatMap(Effect.clock, (clock) =>
      clock !== liveClock
        ? Effect.timeoutFail(self, { duration, onTimeout })
        : Effect.flatMap(Effect.runtime<R>(), (runtime) =>
          Effect.async<A, E | E2>((resume) => {
            let done = false
            const fiber = Runtime.runFork(runtime)(self)
            const timer = setTimeout(() => {
              if (done) return
              done = true
              fiber.unsafeInterruptAsFork(FiberId.none)
              resume(Exit.fail(onTimeout()))
            }, millis)
            fiber.addObserver((exit) => {
              if (done) return
              done = true
              clearTimeout(timer)
              resume(exit)
            })
            return Effect.sync(() => {
              done = true
              clearTimeout(timer)
              fiber.unsafeInterruptAsFork(FiberId.none)
            })
          })))
}
