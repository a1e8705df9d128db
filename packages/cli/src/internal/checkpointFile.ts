/**
 * `--checkpoint FILE`: the positions of `tail` and `listen` in one small JSON file (`{ name: position }`), so that
 * a command started again resumes where it stopped. Each write goes to a temporary file renamed over the old one:
 * a crash mid-write leaves the previous position, never half a file.
 *
 * @internal
 */
import * as Checkpoint from "@effect-exa/client/Checkpoint"
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

const unreadable = (path: string, description: string) =>
  new PlatformError.SystemError({
    reason: "InvalidData",
    module: "KeyValueStore",
    method: "get",
    pathOrDescriptor: path,
    description: `${path} is not a checkpoint file: ${description}`
  })

/** A `KeyValueStore` kept in one JSON file. */
export const store = (path: string): Layer.Layer<KeyValueStore.KeyValueStore, never, FileSystem.FileSystem> =>
  Layer.effect(
    KeyValueStore.KeyValueStore,
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      let cache: Map<string, string> | undefined
      const load = Effect.gen(function*() {
        if (cache !== undefined) return cache
        const exists = yield* fs.exists(path)
        const entries = new Map<string, string>()
        if (exists) {
          const text = yield* fs.readFileString(path)
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            return yield* Effect.fail(unreadable(path, "not JSON"))
          }
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return yield* Effect.fail(unreadable(path, "not a JSON object"))
          }
          for (const [key, value] of Object.entries(parsed)) {
            if (typeof value === "string") entries.set(key, value)
          }
        }
        cache = entries
        return entries
      })
      const save = (entries: Map<string, string>) =>
        Effect.gen(function*() {
          const temporary = `${path}.${process.pid}.tmp`
          yield* fs.writeFileString(temporary, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`)
          yield* fs.rename(temporary, path)
        })
      return KeyValueStore.makeStringOnly({
        get: (key) => Effect.map(load, (entries) => Option.fromNullable(entries.get(key))),
        set: (key, value) =>
          Effect.flatMap(load, (entries) => {
            entries.set(key, value)
            return save(entries)
          }),
        remove: (key) => Effect.flatMap(load, (entries) => entries.delete(key) ? save(entries) : Effect.void),
        clear: Effect.flatMap(load, (entries) => {
          entries.clear()
          return save(entries)
        }),
        size: Effect.map(load, (entries) => entries.size)
      })
    })
  )

/** The `Checkpoint` for `--checkpoint`: in the file when one is given, else in memory. */
export const layer = (
  path: Option.Option<string>
): Layer.Layer<Checkpoint.Checkpoint, never, FileSystem.FileSystem> =>
  Option.match(path, {
    onNone: () => Checkpoint.layerMemory,
    onSome: (file) => Checkpoint.layerKeyValueStore({ prefix: "" }).pipe(Layer.provide(store(file)))
  })
