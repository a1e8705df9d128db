/**
 * Running one attempt of a request within its limits: the one timer that keeps an attempt's time, and the one way
 * an attempt is stopped when it fires (see `../TransportContract.ts`).
 *
 * The timer runs on the Effect clock in use: on Effect's own clock it is a native timer (chained, since a native
 * timer cannot wait longer than 2^31 - 1 ms, about 24.8 days: a longer one fires at once in Node, and Effect's own
 * scheduler treats it as never), on any other clock (`TestClock`) that clock's `sleep` in a fiber, so
 * `TestClock.adjust` drives it.
 *
 * The attempt runs in a child fiber of the caller (`Effect.fork`: it inherits the caller's context and fiber refs),
 * with its limits in `TransportContract.current`. When the timer fires, the child is interrupted, which aborts the
 * request on every `@effect/platform` client and on this package's transports, and the attempt fails with
 * `onTimeout`; a transport that watches the deadline itself aborts at the same moment. An attempt with no time
 * limit runs on the caller's fiber. (A second path, on the caller's fiber with the transport keeping time, was
 * measured against this one and did not gain 15% at 16 calls in flight: see docs/performance.md.)
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as TransportContract from "../TransportContract.js"

/** Whether a clock is the one every Effect runtime starts with (read when needed: nothing runs at import). */
const isLiveClock = (clock: Clock.Clock): boolean => clock === Context.get(DefaultServices.liveServices, Clock.Clock)

/** The longest delay a native timer honours. */
export const maxTimerMillis = 2 ** 31 - 1

/** Calls `fire` after `millis` on the live clock; gives a function that cancels it. */
export const nativeTimer = (millis: number, fire: () => void): () => void => {
  let handle: ReturnType<typeof setTimeout>
  const deadline = Date.now() + millis
  const arm = (remaining: number) => {
    handle = setTimeout(() => {
      // Re-armed while any time is left: past the platform's limit, and should a timer ever wake early.
      const left = deadline - Date.now()
      if (left > 0) arm(left)
      else fire()
    }, Math.min(remaining, maxTimerMillis)) // The request itself keeps the process alive while it is in flight; its timer need not.
     // (Where timers are numbers, in browsers, there is nothing to unref.)
    ;(handle as { unref?: () => void }).unref?.()
  }
  arm(millis)
  return () => clearTimeout(handle)
}

/** Calls `fire` after `millis` on `clock`; gives a function that cancels it. */
const clockTimer = (clock: Clock.Clock, millis: number, fire: () => void): () => void => {
  if (isLiveClock(clock)) return nativeTimer(millis, fire)
  const sleeper = Effect.runFork(clock.sleep(Duration.millis(millis)))
  sleeper.addObserver((exit) => {
    if (Exit.isSuccess(exit)) fire()
  })
  return () => sleeper.unsafeInterruptAsFork(FiberId.none)
}

const noop = () => {}

/** A deadline armed on a clock (exported for its tests). */
export class Timer implements TransportContract.Deadline {
  expired = false
  private readonly listeners: Array<() => void> = []
  readonly stop: () => void

  constructor(clock: Clock.Clock, millis: number) {
    this.stop = clockTimer(clock, millis, () => this.expire())
  }

  private expire() {
    this.expired = true
    // Called from a copy, the list left empty: a listener stops listening as it hears (a transport does, as its
    // request settles), which must not shift the ones after it, and stopping after the time is up does nothing.
    for (const listener of this.listeners.splice(0)) listener()
  }

  subscribe(onExpire: () => void): () => void {
    if (this.expired) {
      onExpire()
      return noop
    }
    this.listeners.push(onExpire)
    return () => {
      const index = this.listeners.indexOf(onExpire)
      if (index >= 0) this.listeners.splice(index, 1)
    }
  }
}

export interface Settings<E2> {
  /** The attempt's time limit in milliseconds; not finite for none. */
  readonly millis: number
  readonly maxResponseBytes: number
  /** The failure of an attempt whose time ran out. */
  readonly onTimeout: () => E2
}

/** Runs `self` as one attempt within `settings`. */
export const runner = <E2>(settings: Settings<E2>) => {
  const { maxResponseBytes, millis, onTimeout } = settings
  const timed = Number.isFinite(millis)
  const untimed: TransportContract.Limits = { maxResponseBytes, deadline: undefined }

  return <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | E2> => {
    if (!timed) return Effect.locally(self, TransportContract.current, untimed)
    return Effect.withFiberRuntime<A, E | E2>((parent) => {
      const timer = new Timer(Context.get(parent.currentDefaultServices, Clock.Clock), millis)
      const attempt = Effect.locally(self, TransportContract.current, { maxResponseBytes, deadline: timer })
      return Effect.flatMap(Effect.fork(attempt), (child) =>
        // Whichever comes first resumes the caller: `Effect.async` ignores every later `resume`, and every one
        // after the caller's interruption. The attempt's end and the interruption stop the timer, so its listener
        // runs only if it comes first.
        Effect.async<A, E | E2>((resume) => {
          const stopListening = timer.subscribe(() => {
            child.unsafeInterruptAsFork(parent.id())
            resume(Exit.fail(onTimeout()))
          })
          child.addObserver((exit) => {
            timer.stop()
            stopListening()
            resume(exit)
          })
          // The caller was interrupted while waiting: the attempt goes with it.
          return Effect.sync(() => {
            timer.stop()
            child.unsafeInterruptAsFork(parent.id())
          })
        }))
    })
  }
}
