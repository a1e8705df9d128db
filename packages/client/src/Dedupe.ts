/**
 * Handling each event once, also when copies of it arrive at the same time (Exa redelivers while a slow handler
 * runs, two replicas get the same event): an event id is **claimed** before its handler runs (a claim with an
 * expiry, renewed while the handler runs), marked **done** after it succeeded (remembered for a window), and
 * **released** when it failed, so that a redelivery runs it again. A claimant that crashes releases nothing: its
 * claim expires, and the next copy takes it over.
 *
 * Two stores: in memory (one process) and files in a directory (every process on one machine). Both are race free:
 * of any number of concurrent copies, one claims and the others see it busy.
 *
 * @since 0.2.0
 */
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Errors from "./Errors.js"
import * as AtomicFile from "./internal/atomicFile.js"
import * as Params from "./internal/params.js"

/**
 * What claiming an id gives: `Claimed` (run the handler, then `complete` or `release` with the token), `Done` (it
 * was handled within the window: skip it), or `Busy` (another copy holds an unexpired claim, until `expiresAt`,
 * epoch milliseconds on the Effect clock).
 *
 * @since 0.3.0
 * @category models
 */
export type Claim =
  | { readonly _tag: "Claimed"; readonly token: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Busy"; readonly expiresAt: number }

/**
 * The record of claimed and handled ids. Every method is atomic with respect to every other user of the same store.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Claims the id for `ttl`, unless it is done or claimed (and not expired) by someone else. */
  readonly claim: (id: string, ttl: Duration.Duration) => Effect.Effect<Claim, PlatformError.PlatformError>
  /** Extends the claim by `ttl` from now: `false` when the claim is no longer this token's (it expired and was taken). */
  readonly renew: (id: string, token: string, ttl: Duration.Duration) => Effect.Effect<boolean, PlatformError.PlatformError>
  /** Marks the id done for the store's window (also when the claim was lost meanwhile: the work did succeed). */
  readonly complete: (id: string, token: string) => Effect.Effect<void, PlatformError.PlatformError>
  /** Gives the claim up, if it is still this token's: the next copy may claim the id at once. */
  readonly release: (id: string, token: string) => Effect.Effect<void, PlatformError.PlatformError>
}

/**
 * The `Dedupe` service tag.
 *
 * @since 0.2.0
 * @category tags
 */
export class Dedupe extends Context.Tag("@effect-exa/client/Dedupe")<Dedupe, Service>() {}

/**
 * How long a handled id is remembered by default: 7 days, longer than any redelivery schedule is likely to run
 * (Exa documents none), well within the 60 days events are kept.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultWindow: Duration.Duration = Duration.days(7)

/**
 * How long a claim lasts by default before it must be renewed: 30 seconds. `once` renews it every third of that
 * while the handler runs, so only a crashed (or frozen) claimant lets it expire; a redelivery then waits at most
 * this long.
 *
 * @since 0.3.0
 * @category constants
 */
export const defaultClaimTtl: Duration.Duration = Duration.seconds(30)

/**
 * Options of the layers.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** How long a handled id is remembered. Default 7 days. */
  readonly window?: Duration.DurationInput | undefined
}

/** A positive, finite duration in milliseconds (at least 1). */
const positiveMillis = (name: string, value: unknown): number => {
  const millis = Duration.toMillis(Params.duration(name, value))
  if (!(millis >= 1)) throw new Params.Invalid(`${name} must be at least 1 millisecond, got ${Params.show(value)}`)
  return millis
}

const windowOf = (options: Options): number =>
  options.window === undefined ? Duration.toMillis(defaultWindow) : positiveMillis("window", options.window)

// A record of one id: claimed by a token until a time, done until a time, or free (released).
type Entry =
  | { readonly state: "claimed"; readonly token: string; readonly until: number }
  | { readonly state: "done"; readonly until: number }
  | { readonly state: "released" }

/** What a claim finds in `entry` at `now`: `undefined` when the id is free to claim. */
const found = (entry: Entry | undefined, now: number): Claim | undefined => {
  if (entry === undefined || entry.state === "released" || entry.until <= now) return undefined
  return entry.state === "done" ? { _tag: "Done" } : { _tag: "Busy", expiresAt: entry.until }
}

const ownedBy = (entry: Entry | undefined, token: string): boolean => entry?.state === "claimed" && entry.token === token

/**
 * The record in memory, for one process: claims, and at most `maxEntries` handled ids (default 100,000; the
 * oldest go first), each for the window. Options that are not a positive duration or a whole number of at least 1
 * fail the layer with `InvalidRequest`.
 *
 * @example
 * ```ts
 * import { Dedupe } from "@effect-exa/client"
 * import { Console, Effect } from "effect"
 *
 * // Runs once per id, however many copies arrive at once: the others get None.
 * const handled = Dedupe.once("ev_123", Console.log("handling ev_123")).pipe(
 *   Effect.provide(Dedupe.layerMemoryWith({ window: "1 day" }))
 * )
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layerMemoryWith = (
  options: Options & { readonly maxEntries?: number | undefined } = {}
): Layer.Layer<Dedupe, Errors.InvalidRequest> =>
  Layer.effect(
    Dedupe,
    Params.validated(() => {
      const o = Params.record("the options of Dedupe.layerMemoryWith", options)
      const window = windowOf(o)
      const maxEntries = o.maxEntries === undefined ? 100_000 : Params.integer("maxEntries", o.maxEntries, 1, 2 ** 31)
      return Effect.succeed(makeMemory(window, maxEntries))
    })
  )

/**
 * The record in memory with the defaults (100,000 ids, each for 7 days): see `layerMemoryWith`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Dedupe> = Layer.effect(
  Dedupe,
  Effect.sync(() => makeMemory(Duration.toMillis(defaultWindow), 100_000))
)

const makeMemory = (window: number, maxEntries: number): Service => {
  // Insertion order is age order: an entry is moved to the end whenever it is written.
  const entries = new Map<string, Entry>()
  let tokens = 0
  const put = (id: string, entry: Entry, now: number) => {
    entries.delete(id)
    entries.set(id, entry)
    for (const [key, old] of entries) {
      if (entries.size <= maxEntries) break
      // The oldest go first, but never a live claim: that would let a second copy run.
      if (old.state === "claimed" && old.until > now) continue
      entries.delete(key)
    }
  }
  // Each method is one synchronous step, so no other fiber runs in between: a compare-and-set.
  return Dedupe.of({
    claim: (id, ttl) =>
      Effect.map(Clock.currentTimeMillis, (now): Claim => {
        const busy = found(entries.get(id), now)
        if (busy !== undefined) return busy
        const token = `memory-${++tokens}`
        put(id, { state: "claimed", token, until: now + Duration.toMillis(ttl) }, now)
        return { _tag: "Claimed", token }
      }),
    renew: (id, token, ttl) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (!ownedBy(entries.get(id), token)) return false
        put(id, { state: "claimed", token, until: now + Duration.toMillis(ttl) }, now)
        return true
      }),
    complete: (id) => Effect.map(Clock.currentTimeMillis, (now) => put(id, { state: "done", until: now + window }, now)),
    release: (id, token) =>
      Effect.sync(() => {
        if (ownedBy(entries.get(id), token)) entries.delete(id)
      })
  })
}

const parseEntry = (text: string): Entry | undefined => {
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    if (value.state === "released") return { state: "released" }
    if (typeof value.until !== "number" || !Number.isFinite(value.until)) return undefined
    if (value.state === "done") return { state: "done", until: value.until }
    if (value.state === "claimed" && typeof value.token === "string") {
      return { state: "claimed", token: value.token, until: value.until }
    }
    return undefined
  } catch {
    return undefined
  }
}

const tooLong = (id: string) =>
  new PlatformError.BadArgument({
    module: "KeyValueStore",
    method: "claim",
    description: `the event id ${JSON.stringify(id.slice(0, 60))} is empty or too long to be a file name`
  })

/**
 * The record in files under `directory` (created if missing), shared by every process on the machine that uses the
 * same directory: one folder per id, holding numbered versions of its record. A change writes the next version
 * with an exclusive create (a temporary file, `fsync`ed, then hard-linked to its name, which fails if another
 * process wrote that version first): the atomic compare-and-set that makes a claim race free across processes, an
 * expired claim taken over by exactly one of them, and a crash at any moment harmless. Older versions are removed
 * as new ones are written; ids whose record expired more than a day ago are swept hourly. Options that are not a
 * positive duration fail the layer with `InvalidRequest`.
 *
 * Needs a `FileSystem` with hard links (any local disk; not every network share) and a `Path`, e.g.
 * `NodeContext.layer` from `@effect/platform-node`. Replicas on several machines need a database instead.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerFileSystem = (
  directory: string,
  options: Options = {}
): Layer.Layer<Dedupe, Errors.InvalidRequest | PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(
    Dedupe,
    Effect.gen(function*() {
      const window = yield* Params.validated(() => {
        if (typeof directory !== "string" || directory.length === 0) {
          throw new Params.Invalid("the dedupe directory must be a non-empty path")
        }
        return Effect.succeed(windowOf(Params.record("the options of Dedupe.layerFileSystem", options)))
      })
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      yield* fs.makeDirectory(directory, { recursive: true })
      const store = makeFileStore(fs, path, directory, window)
      yield* Effect.forkScoped(Effect.repeat(store.sweep, Schedule.spaced("1 hour")))
      return store.service
    })
  )

const makeFileStore = (fs: FileSystem.FileSystem, path: Path.Path, directory: string, window: number) => {
  const folderOf = (id: string) =>
    Option.match(AtomicFile.fileNameOf(typeof id === "string" ? id : ""), {
      onNone: () => Effect.fail(tooLong(String(id))),
      onSome: (name) => Effect.succeed(path.join(directory, name))
    })

  // The newest version of a record: its number (-1 for none) and entry (undefined when unreadable: free to take).
  const current = (folder: string): Effect.Effect<{ version: number; entry: Entry | undefined; older: Array<number> }, PlatformError.PlatformError> =>
    Effect.gen(function*() {
      const names = yield* fs.readDirectory(folder).pipe(
        Effect.catchIf((error) => AtomicFile.isReason(error, "NotFound"), () => Effect.succeed([] as Array<string>))
      )
      // Only the names this store writes (`0`, `1`, … with no leading zero): a stray `00` would read as 0 and name a
      // file that is not there.
      const versions = names.filter((name) => /^(0|[1-9]\d{0,14})$/.test(name)).map(Number).sort((a, b) => a - b)
      const version = versions.at(-1)
      if (version === undefined) return { version: -1, entry: undefined, older: [] }
      const text = yield* AtomicFile.readIfExists(fs, path.join(folder, String(version)))
      // Removed under us by the writer of a newer version: read again.
      if (Option.isNone(text)) return yield* current(folder)
      return { version, entry: parseEntry(text.value), older: versions.slice(0, -1) }
    })

  // Writes version `version` of the record, unless someone else did: whether this call did.
  const write = (folder: string, version: number, entry: Entry, older: ReadonlyArray<number>) =>
    Effect.gen(function*() {
      // The folder swept away while it is made or written to: not written; the caller reads again.
      const written = yield* Effect.zipRight(
        fs.makeDirectory(folder, { recursive: true }),
        AtomicFile.create(fs, path, path.join(folder, String(version)), JSON.stringify(entry))
      ).pipe(Effect.catchIf((error) => AtomicFile.isReason(error, "NotFound"), () => Effect.succeed(false)))
      if (written) {
        for (const old of [...older, version - 1]) {
          if (old >= 0) yield* fs.remove(path.join(folder, String(old))).pipe(Effect.ignore)
        }
      }
      return written
    })

  // Reads the record and, while `decide` wants a change, writes it as the next version (again on a lost race).
  const change = <A>(
    id: string,
    decide: (entry: Entry | undefined, now: number) => { readonly write?: Entry; readonly result: A }
  ): Effect.Effect<A, PlatformError.PlatformError> =>
    Effect.gen(function*() {
      const folder = yield* folderOf(id)
      while (true) {
        const { entry, older, version } = yield* current(folder)
        const decision = decide(entry, yield* Clock.currentTimeMillis)
        if (decision.write === undefined || (yield* write(folder, version + 1, decision.write, older))) {
          return decision.result
        }
      }
    })

  const service = Dedupe.of({
    claim: (id, ttl) =>
      Effect.suspend(() => {
        const token = AtomicFile.randomHex()
        return change(id, (entry, now): { write?: Entry; result: Claim } => {
          const busy = found(entry, now)
          return busy !== undefined
            ? { result: busy }
            : { write: { state: "claimed", token, until: now + Duration.toMillis(ttl) }, result: { _tag: "Claimed", token } }
        })
      }),
    renew: (id, token, ttl) =>
      change(id, (entry, now) =>
        ownedBy(entry, token)
          ? { write: { state: "claimed", token, until: now + Duration.toMillis(ttl) }, result: true }
          : { result: false }),
    complete: (id) =>
      change(id, (entry, now) =>
        entry?.state === "done" && entry.until > now ? { result: undefined } : { write: { state: "done", until: now + window }, result: undefined }),
    release: (id, token) =>
      change(id, (entry) => ownedBy(entry, token) ? { write: { state: "released" }, result: undefined } : { result: undefined })
  })

  // Removes the folders of ids whose record is free, or expired more than a day ago, and temporary files a crash
  // left. A folder is first renamed aside (atomic) and put back if a version was written in between.
  const sweepOne = (name: string, now: number) =>
    Effect.gen(function*() {
      const entryPath = path.join(directory, name)
      if (name.startsWith(AtomicFile.temporaryPrefix)) {
        const info = yield* fs.stat(entryPath)
        const mtime = Option.getOrElse(info.mtime, () => new Date(now))
        if (now - mtime.getTime() > 3_600_000) yield* fs.remove(entryPath, { recursive: true })
        return
      }
      const seen = yield* current(entryPath)
      const entry = seen.entry
      if (entry !== undefined && entry.state !== "released" && entry.until > now - 86_400_000) return
      const aside = path.join(directory, `${AtomicFile.temporaryPrefix}${AtomicFile.randomHex()}`)
      yield* fs.rename(entryPath, aside)
      if ((yield* current(aside)).version !== seen.version) {
        yield* fs.rename(aside, entryPath)
      } else {
        yield* fs.remove(aside, { recursive: true })
      }
    }).pipe(Effect.ignore)
  const sweep = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    for (const name of yield* fs.readDirectory(directory)) yield* sweepOne(name, now)
  }).pipe(Effect.ignore)

  return { service, sweep }
}

/**
 * Options of `once` and `tryOnce`.
 *
 * @since 0.3.0
 * @category models
 */
export interface OnceOptions {
  /** How long a claim lasts without being renewed (it is renewed every third of it). Default 30 seconds. */
  readonly ttl?: Duration.DurationInput | undefined
}

/**
 * What `tryOnce` did: ran the effect (`Ran`, with its result), found it done (`Done`), or found another copy
 * running it (`Busy`, claimed until `expiresAt`, epoch milliseconds).
 *
 * @since 0.3.0
 * @category models
 */
export type Attempt<A> =
  | { readonly _tag: "Ran"; readonly value: A }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Busy"; readonly expiresAt: number }

const settingsOf = (id: string, options: OnceOptions | undefined) => {
  Params.nonEmptyString("the event id", id)
  const o = Params.record("the options of once", options)
  return o.ttl === undefined ? defaultClaimTtl : Duration.millis(positiveMillis("ttl", o.ttl))
}

// Runs `effect` under the claim: renewed every third of the ttl while it runs, completed after a success, released
// after a failure or an interruption (uninterruptibly, so a cancelled run never leaves the claim to expire).
const runClaimed = <A, E, R>(
  dedupe: Service,
  id: string,
  token: string,
  ttl: Duration.Duration,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | PlatformError.PlatformError, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      // Interruptible, though forked from an uninterruptible region (a child inherits it), so that it can be stopped.
      const renewing = yield* Effect.fork(Effect.interruptible(
        dedupe.renew(id, token, ttl).pipe(
          Effect.delay(Duration.millis(Math.max(1, Math.floor(Duration.toMillis(ttl) / 3)))),
          Effect.repeat({ while: (kept) => kept }),
          Effect.tap((kept) => kept ? Effect.void : Effect.logWarning("the claim was lost: another copy may run too")),
          Effect.catchAll((error) => Effect.logWarning("renewing the claim failed", error)),
          Effect.annotateLogs({ "exa.event.id": id })
        )
      ))
      const exit = yield* Effect.exit(restore(effect))
      yield* Fiber.interrupt(renewing)
      if (exit._tag === "Success") {
        yield* dedupe.complete(id, token)
        return exit.value
      }
      // Not releasing only delays the next copy until the claim expires: the effect's own failure matters more.
      yield* dedupe.release(id, token).pipe(
        Effect.catchAll((error) => Effect.logWarning("releasing the claim failed; it will expire", error)),
        Effect.annotateLogs({ "exa.event.id": id })
      )
      return yield* exit
    })
  )

/**
 * Claims the id and, if this copy got it, runs `effect` under the claim (renewed while it runs; marked done after a
 * success, released after a failure or interruption) without waiting: `Ran` with its result, `Done` for an id
 * already handled, `Busy` when another copy holds the claim (nothing is run). Without a `Dedupe` in context, it
 * always runs. A webhook receiver answers `Busy` with 409 so that Exa delivers the event again later.
 *
 * @since 0.3.0
 * @category combinators
 */
export const tryOnce = <A, E, R>(
  id: string,
  effect: Effect.Effect<A, E, R>,
  options?: OnceOptions
): Effect.Effect<Attempt<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> =>
  Params.validated(() => {
    const ttl = settingsOf(id, options)
    return Effect.flatMap(Effect.serviceOption(Dedupe), (dedupe): Effect.Effect<Attempt<A>, E | PlatformError.PlatformError, R> => {
      const ran = (value: A): Attempt<A> => ({ _tag: "Ran", value })
      if (Option.isNone(dedupe)) return Effect.map(effect, ran)
      return Effect.flatMap(dedupe.value.claim(id, ttl), (claim) =>
        claim._tag === "Claimed" ? Effect.map(runClaimed(dedupe.value, id, claim.token, ttl, effect), ran) : Effect.succeed(claim))
    })
  })

// How long a waiting copy waits before it looks again: 50 ms, doubling up to 1 s, never past the claim's expiry.
const recheck = (attempt: number, expiresAt: number, now: number): number =>
  Math.max(1, Math.min(expiresAt - now, 50 * 2 ** Math.min(attempt, 5)))

/**
 * Runs `effect` for an id not yet handled, once, also when copies run at the same time: `Some` of its result, or
 * `None` for an id already handled (nothing is run). While another copy holds the claim, it waits (on the Effect
 * clock, interruptibly; looking again after 50 ms, then less often up to every second, and at the claim's expiry)
 * until that copy is done (`None`) or failed, crashed or was interrupted (then this copy claims the id and runs
 * `effect`). A failure of `effect` releases the claim and fails with its error. Without a `Dedupe` in context, it
 * always runs. A bad id or option is `InvalidRequest`.
 *
 * @since 0.2.0
 * @category combinators
 */
export const once = <A, E, R>(
  id: string,
  effect: Effect.Effect<A, E, R>,
  options?: OnceOptions
): Effect.Effect<Option.Option<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> => {
  const attempt = (n: number): Effect.Effect<Option.Option<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> =>
    Effect.flatMap(tryOnce(id, effect, options), (result) => {
      switch (result._tag) {
        case "Ran":
          return Effect.succeedSome(result.value)
        case "Done":
          return Effect.succeedNone
        case "Busy":
          return Effect.flatMap(
            Clock.currentTimeMillis,
            (now) => Effect.zipRight(Effect.sleep(recheck(n, result.expiresAt, now)), attempt(n + 1))
          )
      }
    })
  return attempt(0)
}
