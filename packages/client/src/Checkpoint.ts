/**
 * Where a consumer of events is: the `Checkpoint` service stores a tail's position under a name, in memory or in
 * any `@effect/platform` `KeyValueStore` (a file on disk, or a store a user plugs in), so a consumer restarted
 * after a crash resumes where it left off.
 *
 * @since 0.2.0
 */
import type * as PlatformError from "@effect/platform/Error"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * A tail's position (epoch milliseconds): where it started (`from`: nothing created before is handled), the newest
 * `createdAt` it has handled (`time`), and the ids it has handled at or after `time` minus the lookback, each with
 * its `createdAt` (events there may still show up late, and must not be handled twice).
 *
 * @since 0.2.0
 * @category models
 */
export interface Position {
  readonly from: number
  readonly time: number
  readonly seen: ReadonlyArray<readonly [id: string, createdAt: number]>
}

/**
 * The JSON form of a position, version 1.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Position: Schema.Schema<
  Position,
  {
    readonly v: 1
    readonly from: number
    readonly time: number
    readonly seen: ReadonlyArray<readonly [string, number]>
  }
> = Schema.transform(
  Schema.Struct({
    v: Schema.Literal(1),
    from: Schema.Number,
    time: Schema.Number,
    seen: Schema.Array(Schema.Tuple(Schema.String, Schema.Number))
  }),
  Schema.Struct({ from: Schema.Number, time: Schema.Number, seen: Schema.Array(Schema.Tuple(Schema.String, Schema.Number)) }),
  {
    strict: true,
    decode: ({ from, seen, time }) => ({ from, time, seen }),
    encode: ({ from, seen, time }) => ({ v: 1 as const, from, time, seen })
  }
)

/**
 * A stored position that cannot be read (written by something else, or damaged).
 *
 * @since 0.2.0
 * @category errors
 */
export class CheckpointUnreadable extends Schema.TaggedError<CheckpointUnreadable>("@effect-exa/client/CheckpointUnreadable")(
  "CheckpointUnreadable",
  { name: Schema.String, reason: Schema.String }
) {
  override get message(): string {
    return `The checkpoint ${JSON.stringify(this.name)} cannot be read: ${this.reason}`
  }
}

/**
 * The store of positions.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly get: (name: string) => Effect.Effect<Option.Option<Position>, CheckpointUnreadable | PlatformError.PlatformError>
  readonly set: (name: string, position: Position) => Effect.Effect<void, PlatformError.PlatformError>
}

/**
 * The `Checkpoint` service tag.
 *
 * @since 0.2.0
 * @category tags
 */
export class Checkpoint extends Context.Tag("@effect-exa/client/Checkpoint")<Checkpoint, Service>() {}

/**
 * Positions in memory, for the life of the layer (tests, or a consumer that may start over).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Checkpoint> = Layer.sync(Checkpoint, () => {
  const positions = new Map<string, Position>()
  return Checkpoint.of({
    get: (name) => Effect.sync(() => Option.fromNullable(positions.get(name))),
    set: (name, position) => Effect.sync(() => void positions.set(name, position))
  })
})

const json = Schema.parseJson(Position)
const decode = Schema.decodeUnknownEither(json)
const encode = Schema.encodeSync(json)

/**
 * Positions in the `KeyValueStore` in context, as JSON under `prefix` + name (default prefix
 * `effect-exa/checkpoint/`). With `KeyValueStore.layerFileSystem(directory)` from `@effect/platform` (and a
 * platform's `FileSystem`), a consumer survives restarts.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerKeyValueStore = (
  options: { readonly prefix?: string | undefined } = {}
): Layer.Layer<Checkpoint, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(
    Checkpoint,
    Effect.map(KeyValueStore.KeyValueStore, (store) => {
      const prefix = options.prefix ?? "effect-exa/checkpoint/"
      return Checkpoint.of({
        get: (name) =>
          Effect.flatMap(store.get(prefix + name), (stored) => {
            if (Option.isNone(stored)) return Effect.succeedNone
            const decoded = decode(stored.value)
            return decoded._tag === "Right"
              ? Effect.succeedSome(decoded.right)
              : Effect.fail(new CheckpointUnreadable({ name, reason: "it is not a position this version wrote" }))
          }),
        set: (name, position) => store.set(prefix + name, encode(position))
      })
    })
  )
