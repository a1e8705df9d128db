/**
 * Where a consumer of events is: the `Checkpoint` service stores a tail's position under a name, in memory, in files
 * on disk written so that a crash at any moment leaves a readable position, or in any `effect/persistence`
 * `KeyValueStore` a user plugs in, so a consumer restarted after a crash resumes where it left off.
 *
 * @since 1.0.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as PlatformError from "effect/PlatformError"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"
import * as Errors from "./Errors.js"
import * as AtomicFile from "./internal/atomicFile.js"
import * as NodeFs from "./internal/nodeFs.js"

/**
 * A tail's position (epoch milliseconds): where it started (`from`: nothing created before is handled), how far it
 * has read (`time`: the newest `createdAt` it has handled, never past its clock, and at least a lookback before its
 * last whole poll), and the ids it has handled at or after `time` minus the lookback, each with its `createdAt`
 * (events there may still show up late, and must not be handled twice).
 *
 * @since 1.0.0
 * @category models
 */
export interface Position {
  readonly from: number
  readonly time: number
  readonly seen: ReadonlyArray<readonly [id: string, createdAt: number]>
}

// Whole epoch milliseconds that a `DateTime` can hold (±8.64e15): anything else in a file is damage, not a position.
const Millis = Schema.Number.check(
  Schema.makeFilter((n: number) =>
    (Number.isSafeInteger(n) && Math.abs(n) <= 8.64e15) ||
    `expected whole epoch milliseconds within DateTime's range (±8.64e15), got ${n}`
  )
)
const Seen = Schema.Array(Schema.Tuple([Schema.String, Millis]))

/**
 * The JSON form of a position, version 1. Every number is whole epoch milliseconds within `DateTime`'s range.
 *
 * @since 1.0.0
 * @category schemas
 */
export const Position: Schema.Codec<
  Position,
  {
    readonly v: 1
    readonly from: number
    readonly time: number
    readonly seen: ReadonlyArray<readonly [string, number]>
  }
> = Schema.Struct({ v: Schema.Literal(1), from: Millis, time: Millis, seen: Seen }).pipe(
  Schema.decodeTo(
    Schema.Struct({ from: Millis, time: Millis, seen: Seen }),
    SchemaTransformation.transform({
      decode: ({ from, seen, time }) => ({ from, time, seen }),
      encode: ({ from, seen, time }) => ({ v: 1 as const, from, time, seen })
    })
  )
)

/**
 * A stored position that cannot be read (written by something else, or damaged).
 *
 * @since 1.0.0
 * @category errors
 */
export class CheckpointUnreadable
  extends Schema.TaggedError<CheckpointUnreadable>("@effect-exa/client/CheckpointUnreadable")(
    "CheckpointUnreadable",
    { name: Schema.String, reason: Schema.String }
  )
{
  override get message(): string {
    return `The checkpoint ${JSON.stringify(this.name)} cannot be read: ${this.reason}`
  }
}

/**
 * The store of positions.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  readonly get: (
    name: string
  ) => Effect.Effect<Option.Option<Position>, CheckpointUnreadable | PlatformError.PlatformError>
  /** Stores the position whole. A position that is not one (see `Position`) is a `BadArgument`, nothing written. */
  readonly set: (name: string, position: Position) => Effect.Effect<void, PlatformError.PlatformError>
}

/**
 * The `Checkpoint` service tag.
 *
 * @since 1.0.0
 * @category tags
 */
export class Checkpoint extends Context.Service<Checkpoint, Service>()("@effect-exa/client/Checkpoint") {}

/**
 * Positions in memory, for the life of the layer (tests, or a consumer that may start over).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Checkpoint> = Layer.sync(Checkpoint, () => {
  const positions = new Map<string, Position>()
  return Checkpoint.of({
    get: (name) => Effect.sync(() => Option.fromUndefinedOr(positions.get(name))),
    set: (name, position) => Effect.map(encode(name, position), () => void positions.set(name, position))
  })
})

const decodePosition = Schema.decodeUnknownResult(Position)
const encodePosition = Schema.encodeResult(Position)

// The first problem a parse found, where it is: "time: expected whole epoch milliseconds …" (Effect 4's message is
// the problem, then `at ["seen"][0][1]` on a line of its own: written as `seen.0.1: …`, as the Effect 3 line did).
const firstIssue = (error: Schema.SchemaError): string => {
  const message = error.message
  const at = /\n\s*at ((?:\[[^\]]*\])+)\s*$/.exec(message)
  if (at === null) return message.length === 0 ? "it is not a position" : message
  const path = Array.from(at[1]!.matchAll(/\[("(?:[^"\\]|\\.)*"|[^\]]*)\]/g), (m) => {
    const key = m[1]!
    return key.startsWith("\"") ? String(JSON.parse(key)) : key
  })
  return `${path.join(".")}: ${message.slice(0, at.index)}`
}

/** A stored value (the parsed JSON) as a position, or why it is not one. */
const positionOf = (name: string, value: unknown, where: string): Effect.Effect<Position, CheckpointUnreadable> => {
  const decoded = decodePosition(value)
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(
      new CheckpointUnreadable({
        name,
        reason: `${where} is not a position this version wrote (${firstIssue(decoded.failure)})`
      })
    )
}

/** The largest checkpoint file read (a position holds the ids of its lookback window: a few MiB at most). */
const maxFileBytes = 64 * 1024 * 1024

/** A checkpoint file's text; one too large to be a checkpoint is `CheckpointUnreadable`, as a malformed one is. */
const readFile = (fs: NodeFs.Fs, file: string, name: string) =>
  AtomicFile.readIfExists(fs, file, maxFileBytes).pipe(
    Effect.catchIf(
      (error) => AtomicFile.isReason(error, "InvalidData"),
      (error) =>
        Effect.fail(new CheckpointUnreadable({ name, reason: error.reason.description ?? `${file} is too large` }))
    )
  )

const parseJson = (text: string): Result.Result<unknown, string> => {
  try {
    return Result.succeed(JSON.parse(text))
  } catch {
    return Result.fail("is not JSON")
  }
}

/** The JSON value of a position; a position that is not one is a `BadArgument` (never a thrown exception). */
const encode = (name: string, position: Position): Effect.Effect<unknown, PlatformError.PlatformError> => {
  const encoded = encodePosition(position)
  return Result.isSuccess(encoded)
    ? Effect.succeed(encoded.success)
    : Effect.fail(
      PlatformError.badArgument({
        module: "KeyValueStore",
        method: "set",
        description: `the position for ${JSON.stringify(name)} is not one: ${firstIssue(encoded.failure)}`
      })
    )
}

// A failure of the key-value store as the service's error (Effect 4's stores fail with their own error).
const storeFailure = (method: string) => (error: KeyValueStore.KeyValueStoreError): PlatformError.PlatformError =>
  PlatformError.systemError({
    _tag: "Unknown",
    module: "KeyValueStore",
    method,
    description: error.message,
    cause: error
  })

/**
 * Positions in the `KeyValueStore` in context, as JSON under `prefix` + name (default prefix
 * `effect-exa/checkpoint/`), for a store of your own (Redis, a database). It is only as safe as the store: for files
 * on disk use `layerFileSystem`, not `KeyValueStore.layerFileSystem` (which writes in place: a crash mid-write leaves
 * a file that cannot be read). A failure of the store is a `PlatformError` (`Unknown`, its message, the store's
 * error as the cause).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerKeyValueStore = (
  options: { readonly prefix?: string | undefined } = {}
): Layer.Layer<Checkpoint, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(
    Checkpoint,
    Effect.map(Effect.service(KeyValueStore.KeyValueStore), (store) => {
      const prefix = options.prefix ?? "effect-exa/checkpoint/"
      return Checkpoint.of({
        get: (name) =>
          Effect.flatMap(Effect.mapError(store.get(prefix + name), storeFailure("get")), (stored) => {
            if (stored === undefined) return Effect.succeedNone
            const parsed = parseJson(stored)
            if (Result.isFailure(parsed)) {
              return Effect.fail(new CheckpointUnreadable({ name, reason: `the stored value ${parsed.failure}` }))
            }
            return Effect.asSome(positionOf(name, parsed.success, "the stored value"))
          }),
        set: (name, position) =>
          Effect.flatMap(
            encode(name, position),
            (json) => Effect.mapError(store.set(prefix + name, JSON.stringify(json)), storeFailure("set"))
          )
      })
    })
  )

const invalid = (reason: string) => new Errors.InvalidRequest({ reason })

const badName = (name: string, method: string) =>
  PlatformError.badArgument({
    module: "KeyValueStore",
    method,
    description: `the checkpoint name ${JSON.stringify(name.slice(0, 60))} is empty or too long to be a file name`
  })

/**
 * Positions on disk, one JSON file per name in `directory` (created if missing; the name's letters, digits, `_` and
 * `-` as they are, other bytes as `%XX`, then `.json`). Each write goes to a temporary file with an unguessable
 * name, created exclusively, `fsync`ed, then renamed over the old one (and the directory `fsync`ed): killed at any
 * moment, the store holds the previous position or the new one, and a reader never sees half a file. Consumers under
 * different names share a directory safely; two processes consuming under one name are two replicas, which this
 * store does not coordinate (each overwrites the other's position: use a database with a lease for that). Files go
 * through the runtime's `node:fs` (Node, Bun, Deno); where there is none, the layer fails with a `BadArgument`.
 *
 * @example
 * ```ts
 * import { Checkpoint } from "@effect-exa/client"
 *
 * // Files through the runtime's node:fs (Node, Bun, Deno): no FileSystem layer needed.
 * const Checkpoints = Checkpoint.layerFileSystem(".checkpoints")
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerFileSystem = (
  directory: string
): Layer.Layer<Checkpoint, Errors.InvalidRequest | PlatformError.PlatformError> =>
  Layer.effect(
    Checkpoint,
    Effect.gen(function*() {
      if (typeof directory !== "string" || directory.length === 0) {
        return yield* invalid("the checkpoint directory must be a non-empty path")
      }
      const fs = yield* NodeFs.make("Checkpoint.layerFileSystem")
      yield* fs.makeDirectory(directory, { recursive: true })
      const fileOf = (name: string, method: string) =>
        Option.match(AtomicFile.fileNameOf(typeof name === "string" ? name : ""), {
          onNone: () => Effect.fail(badName(String(name), method)),
          onSome: (file) => Effect.succeed(AtomicFile.join(directory, `${file}.json`))
        })
      return Checkpoint.of({
        get: (name) =>
          Effect.gen(function*() {
            const file = yield* fileOf(name, "get")
            const text = yield* readFile(fs, file, name)
            if (Option.isNone(text)) return Option.none()
            const parsed = parseJson(text.value)
            if (Result.isFailure(parsed)) {
              return yield* new CheckpointUnreadable({ name, reason: `${file} ${parsed.failure}` })
            }
            return Option.some(yield* positionOf(name, parsed.success, file))
          }),
        set: (name, position) =>
          Effect.gen(function*() {
            const file = yield* fileOf(name, "set")
            const json = yield* encode(name, position)
            yield* AtomicFile.replace(fs, file, `${JSON.stringify(json)}\n`)
          })
      })
    })
  )

/**
 * Positions of several names in one JSON file, `{ "<name>": <position>, … }` (the command line's `--checkpoint
 * FILE`): each write takes a short exclusive lock (`<file>.lock`; one left by a crashed process is taken over at once
 * when that process is gone and ran in this pid namespace, else after 10 seconds), re-reads the file, changes its own name only and replaces the file whole as `layerFileSystem` does.
 * So consumers under different names sharing the file never lose each other's positions, and a reader never sees
 * half a file. The directory must exist. Files go through the runtime's `node:fs`, as with `layerFileSystem`.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerFile = (
  file: string
): Layer.Layer<Checkpoint, Errors.InvalidRequest | PlatformError.PlatformError> =>
  Layer.effect(
    Checkpoint,
    Effect.gen(function*() {
      if (typeof file !== "string" || file.length === 0) {
        return yield* invalid("the checkpoint file must be a non-empty path")
      }
      const fs = yield* NodeFs.make("Checkpoint.layerFile")
      const unreadable = (name: string, reason: string) =>
        new CheckpointUnreadable({ name, reason: `${file} ${reason}` })
      const load = (name: string) =>
        Effect.gen(function*() {
          const text = yield* readFile(fs, file, name)
          if (Option.isNone(text)) return {}
          const parsed = parseJson(text.value)
          if (Result.isFailure(parsed)) return yield* unreadable(name, parsed.failure)
          const value = parsed.success
          if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return yield* unreadable(name, "is not a JSON object of positions")
          }
          return value as Record<string, unknown>
        })
      return Checkpoint.of({
        get: (name) =>
          Effect.gen(function*() {
            const all = yield* load(name)
            if (!Object.hasOwn(all, name)) return Option.none()
            // Files written before 0.3.0 held each position as a JSON string.
            let value = all[name]
            if (typeof value === "string") {
              const parsed = parseJson(value)
              if (Result.isFailure(parsed)) {
                return yield* unreadable(name, `holds a position for ${JSON.stringify(name)} that ${parsed.failure}`)
              }
              value = parsed.success
            }
            return Option.some(yield* positionOf(name, value, file))
          }),
        set: (name, position) =>
          Effect.gen(function*() {
            const json = yield* encode(name, position)
            yield* AtomicFile.withLock(
              fs,
              `${file}.lock`,
              Effect.gen(function*() {
                // Never replace a file we cannot read: it may hold other consumers' positions.
                const all = yield* load(name).pipe(Effect.catchTag("CheckpointUnreadable", (error) =>
                  Effect.fail(PlatformError.systemError({
                    _tag: "InvalidData",
                    module: "KeyValueStore",
                    method: "set",
                    pathOrDescriptor: file,
                    description: error.reason
                  }))))
                yield* AtomicFile.replace(fs, file, `${JSON.stringify({ ...all, [name]: json }, null, 2)}\n`)
              })
            )
          })
      })
    })
  )
