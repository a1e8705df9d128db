/**
 * The consuming guide's examples, against the emulator over real HTTP; polls run on the TestClock.
 */
import { Checkpoint } from "@effect-exa/client"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { KeyValueStore } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { consumer } from "../examples/consuming.js"
import { untilIdle } from "../examples/waiting.js"
import { recording } from "./console.js"

// Moves the clock a step at a time (a poll, by default) until `done` holds; after each step the clock stands still
// until the consumer waits on it again, so a slow machine makes the test slower, never different.
const until = (done: () => boolean, step: Duration.DurationInput = "5 seconds") =>
  Effect.gen(function*() {
    for (let i = 0; i < 400 && !done(); i++) {
      yield* TestClock.adjust(step)
      for (let j = 0; j < 6000 && !done() && Chunk.isEmpty(yield* TestClock.sleeps()); j++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
    }
    assert(done(), "gave up waiting")
  })

const layer = Layer.mergeAll(
  ExaApiServer.layerClient({}),
  Checkpoint.layerKeyValueStore().pipe(Layer.provide(KeyValueStore.layerMemory))
)

describe("docs: consuming events", () => {
  it.scoped("the consumer handles new events and resumes after a restart without handling any twice", () =>
    Effect.gen(function*() {
      const start = Date.parse("2026-11-30T12:00:00Z")
      yield* TestClock.setTime(start)
      const at = (s: number) => new Date(start + s * 1000).toISOString()
      const { lines, withConsole } = recording()
      const api = yield* ExaApi.ExaApi
      const first = yield* Effect.fork(withConsole(consumer))
      yield* api.addEvents([
        Fixtures.make("webset.item.enriched", { id: "ev_1", createdAt: at(1), data: { id: "witem_1" } }),
        Fixtures.make("monitor.created", { id: "ev_2", createdAt: at(2) })
      ])
      yield* until(() => lines.length >= 1)
      yield* Fiber.interrupt(first)
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_3", createdAt: at(3), data: { id: "webset_1" } })])
      const second = yield* Effect.fork(withConsole(consumer))
      yield* until(() => lines.length >= 2)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.interrupt(second)
      expect(lines).toEqual(["store item witem_1", "webset webset_1 is idle: tell the team"])
    }).pipe(Effect.provide(layer)))

  it.scoped("untilIdle waits for the webset's idle event, or says it is still running", () =>
    Effect.gen(function*() {
      const start = Date.parse("2026-11-30T12:00:00Z")
      yield* TestClock.setTime(start)
      const api = yield* ExaApi.ExaApi
      const waiting = yield* Effect.fork(untilIdle("webset_1"))
      yield* api.addEvents([
        Fixtures.make("webset.idle", {
          id: "ev_idle",
          createdAt: new Date(start + 60_000).toISOString(),
          data: { id: "webset_1" }
        })
      ])
      yield* until(() => waiting.unsafePoll() !== null)
      expect(yield* Fiber.join(waiting)).toBe("webset webset_1 went idle at 2026-11-30T12:01:00.000Z")
      const stillRunning = yield* Effect.fork(untilIdle("webset_2"))
      // Half an hour of polls over loopback (360), five minutes of the clock a step: fewer settling pauses.
      yield* until(() => stillRunning.unsafePoll() !== null, "5 minutes")
      expect(yield* Fiber.join(stillRunning)).toBe("webset webset_2 is still running after 30 minutes")
    }).pipe(Effect.provide(layer)), 120_000) // 8 s on a quiet machine, past 30 s on a busy one
})
