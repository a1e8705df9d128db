/**
 * Positions as stored: what a damaged or foreign store holds is `CheckpointUnreadable` with a clear reason (never a
 * defect later on), and a position that is not one is never written. The on-disk layers are tested with real
 * processes in packages/cli/test/fileStores.test.ts.
 */
import { Checkpoint } from "@effect-exa/client"
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Path from "@effect/platform/Path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

const layer = Checkpoint.layerKeyValueStore().pipe(Layer.provideMerge(KeyValueStore.layerMemory))

const stored = (value: unknown) =>
  Effect.gen(function*() {
    const store = yield* KeyValueStore.KeyValueStore
    yield* store.set("effect-exa/checkpoint/c", typeof value === "string" ? value : JSON.stringify(value))
    return yield* Effect.either((yield* Checkpoint.Checkpoint).get("c"))
  })

describe("Checkpoint.Position", () => {
  it.effect("numbers out of DateTime's range, not whole, or not safe integers are CheckpointUnreadable, with where and why", () =>
    Effect.gen(function*() {
      const ok = { v: 1, from: 1_700_000_000_000, time: 1_700_000_000_500, seen: [["ev_1", 1_700_000_000_400]] }
      for (
        const [value, where] of [
          [{ ...ok, time: 1e300 }, "time"],
          [{ ...ok, from: -1e300 }, "from"],
          [{ ...ok, time: 1.5 }, "time"],
          [{ ...ok, time: 8.64e15 + 1 }, "time"],
          [{ ...ok, from: -8.64e15 - 1 }, "from"],
          [{ ...ok, time: 2 ** 53 }, "time"],
          [{ ...ok, seen: [["ev_1", 1e300]] }, "seen.0.1"],
          [{ ...ok, seen: [["ev_1", -0.5]] }, "seen.0.1"],
          [{ ...ok, time: "1" }, "time"]
        ] as const
      ) {
        const result = yield* stored(value)
        expect(result._tag, JSON.stringify(value)).toBe("Left")
        const error = (result as { left: Checkpoint.CheckpointUnreadable }).left
        expect(error._tag).toBe("CheckpointUnreadable")
        expect(error.reason).toContain(where)
      }
      expect(yield* stored("{not json")).toMatchObject({
        left: { _tag: "CheckpointUnreadable", reason: "the stored value is not JSON" }
      })
      // The range's edges, negative times and a time before `from` are positions.
      for (const value of [{ ...ok, from: -8.64e15, time: 8.64e15 }, { ...ok, from: 10, time: 5, seen: [] }]) {
        expect((yield* stored(value))._tag).toBe("Right")
      }
    }).pipe(Effect.provide(layer)))

  it.effect("a position that is not one is never written: BadArgument, in memory and in a key-value store", () =>
    Effect.gen(function*() {
      for (const store of [Checkpoint.layerMemory, layer]) {
        const error = yield* Effect.flip(
          Effect.flatMap(Checkpoint.Checkpoint, (c) => c.set("c", { from: 0, time: Number.NaN, seen: [] })).pipe(
            Effect.provide(store)
          )
        )
        expect(error).toMatchObject({ _tag: "BadArgument" })
        expect(error.message).toContain("time")
      }
      const kv = yield* KeyValueStore.KeyValueStore
      expect(yield* kv.get("effect-exa/checkpoint/c")).toEqual(Option.none())
    }).pipe(Effect.provide(layer)))

  it.effect("an on-disk layer given no path fails with InvalidRequest", () =>
    Effect.gen(function*() {
      const noFiles = Layer.merge(FileSystem.layerNoop({}), Path.layer)
      for (const bad of ["", 7, null]) {
        expect(
          (yield* Effect.flip(Layer.build(Checkpoint.layerFileSystem(bad as any).pipe(Layer.provide(noFiles)))))._tag
        ).toBe("InvalidRequest")
        expect((yield* Effect.flip(Layer.build(Checkpoint.layerFile(bad as any).pipe(Layer.provide(noFiles)))))._tag)
          .toBe("InvalidRequest")
      }
    }).pipe(Effect.scoped))
})
