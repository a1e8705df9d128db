/**
 * Running one attempt of a request within its limits: the one timer that keeps an attempt's time, and the two ways
 * an attempt is stopped when it fires (see `../TransportContract.ts`).
 *
 * The timer runs on the Effect clock in use: on Effect's own clock it is a native timer (chained, since a native
 * timer cannot wait longer than 2^31 - 1 ms, about 24.8 days: a longer one fires at once in Node, and Effect's own
 * scheduler treats it as never), on any other clock (`TestClock`) that clock's `sleep` in a fiber, so
 * `TestClock.adjust` drives it.
 *
 * - Direct: the transport honours `TransportContract.Deadline` and nothing sits between the core and it. The attempt
 *   runs on the caller's fiber with the limits in `TransportContract.current`; the transport aborts its request when
 *   the deadline expires and fails with `DeadlineExceeded`.
 * - Forked: the attempt runs in a fiber of its own (its limits, `RequestInit` and tracing settings in that fiber's
 *   context), and is interrupted when the timer fires, which aborts the request on every `@effect/platform` client.
 *   `Effect.timeoutFail` does the same with a second fiber for the timer and a race, measurably slower.
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
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Runtime from "effect/Runtime"
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
    }, Math.min(remaining, maxTimerMillis))
    // The request itself keeps the process alive while it is in flight; its timer need not.
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

/** A deadline armed on a clock. */
class Timer implements TransportContract.Deadline {
  expired = false
  private listeners: Array<() => void> | undefined = undefined
  readonly stop: () => void

  constructor(clock: Clock.Clock, millis: number) {
    this.stop = clockTimer(clock, millis, () => this.expire())
  }

  private expire() {
    this.expired = true
    const listeners = this.listeners
    this.listeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
  }

  subscribe(onExpire: () => void): () => void {
    if (this.expired) {
      onExpire()
      return noop
    }
    const listeners = (this.listeners ??= [])
    listeners.push(onExpire)
    return () => {
      const index = listeners.indexOf(onExpire)
      if (index >= 0) listeners.splice(index, 1)
    }
  }
}

export interface Settings<E2> {
  /** The attempt's time limit in milliseconds; not finite for none. */
  readonly millis: number
  readonly maxResponseBytes: number
  /** The failure of a forked attempt whose time ran out (a direct one fails through its transport). */
  readonly onTimeout: () => E2
  /** Whether the attempt may run directly (see above). */
  readonly direct: boolean
  /** The context a forked attempt runs with. */
  readonly context: (context: Context.Context<never>) => Context.Context<never>
  /** FiberRef values a forked attempt runs with, besides its limits. */
  readonly fiberRefs: ReadonlyArray<readonly [FiberRef.FiberRef<any>, any]>
}

/** Runs `self` as one attempt within `settings`. */
export const runner = <E2>(settings: Settings<E2>) => {
  const { direct, maxResponseBytes, millis, onTimeout } = settings
  const timed = Number.isFinite(millis)
  const untimed: TransportContract.Limits = { maxResponseBytes, deadline: undefined }

  if (direct) {
    return <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Effect.withFiberRuntime<A, E>((fiber) => {
        const previous = fiber.getFiberRef(TransportContract.current)
        const timer = timed ? new Timer(Context.get(fiber.currentDefaultServices, Clock.Clock), millis) : undefined
        const limits = timer === undefined ? untimed : { maxResponseBytes, deadline: timer }
        // The limits are the fiber's only while the attempt runs (an interrupted fiber does not go on).
        const restore = FiberRef.set(TransportContract.current, previous)
        return Effect.zipRight(
          FiberRef.set(TransportContract.current, limits),
          Effect.matchCauseEffect(self, {
            onFailure: (cause) => {
              timer?.stop()
              return Effect.zipRight(restore, Effect.failCause(cause))
            },
            onSuccess: (value) => {
              timer?.stop()
              return Effect.as(restore, value)
            }
          })
        )
      })
  }

  return <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | E2> =>
    Effect.withFiberRuntime<A, E | E2>((parent) => {
      let fiberRefs = FiberRefs.updateAs(parent.getFiberRefs(), {
        fiberId: parent.id(),
        fiberRef: TransportContract.current,
        value: untimed
      })
      for (const [fiberRef, value] of settings.fiberRefs) {
        fiberRefs = FiberRefs.updateAs(fiberRefs, { fiberId: parent.id(), fiberRef, value })
      }
      const runtime = Runtime.make({
        context: settings.context(parent.currentContext),
        runtimeFlags: Runtime.defaultRuntime.runtimeFlags,
        fiberRefs
      })
      const clock = Context.get(parent.currentDefaultServices, Clock.Clock)
      return Effect.async<A, E | E2>((resume) => {
        let done = false
        const fiber = Runtime.runFork(runtime)(self)
        const cancelTimer = timed
          ? clockTimer(clock, millis, () => {
            if (done) return
            finish()
            fiber.unsafeInterruptAsFork(parent.id())
            resume(Exit.fail(onTimeout()))
          })
          : noop
        // The caller was interrupted while waiting here (nothing else ends a fiber suspended in this async): the
        // attempt goes with it. Watching the caller's exit costs less than a canceller, which Effect wraps in an
        // interruption finalizer.
        const onCallerExit = () => {
          done = true
          cancelTimer()
          fiber.unsafeInterruptAsFork(parent.id())
        }
        const finish = () => {
          done = true
          cancelTimer()
          parent.removeObserver(onCallerExit)
        }
        parent.addObserver(onCallerExit)
        fiber.addObserver((exit) => {
          if (done) return
          finish()
          resume(exit)
        })
      })
    })
}
