/**
 * Where a consumer of events is: the `Checkpoint` service stores a tail's position under a name, in memory, in files
 * on disk written so that a crash at any moment leaves a readable position, or in any `@effect/platform`
 * `KeyValueStore` a user plugs in, so a consumer restarted after a crash resumes where it left off.
 *
 * @since 0.2.0
 */
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Path from "@effect/platform/Path"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Errors from "./Errors.js"
import * as AtomicFile from "./internal/atomicFile.js"

/**
 * A tail's position (epoch milliseconds): where it started (`from`: nothing created before is handled), how far it
 * has read (`time`: the newest `createdAt` it has handled, never past its clock, and at least a lookback before its
 * last whole poll), and the ids it has handled at or after `time` minus the lookback, each with its `createdAt`
 * (events there may still show up late, and must not be handled twice).
 *
 * @since 0.2.0
 * @category models
 */
export interface Position {
  readonly from: number
  readonly time: number
  readonly seen: ReadonlyArray<readonly [id: string, createdAt: number]>
}

// Whole epoch milliseconds that a `DateTime` can hold (±8.64e15): anything else in a file is damage, not a position.
const Millis = Schema.Number.pipe(
  Schema.filter((n) =>
    (Number.isSafeInteger(n) && Math.abs(n) <= 8.64e15) ||
    `expected whole epoch milliseconds within DateTime's range (±8.64e15), got ${n}`
  )
)

/**
 * The JSON form of a position, version 1. Every number is whole epoch milliseconds within `DateTime`'s range.
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
    from: Millis,
    time: Millis,
    seen: Schema.Array(Schema.Tuple(Schema.String, Millis))
  }),
  Schema.Struct({ from: Millis, time: Millis, seen: Schema.Array(Schema.Tuple(Schema.String, Millis)) }),
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
 * @since 0.2.0
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
    set: (name, position) => Effect.map(encode(name, position), () => void positions.set(name, position))
  })
})

const decodePosition = Schema.decodeUnknownEither(Position)
const encodePosition = Schema.encodeEither(Position)

// The first problem a parse found, where it is: "time: expected whole epoch milliseconds …".
const firstIssue = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) return "it is not a position"
  return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
}

/** A stored value (the parsed JSON) as a position, or why it is not one. */
const positionOf = (name: string, value: unknown, where: string): Effect.Effect<Position, CheckpointUnreadable> => {
  const decoded = decodePosition(value)
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.fail(
      new CheckpointUnreadable({
        name,
        reason: `${where} is not a position this version wrote (${firstIssue(decoded.left)})`
      })
    )
}

/** The largest checkpoint file read (a position holds the ids of its lookback window: a few MiB at most). */
const maxFileBytes = 64 * 1024 * 1024

/** A checkpoint file's text; one too large to be a checkpoint is `CheckpointUnreadable`, as a malformed one is. */
const readFile = (fs: FileSystem.FileSystem, file: string, name: string) =>
  AtomicFile.readIfExists(fs, file, maxFileBytes).pipe(
    Effect.catchIf(
      (error) => AtomicFile.isReason(error, "InvalidData"),
      (error) => Effect.fail(new CheckpointUnreadable({ name, reason: error.description ?? `${file} is too large` }))
    )
  )

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return Either.left("is not JSON")
  }
}

/** The JSON value of a position; a position that is not one is a `BadArgument` (never a thrown exception). */
const encode = (name: string, position: Position): Effect.Effect<unknown, PlatformError.PlatformError> => {
  const encoded = encodePosition(position)
  return Either.isRight(encoded)
    ? Effect.succeed(encoded.right)
    : Effect.fail(
      new PlatformError.BadArgument({
        module: "KeyValueStore",
        method: "set",
        description: `the position for ${JSON.stringify(name)} is not one: ${firstIssue(encoded.left)}`
      })
    )
}

/**
 * Positions in the `KeyValueStore` in context, as JSON under `prefix` + name (default prefix
 * `effect-exa/checkpoint/`), for a store of your own (Redis, a database). It is only as safe as the store: for files
 * on disk use `layerFileSystem`, not `KeyValueStore.layerFileSystem` (which writes in place: a crash mid-write leaves
 * a file that cannot be read).
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
            const parsed = parseJson(stored.value)
            if (Either.isLeft(parsed)) {
              return new CheckpointUnreadable({ name, reason: `the stored value ${parsed.left}` })
            }
            return Effect.asSome(positionOf(name, parsed.right, "the stored value"))
          }),
        set: (name, position) =>
          Effect.flatMap(encode(name, position), (json) => store.set(prefix + name, JSON.stringify(json)))
      })
    })
  )

const invalid = (reason: string) => new Errors.InvalidRequest({ reason })

const badName = (name: string, method: string) =>
  new PlatformError.BadArgument({
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
 * store does not coordinate (each overwrites the other's position: use a database with a lease for that).
 *
 * @example
 * ```ts
 * import { Checkpoint } from "@effect-exa/client"
 *
 * // Needs a FileSystem and a Path, e.g. NodeContext.layer from @effect/platform-node.
 * const Checkpoints = Checkpoint.layerFileSystem(".checkpoints")
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layerFileSystem = (
  directory: string
): Layer.Layer<Checkpoint, Errors.InvalidRequest | PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(
    Checkpoint,
    Effect.gen(function*() {
      if (typeof directory !== "string" || directory.length === 0) {
        return yield* invalid("the checkpoint directory must be a non-empty path")
      }
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      yield* fs.makeDirectory(directory, { recursive: true })
      const fileOf = (name: string, method: string) =>
        Option.match(AtomicFile.fileNameOf(typeof name === "string" ? name : ""), {
          onNone: () => Effect.fail(badName(String(name), method)),
          onSome: (file) => Effect.succeed(path.join(directory, `${file}.json`))
        })
      return Checkpoint.of({
        get: (name) =>
          Effect.gen(function*() {
            const file = yield* fileOf(name, "get")
            const text = yield* readFile(fs, file, name)
            if (Option.isNone(text)) return Option.none()
            const parsed = parseJson(text.value)
            if (Either.isLeft(parsed)) {
              return yield* new CheckpointUnreadable({ name, reason: `${file} ${parsed.left}` })
            }
            return Option.some(yield* positionOf(name, parsed.right, file))
          }),
        set: (name, position) =>
          Effect.gen(function*() {
            const file = yield* fileOf(name, "set")
            const json = yield* encode(name, position)
            yield* AtomicFile.replace(fs, path, file, `${JSON.stringify(json)}\n`)
          })
      })
    })
  )

/**
 * Positions of several names in one JSON file, `{ "<name>": <position>, … }` (the command line's `--checkpoint
 * FILE`): each write takes a short exclusive lock (`<file>.lock`; one left by a crashed process is taken over at once
 * when that process is gone and ran in this pid namespace, else after 10 seconds), re-reads the file, changes its own name only and replaces the file whole as `layerFileSystem` does.
 * So consumers under different names sharing the file never lose each other's positions, and a reader never sees
 * half a file. The directory must exist.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerFile = (
  file: string
): Layer.Layer<Checkpoint, Errors.InvalidRequest, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(
    Checkpoint,
    Effect.gen(function*() {
      if (typeof file !== "string" || file.length === 0) {
        return yield* invalid("the checkpoint file must be a non-empty path")
      }
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const unreadable = (name: string, reason: string) =>
        new CheckpointUnreadable({ name, reason: `${file} ${reason}` })
      const load = (name: string) =>
        Effect.gen(function*() {
          const text = yield* readFile(fs, file, name)
          if (Option.isNone(text)) return {}
          const parsed = parseJson(text.value)
          if (Either.isLeft(parsed)) return yield* unreadable(name, parsed.left)
          const value = parsed.right
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
              if (Either.isLeft(parsed)) {
                return yield* unreadable(name, `holds a position for ${JSON.stringify(name)} that ${parsed.left}`)
              }
              value = parsed.right
            }
            return Option.some(yield* positionOf(name, value, file))
          }),
        set: (name, position) =>
          Effect.gen(function*() {
            const json = yield* encode(name, position)
            yield* AtomicFile.withLock(
              fs,
              path,
              `${file}.lock`,
              Effect.gen(function*() {
                // Never replace a file we cannot read: it may hold other consumers' positions.
                const all = yield* load(name).pipe(Effect.catchTag("CheckpointUnreadable", (error) =>
                  new PlatformError.SystemError({
                    reason: "InvalidData",
                    module: "KeyValueStore",
                    method: "set",
                    pathOrDescriptor: file,
                    description: error.reason
                  })))
                yield* AtomicFile.replace(fs, path, file, `${JSON.stringify({ ...all, [name]: json }, null, 2)}\n`)
              })
            )
          })
      })
    })
  )
