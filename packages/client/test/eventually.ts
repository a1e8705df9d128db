/**
 * Waiting in real time for something tests on real parts (a database, processes) cannot step through: checks every
 * 50 ms, gives up after 60 s with what it waited for (and what `explain` says), never asserts how long it took.
 */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"

export const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, what: string, explain: () => string = () => "") =>
  Effect.gen(function*() {
    for (let i = 0; i < 1200; i++) {
      if (yield* check) return
      yield* Effect.sleep("50 millis")
    }
    assert.fail(`gave up waiting for ${what}${explain()}`)
  })
