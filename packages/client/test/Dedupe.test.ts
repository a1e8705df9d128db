import { Dedupe } from "@effect-exa/client"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

const layers = {
  memory: Dedupe.layerMemory({ window: "1 hour" }),
  "key-value store": Dedupe.layerKeyValueStore({ window: "1 hour" }).pipe(Layer.provide(KeyValueStore.layerMemory))
}

for (const [name, layer] of Object.entries(layers)) {
  describe(`Dedupe (${name})`, () => {
    it.effect("remembers an id for the window, then forgets it", () =>
      Effect.gen(function*() {
        const dedupe = yield* Dedupe.Dedupe
        expect(yield* dedupe.has("ev_1")).toBe(false)
        yield* dedupe.add("ev_1")
        expect(yield* dedupe.has("ev_1")).toBe(true)
        expect(yield* dedupe.has("ev_2")).toBe(false)
        yield* TestClock.adjust("59 minutes")
        expect(yield* dedupe.has("ev_1")).toBe(true)
        yield* TestClock.adjust("1 minute")
        expect(yield* dedupe.has("ev_1")).toBe(false)
      }).pipe(Effect.provide(layer)))

    it.effect("once runs an effect for a new id, records it only when it succeeded, and skips it after", () =>
      Effect.gen(function*() {
        let runs = 0
        const work = (fail: boolean) => Effect.suspend(() => (runs++, fail ? Effect.fail("boom" as const) : Effect.succeed(runs)))
        expect(yield* Effect.flip(Dedupe.once("ev_1", work(true)))).toBe("boom")
        expect(yield* Dedupe.once("ev_1", work(false))).toEqual(Option.some(2))
        expect(yield* Dedupe.once("ev_1", work(false))).toEqual(Option.none())
        expect(runs).toBe(2)
      }).pipe(Effect.provide(layer)))
  })
}

describe("Dedupe", () => {
  it.effect("without a Dedupe in context, once always runs", () =>
    Effect.gen(function*() {
      let runs = 0
      const work = Effect.sync(() => ++runs)
      expect(yield* Dedupe.once("ev_1", work)).toEqual(Option.some(1))
      expect(yield* Dedupe.once("ev_1", work)).toEqual(Option.some(2))
    }))

  it.effect("in memory, at most maxEntries ids are kept, the oldest going first", () =>
    Effect.gen(function*() {
      const dedupe = yield* Dedupe.Dedupe
      for (const id of ["a", "b", "c"]) yield* dedupe.add(id)
      expect([yield* dedupe.has("a"), yield* dedupe.has("b"), yield* dedupe.has("c")]).toEqual([false, true, true])
      // Adding an id again makes it the newest.
      yield* dedupe.add("b")
      yield* dedupe.add("d")
      expect([yield* dedupe.has("b"), yield* dedupe.has("c"), yield* dedupe.has("d")]).toEqual([true, false, true])
    }).pipe(Effect.provide(Dedupe.layerMemory({ maxEntries: 2 }))))

  it.effect("in a key-value store, one key per id under the prefix, holding its expiry; a garbled one counts as absent", () =>
    Effect.gen(function*() {
      const store = yield* KeyValueStore.KeyValueStore
      const dedupe = yield* Dedupe.Dedupe
      yield* dedupe.add("ev_1")
      expect(yield* store.get("seen/ev_1")).toEqual(Option.some(String(7 * 24 * 3600 * 1000)))
      yield* store.set("seen/ev_2", "garbage")
      expect(yield* dedupe.has("ev_2")).toBe(false)
      expect(yield* store.has("seen/ev_2")).toBe(false)
    }).pipe(
      Effect.provide(Dedupe.layerKeyValueStore({ prefix: "seen/" }).pipe(Layer.provideMerge(KeyValueStore.layerMemory)))
    ))
})
