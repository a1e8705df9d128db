/**
 * The attempt runner's internals: the deadline an attempt hands its transport (its listeners, its expiry, the limits
 * being the attempt's only), the timeout that interrupts it, and a caller's interruption taking it along.
 */
import { TransportContract } from "@effect-exa/client"
import { assert, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as TestClock from "effect/TestClock"
import { maxTimerMillis, nativeTimer, runner, Timer } from "../src/internal/attempt.js"

const settings = (millis: number) => ({
  millis,
  maxResponseBytes: 1234,
  onTimeout: () => "timed out" as const
})

describe("nativeTimer", () => {
  it("fires once its time is up by the clock, not before, and its handle does not keep the process alive", () => {
    vi.useFakeTimers()
    const unref = vi.fn()
    const realSetTimeout = globalThis.setTimeout
    try {
      let fired = 0
      nativeTimer(1000, () => fired++)
      vi.advanceTimersByTime(999)
      expect(fired).toBe(0)
      vi.advanceTimersByTime(1)
      expect(fired).toBe(1)
      vi.advanceTimersByTime(10_000)
      expect(fired).toBe(1)
      // A timer that wakes early (the clock says time is left) waits again instead of firing.
      const wakeEarly = vi.fn((callback: () => void, _millis?: number) => {
        if (wakeEarly.mock.calls.length === 1) callback()
        return { unref } as unknown as ReturnType<typeof setTimeout>
      })
      globalThis.setTimeout = wakeEarly as unknown as typeof setTimeout
      let early = 0
      nativeTimer(5000, () => early++)
      expect(early).toBe(0)
      expect(wakeEarly).toHaveBeenCalledTimes(2)
      expect(wakeEarly.mock.calls[1]![1]).toBeGreaterThan(4000)
      expect(unref).toHaveBeenCalled()
      expect(maxTimerMillis).toBe(2 ** 31 - 1)
      // Where timers are numbers (browsers), there is nothing to unref.
      for (const handle of [42, {}]) {
        globalThis.setTimeout = (() => handle) as unknown as typeof setTimeout
        expect(() => nativeTimer(1000, () => {})).not.toThrow()
      }
    } finally {
      globalThis.setTimeout = realSetTimeout
      vi.useRealTimers()
    }
  })
})

describe("Timer (an attempt's deadline)", () => {
  it.effect("one that expires with no one listening tells the first to listen after at once; a listener that stopped, the first one too, is not told", () =>
    Effect.gen(function*() {
      // On its own: through the runner, the first listener is always the runner's, which stops listening only
      // after stopping the timer, and a deadline expires unheard only if the runner's fiber yields between arming
      // the timer and listening.
      const clock = yield* Effect.clock
      const heard: Array<string> = []
      const unheard = new Timer(clock, 1000)
      const heeded = new Timer(clock, 1000)
      const stopFirst = heeded.subscribe(() => heard.push("first"))
      heeded.subscribe(() => heard.push("second"))
      stopFirst()
      yield* TestClock.adjust("999 millis")
      expect([unheard.expired, heeded.expired, heard]).toEqual([false, false, []])
      yield* TestClock.adjust("1 millis")
      expect([unheard.expired, heeded.expired, heard]).toEqual([true, true, ["second"]])
      unheard.subscribe(() => heard.push("late"))
      expect(heard).toEqual(["second", "late"])
    }))
})

describe("runner", () => {
  it.effect("hands the attempt its limits and a deadline, and leaves the caller's own limits as they were, on success and failure", () =>
    Effect.gen(function*() {
      const run = runner(settings(1000))
      const before = yield* FiberRef.get(TransportContract.current)
      const seen = yield* run(FiberRef.get(TransportContract.current))
      expect(seen.maxResponseBytes).toBe(1234)
      assert(seen.deadline !== undefined)
      expect(yield* FiberRef.get(TransportContract.current)).toBe(before)
      yield* Effect.flip(run(Effect.fail("boom")))
      expect(yield* FiberRef.get(TransportContract.current)).toBe(before)
      expect(yield* Effect.flip(runner(settings(Infinity))(Effect.fail("untimed failure")))).toBe("untimed failure")
      const untimed = yield* runner(settings(Infinity))(FiberRef.get(TransportContract.current))
      expect(untimed.deadline).toBeUndefined()
      expect(untimed.maxResponseBytes).toBe(1234)
      expect(yield* FiberRef.get(TransportContract.current)).toBe(before)
    }))

  it.effect("the deadline expires on the clock and tells the listeners still subscribed, once; a late subscriber hears at once", () =>
    Effect.gen(function*() {
      const run = runner(settings(1000))
      const heard: Array<string> = []
      let deadline: TransportContract.Deadline | undefined
      const fiber = yield* Effect.fork(run(Effect.gen(function*() {
        deadline = (yield* FiberRef.get(TransportContract.current)).deadline
        assert(deadline !== undefined)
        const unsubscribeFirst = deadline.subscribe(() => heard.push("first"))
        deadline.subscribe(() => heard.push("a"))
        const unsubscribe = deadline.subscribe(() => heard.push("b"))
        deadline.subscribe(() => heard.push("c"))
        unsubscribe()
        unsubscribe()
        unsubscribeFirst()
        expect(deadline.expired).toBe(false)
        return yield* Effect.never
      })))
      yield* TestClock.adjust("999 millis")
      expect(heard).toEqual([])
      yield* TestClock.adjust("1 millis")
      expect(yield* Effect.flip(Fiber.join(fiber))).toBe("timed out")
      assert(deadline !== undefined)
      expect(deadline.expired).toBe(true)
      deadline.subscribe(() => heard.push("late"))
      expect(heard).toEqual(["a", "c", "late"])
    }))

  it.effect("a listener that stops listening as it hears the deadline does not keep the next one from hearing it", () =>
    Effect.gen(function*() {
      // A transport settles when the deadline stops its request, and stops listening then: inside the deadline's
      // own round of calls. Two requests in flight in one attempt (a transformClient that races them) both hear it.
      const heard: Array<string> = []
      const fiber = yield* Effect.fork(
        runner(settings(1000))(Effect.gen(function*() {
          const { deadline } = yield* FiberRef.get(TransportContract.current)
          assert(deadline !== undefined)
          const unsubscribe = deadline.subscribe(() => {
            heard.push("first")
            unsubscribe()
          })
          deadline.subscribe(() => heard.push("second"))
          return yield* Effect.never
        }))
      )
      yield* TestClock.adjust("1 second")
      expect(yield* Effect.flip(Fiber.join(fiber))).toBe("timed out")
      expect(heard).toEqual(["first", "second"])
    }))

  it.live("on the live clock (a native timer), an attempt past its time fails with onTimeout", () =>
    Effect.gen(function*() {
      // The timer (10 ms) is due before the attempt (1 s) ends, whatever the machine's load: timers fire in order.
      const error = yield* Effect.flip(runner(settings(10))(Effect.as(Effect.sleep("1 second"), "late")))
      expect(error).toBe("timed out")
    }))

  it.live("on the live clock, the timer is native: it does not keep the process alive, and a time past 2^31 - 1 ms is kept", () =>
    Effect.gen(function*() {
      // Every timer armed while the attempt runs: its delay and whether it holds the process open.
      const realSetTimeout = globalThis.setTimeout
      const armed: Array<{ readonly millis: number | undefined; readonly handle: ReturnType<typeof setTimeout> }> = []
      const recording = (callback: () => void, millis?: number) => {
        const handle = realSetTimeout(callback, millis)
        armed.push({ millis, handle })
        return handle
      }
      const refs = (millis: number) =>
        armed.filter((timer) => timer.millis === millis).map((timer) => timer.handle.hasRef())
      const during = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            armed.length = 0
            globalThis.setTimeout = recording as unknown as typeof setTimeout
          }),
          () => effect,
          () => Effect.sync(() => void (globalThis.setTimeout = realSetTimeout))
        )
      // A one-minute limit: one timer of a minute, unref'd (a request in flight keeps the process alive itself).
      expect(yield* during(runner(settings(60_000))(Effect.sync(() => refs(60_000))))).toEqual([false])
      // Ten days past what a native timer can wait: armed for the longest it can, to be armed again when it wakes
      // (never "no timer", and never one that fires at once).
      const long = maxTimerMillis + 10 * 24 * 3_600_000
      expect(yield* during(runner(settings(long))(Effect.sync(() => refs(maxTimerMillis))))).toEqual([false])
    }))

  it.effect("a deadline stopped by the attempt's end never expires", () =>
    Effect.gen(function*() {
      const { deadline } = yield* runner(settings(1000))(FiberRef.get(TransportContract.current))
      assert(deadline !== undefined)
      const heard: Array<string> = []
      deadline.subscribe(() => heard.push("x"))
      yield* TestClock.adjust("1 hour")
      expect([deadline.expired, heard]).toEqual([false, []])
    }))

  it.effect("an attempt past its time fails with onTimeout and is interrupted; one in time is not", () =>
    Effect.gen(function*() {
      const run = runner(settings(1000))
      let interrupted = false
      const slow = run(Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => void (interrupted = true)))))
      const fiber = yield* Effect.fork(slow)
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(fiber)
      assert(Exit.isFailure(exit))
      expect(exit.cause._tag === "Fail" && exit.cause.error).toBe("timed out")
      yield* Effect.yieldNow()
      expect(interrupted).toBe(true)
      const quick = yield* Effect.fork(run(Effect.as(Effect.sleep("10 millis"), "done")))
      yield* TestClock.adjust("10 millis")
      expect(yield* Fiber.join(quick)).toBe("done")
    }))

  it.effect("an attempt that cannot be interrupted and ends after its time does not reach the caller, who has moved on", () =>
    Effect.gen(function*() {
      // The timeout resumes the caller at once; the attempt's own end, a second later, is ignored (the caller is
      // asleep by then, and wakes on its own time).
      const steps: Array<string> = []
      const fiber = yield* Effect.fork(Effect.gen(function*() {
        const attempt = Effect.uninterruptible(Effect.as(Effect.sleep("2 seconds"), "late"))
        steps.push(yield* Effect.flip(runner(settings(1000))(attempt)))
        yield* Effect.sleep("5 seconds")
        steps.push("awake")
      }))
      yield* TestClock.adjust("1 second")
      expect(steps).toEqual(["timed out"])
      yield* TestClock.adjust("1 second")
      expect(steps).toEqual(["timed out"])
      yield* TestClock.adjust("4 seconds")
      yield* Fiber.join(fiber)
      expect(steps).toEqual(["timed out", "awake"])
    }))

  it.effect("a caller interrupted while waiting takes the attempt with it", () =>
    Effect.gen(function*() {
      for (const millis of [1000, Infinity]) {
        let interrupted = false
        const fiber = yield* Effect.fork(
          runner(settings(millis))(
            Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => void (interrupted = true))))
          )
        )
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(fiber)
        yield* Effect.sleep("0 millis").pipe(Effect.zipRight(Effect.yieldNow()))
        expect(interrupted).toBe(true)
      }
    }))

  it.effect("a caller interrupted while waiting takes the attempt with it where forked fibers are not supervised", () =>
    Effect.gen(function*() {
      // Under daemonChildren, a forked fiber outlives its parent: only the runner itself can stop the attempt.
      let interrupted = false
      const fiber = yield* Effect.fork(Effect.daemonChildren(
        runner(settings(1000))(
          Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => void (interrupted = true))))
        )
      ))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(fiber)
      yield* Effect.sleep("0 millis").pipe(Effect.zipRight(Effect.yieldNow()))
      expect(interrupted).toBe(true)
    }))
})
