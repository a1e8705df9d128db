/**
 * Waiting in real time for what a loopback test cannot step through (a request reaching the server, a connection
 * closing): checks every 50 ms and gives up after 25 s (within a test's budget, so the reason shows) saying what it
 * waited for (and what `explain` adds); never asserts how long it took.
 */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"

export const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, what: string, explain: () => string = () => "") =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* check) return
      yield* Effect.sleep("50 millis")
    }
    assert.fail(`gave up waiting for ${what}${explain()}`)
  })
