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
 * @since 1.0.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PlatformError from "effect/PlatformError"
import * as Schedule from "effect/Schedule"
import type * as Errors from "./Errors.js"
import * as AtomicFile from "./internal/atomicFile.js"
import * as NodeFs from "./internal/nodeFs.js"
import * as Params from "./internal/params.js"

/**
 * What claiming an id gives: `Claimed` (run the handler, then `complete` or `release` with the token), `Done` (it
 * was handled within the window: skip it), or `Busy` (another copy holds an unexpired claim, until `expiresAt`,
 * epoch milliseconds on the Effect clock).
 *
 * @since 1.0.0
 * @category models
 */
export type Claim =
  | { readonly _tag: "Claimed"; readonly token: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Busy"; readonly expiresAt: number }

/**
 * The record of claimed and handled ids. Every method is atomic with respect to every other user of the same store.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /** Claims the id for `ttl`, unless it is done or claimed (and not expired) by someone else. */
  readonly claim: (id: string, ttl: Duration.Duration) => Effect.Effect<Claim, PlatformError.PlatformError>
  /** Extends the claim by `ttl` from now: `false` when the claim is no longer this token's (it expired and was taken). */
  readonly renew: (
    id: string,
    token: string,
    ttl: Duration.Duration
  ) => Effect.Effect<boolean, PlatformError.PlatformError>
  /** Marks the id done for the store's window (also when the claim was lost meanwhile: the work did succeed). */
  readonly complete: (id: string, token: string) => Effect.Effect<void, PlatformError.PlatformError>
  /** Gives the claim up, if it is still this token's: the next copy may claim the id at once. */
  readonly release: (id: string, token: string) => Effect.Effect<void, PlatformError.PlatformError>
}

/**
 * The `Dedupe` service tag.
 *
 * @since 1.0.0
 * @category tags
 */
export class Dedupe extends Context.Service<Dedupe, Service>()("@effect-exa/client/Dedupe") {}

/**
 * How long a handled id is remembered by default: 7 days, longer than any redelivery schedule is likely to run
 * (Exa documents none), well within the 60 days events are kept.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultWindow: Duration.Duration = Duration.days(7)

/**
 * How long a claim lasts by default before it must be renewed: 30 seconds. `once` renews it every third of that
 * while the handler runs, so only a crashed (or frozen) claimant lets it expire; a redelivery then waits at most
 * this long.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultClaimTtl: Duration.Duration = Duration.seconds(30)

/**
 * Options of the layers.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** How long a handled id is remembered. Default 7 days. */
  readonly window?: Duration.Input | undefined
}

/** A positive, finite duration in milliseconds (at least 1). */
const positiveMillis = (name: string, value: unknown): number => {
  const millis = Duration.toMillis(Params.duration(name, value))
  if (!(millis >= 1)) throw new Params.Invalid(`${name} must be at least 1 millisecond, got ${Params.show(value)}`)
  return millis
}

const windowOf = (options: Options): number =>
  options.window === undefined ? Duration.toMillis(defaultWindow) : positiveMillis("window", options.window)

// A record of one id: claimed by a token until a time, done until a time, free (released at a time), or, in the
// file store, being swept away (`gone`, since a time).
type Entry =
  | { readonly state: "claimed"; readonly token: string; readonly until: number }
  | { readonly state: "done"; readonly until: number }
  | { readonly state: "released"; readonly until: number }
  | { readonly state: "gone"; readonly until: number }

/** What a claim finds in `entry` at `now`: `undefined` when the id is free to claim. */
const found = (entry: Entry | undefined, now: number): Claim | undefined => {
  if (entry === undefined || entry.state === "released" || entry.state === "gone" || entry.until <= now) {
    return undefined
  }
  return entry.state === "done" ? { _tag: "Done" } : { _tag: "Busy", expiresAt: entry.until }
}

const ownedBy = (entry: Entry | undefined, token: string): boolean =>
  entry?.state === "claimed" && entry.token === token

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
 * @since 1.0.0
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
 * @since 1.0.0
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
    complete: (id) =>
      Effect.map(Clock.currentTimeMillis, (now) => put(id, { state: "done", until: now + window }, now)),
    release: (id, token) =>
      Effect.sync(() => {
        if (ownedBy(entries.get(id), token)) entries.delete(id)
      })
  })
}

const parseEntry = (text: string): Entry | undefined => {
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    const until = value.until
    if (typeof until !== "number" || !Number.isFinite(until)) return undefined
    switch (value.state) {
      case "done":
      case "released":
      case "gone":
        return { state: value.state, until }
      case "claimed":
        return typeof value.token === "string" ? { state: "claimed", token: value.token, until } : undefined
    }
    return undefined
  } catch {
    return undefined
  }
}

const tooLong = (id: string) =>
  PlatformError.badArgument({
    module: "KeyValueStore",
    method: "claim",
    description: `the event id ${JSON.stringify(id.slice(0, 60))} is empty or too long to be a file name`
  })

const fileStoreError = (method: string, description: string) =>
  PlatformError.badArgument({ module: "FileSystem", method: `Dedupe.${method}`, description })

/**
 * The record in files under `directory` (created if missing), shared by every process on the machine that uses the
 * same directory: one folder per id, holding numbered versions of its record. A change writes the next version
 * with an exclusive create (a temporary file, `fsync`ed, then hard-linked to its name, which fails if another
 * process wrote that version first): the atomic compare-and-set that makes a claim race free across processes, an
 * expired claim taken over by exactly one of them, and a crash at any moment harmless. Ids whose record expired
 * more than a day ago are swept hourly. Options that are not a positive duration fail the layer with
 * `InvalidRequest`.
 *
 * Files go through the runtime's `node:fs` (Node, Bun, Deno; elsewhere the layer fails with a `BadArgument`) and
 * need hard links (any local disk; not every network share). Replicas on several machines need a database instead.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerFileSystem = (
  directory: string,
  options: Options = {}
): Layer.Layer<Dedupe, Errors.InvalidRequest | PlatformError.PlatformError> =>
  Layer.effect(
    Dedupe,
    Effect.gen(function*() {
      const window = yield* Params.validated(() => {
        if (typeof directory !== "string" || directory.length === 0) {
          throw new Params.Invalid("the dedupe directory must be a non-empty path")
        }
        return Effect.succeed(windowOf(Params.record("the options of Dedupe.layerFileSystem", options)))
      })
      const fs = yield* NodeFs.make("Dedupe.layerFileSystem")
      yield* fs.makeDirectory(directory, { recursive: true })
      const store = makeFileStore(fs, directory, window)
      yield* Effect.forkScoped(Effect.repeat(store.sweep, Schedule.spaced("1 hour")))
      return store.service
    })
  )

/** How long a record stays after it expired (or was released) before a sweep removes it. */
const keptAfterExpiry = 86_400_000
/** How long a sweep may take to remove a record it marked `gone` before anyone else finishes the job. */
const sweepStalledAfter = 10_000

/**
 * The file store. Its layout, and why each part is there:
 *
 * - `<directory>/<id as a file name>/` holds one id's record. It is created whole, by renaming a prepared temporary
 *   folder into place (which fails when it exists), holding `id.<nonce>` (a random name given to this folder's
 *   life) and the first version.
 * - Versions are `<nonce>-<n>`, `n` counting up from 0; the highest is the record. Versions are never removed while
 *   the folder lives: a removed name could be written again by a writer that read the record long before (it would
 *   then "win" a change decided on an old version, and a second copy would run).
 * - A folder is removed only by a sweep, for a record idle for a day: it first writes the next version as `gone`
 *   (the same compare-and-set, so no writer can change the record after it), then renames the folder aside and
 *   removes it. Writers that find `gone` wait until it is removed. A writer that read the old folder and writes into
 *   a new one at the same path uses the old nonce in the name: it checks its folder's nonce after writing, sees the
 *   change, takes its version back and reads again.
 */
const makeFileStore = (fs: NodeFs.Fs, directory: string, window: number) => {
  const path = { join: AtomicFile.join }
  const folderOf = (id: string) =>
    Option.match(AtomicFile.fileNameOf(typeof id === "string" ? id : ""), {
      onNone: () => Effect.fail(tooLong(String(id))),
      onSome: (name) => Effect.succeed(path.join(directory, name))
    })

  interface Seen {
    /** The folder's nonce; undefined when there is no folder. */
    readonly nonce: string | undefined
    /** The highest version, -1 for none. */
    readonly version: number
    /** The record; undefined when there is none or it is unreadable (free to take). */
    readonly entry: Entry | undefined
  }
  const absent: Seen = { nonce: undefined, version: -1, entry: undefined }

  const current = (folder: string, method: string): Effect.Effect<Seen, PlatformError.PlatformError> =>
    Effect.gen(function*() {
      const names = yield* fs.readDirectory(folder).pipe(
        Effect.map(Option.some),
        Effect.catchIf((error) => AtomicFile.isReason(error, "NotFound"), () => Effect.succeedNone)
      )
      if (Option.isNone(names)) return absent
      const identity = names.value.find((name) => /^id\.[0-9a-f]{32}$/.test(name))
      if (identity === undefined) {
        return yield* fileStoreError(method, `${folder} is not a record this store wrote (it has no identity file)`)
      }
      const nonce = identity.slice(3)
      let version = -1
      for (const name of names.value) {
        // Only the names this store writes (`0`, `1`, … with no leading zero): a stray `00` would read as 0.
        const match = name.startsWith(`${nonce}-`) ? /^(0|[1-9]\d{0,14})$/.exec(name.slice(nonce.length + 1)) : null
        if (match !== null) version = Math.max(version, Number(match[1]))
      }
      if (version < 0) return { nonce, version, entry: undefined }
      const text = yield* AtomicFile.readIfExists(fs, path.join(folder, `${nonce}-${version}`), 65_536)
      // The folder was swept away while it was read: there is no record.
      if (Option.isNone(text)) return yield* current(folder, method)
      return { nonce, version, entry: parseEntry(text.value) }
    })

  // Creates the folder with its first version: whether this call did (false when it exists already).
  const create = (folder: string, entry: Entry) =>
    Effect.gen(function*() {
      const nonce = AtomicFile.randomHex()
      const prepared = path.join(directory, `${AtomicFile.temporaryPrefix}${AtomicFile.randomHex()}`)
      yield* fs.makeDirectory(prepared)
      const moved = yield* Effect.gen(function*() {
        yield* AtomicFile.create(fs, path.join(prepared, `id.${nonce}`), nonce)
        yield* AtomicFile.create(fs, path.join(prepared, `${nonce}-0`), JSON.stringify(entry))
        return yield* fs.rename(prepared, folder).pipe(
          Effect.as(true),
          // Renaming onto a folder that is not empty fails (ENOTEMPTY, EEXIST): another copy created it first.
          Effect.catch((error) =>
            fs.exists(folder).pipe(Effect.flatMap((exists) => exists ? Effect.succeed(false) : Effect.fail(error)))
          )
        )
      }).pipe(Effect.ensuring(fs.remove(prepared, { recursive: true }).pipe(Effect.ignore)))
      return moved
    })

  // Writes the version after `seen`, unless someone else did: whether this call did.
  const write = (folder: string, seen: Seen, entry: Entry) =>
    Effect.gen(function*() {
      if (seen.nonce === undefined) return yield* create(folder, entry)
      const file = path.join(folder, `${seen.nonce}-${seen.version + 1}`)
      const written = yield* AtomicFile.create(fs, file, JSON.stringify(entry)).pipe(
        // The folder was swept away: not written; the caller reads again.
        Effect.catchIf((error) => AtomicFile.isReason(error, "NotFound"), () => Effect.succeed(false))
      )
      if (!written) return false
      // Written into the folder read, or into a new one created at the same path after a sweep (whose nonce differs:
      // the version is not part of its record)? Take it back in the second case.
      if (yield* fs.exists(path.join(folder, `id.${seen.nonce}`))) return true
      yield* fs.remove(file).pipe(Effect.ignore)
      return false
    })

  // Renames a folder marked `gone` aside and removes it; puts it back if it turns out to be another life of the
  // record (two removers raced and a copy created the folder again in between).
  const removeGone = (folder: string, nonce: string) =>
    Effect.gen(function*() {
      const aside = path.join(directory, `${AtomicFile.temporaryPrefix}${AtomicFile.randomHex()}`)
      const moved = yield* fs.rename(folder, aside).pipe(
        Effect.as(true),
        Effect.catchIf((error) => AtomicFile.isReason(error, "NotFound"), () => Effect.succeed(false))
      )
      if (!moved) return
      if (yield* fs.exists(path.join(aside, `id.${nonce}`))) {
        yield* fs.remove(aside, { recursive: true })
      } else {
        yield* fs.rename(aside, folder)
      }
    })

  // Reads the record and, while `decide` wants a change, writes it as the next version (again on a lost race).
  const change = <A>(
    id: string,
    method: string,
    decide: (entry: Entry | undefined, now: number) => { readonly write?: Entry; readonly result: A }
  ): Effect.Effect<A, PlatformError.PlatformError> =>
    Effect.gen(function*() {
      const folder = yield* folderOf(id)
      while (true) {
        const seen = yield* current(folder, method)
        const now = yield* Clock.currentTimeMillis
        if (seen.entry?.state === "gone") {
          // Being swept: wait until it is removed, or finish the job of a sweep that stopped half way.
          if (seen.nonce !== undefined && now - seen.entry.until > sweepStalledAfter) {
            yield* removeGone(folder, seen.nonce)
          } else yield* Effect.sleep(Duration.millis(2))
          continue
        }
        const decision = decide(seen.entry, now)
        if (decision.write === undefined || (yield* write(folder, seen, decision.write))) {
          return decision.result
        }
      }
    })

  const service = Dedupe.of({
    claim: (id, ttl) =>
      Effect.suspend(() => {
        const token = AtomicFile.randomHex()
        return change(id, "claim", (entry, now): { write?: Entry; result: Claim } => {
          const busy = found(entry, now)
          return busy !== undefined
            ? { result: busy }
            : {
              write: { state: "claimed", token, until: now + Duration.toMillis(ttl) },
              result: { _tag: "Claimed", token }
            }
        })
      }),
    renew: (id, token, ttl) =>
      change(id, "renew", (entry, now) =>
        ownedBy(entry, token)
          ? { write: { state: "claimed", token, until: now + Duration.toMillis(ttl) }, result: true }
          : { result: false }),
    complete: (id) =>
      change(
        id,
        "complete",
        (entry, now) =>
          entry?.state === "done" && entry.until > now
            ? { result: undefined }
            : { write: { state: "done", until: now + window }, result: undefined }
      ),
    release: (id, token) =>
      change(
        id,
        "release",
        (entry, now) =>
          ownedBy(entry, token)
            ? { write: { state: "released", until: now }, result: undefined }
            : { result: undefined }
      )
  })

  // Removes the records idle for a day (expired or released more than a day ago, or unreadable for a day), and
  // temporary files and folders a crash left.
  const sweepOne = (name: string, now: number) =>
    Effect.gen(function*() {
      const entryPath = path.join(directory, name)
      if (name.startsWith(AtomicFile.temporaryPrefix)) {
        const mtime = Option.getOrElse(yield* fs.mtime(entryPath), () => new Date(now))
        if (now - mtime.getTime() > 3_600_000) yield* fs.remove(entryPath, { recursive: true })
        return
      }
      const seen = yield* current(entryPath, "sweep")
      if (seen.nonce === undefined) return
      if (seen.entry?.state === "gone") {
        if (now - seen.entry.until > sweepStalledAfter) yield* removeGone(entryPath, seen.nonce)
        return
      }
      let idleSince = seen.entry?.until
      if (idleSince === undefined) {
        // Unreadable (or no version): idle since it was last written.
        const mtime = yield* fs.mtime(
          seen.version < 0 ? entryPath : path.join(entryPath, `${seen.nonce}-${seen.version}`)
        )
        idleSince = Option.getOrElse(Option.map(mtime, (date) => date.getTime()), () => now)
      }
      if (now - idleSince <= keptAfterExpiry) return
      // From here no one can change the record: they find it `gone` and wait.
      if (yield* write(entryPath, seen, { state: "gone", until: now })) yield* removeGone(entryPath, seen.nonce)
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
 * @since 1.0.0
 * @category models
 */
export interface OnceOptions {
  /** How long a claim lasts without being renewed (it is renewed every third of it): at least 1 second. Default 30 seconds. */
  readonly ttl?: Duration.Input | undefined
}

/**
 * What `tryOnce` did: ran the effect (`Ran`, with its result), found it done (`Done`), or found another copy
 * running it (`Busy`, claimed until `expiresAt`, epoch milliseconds).
 *
 * @since 1.0.0
 * @category models
 */
export type Attempt<A> =
  | { readonly _tag: "Ran"; readonly value: A }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Busy"; readonly expiresAt: number }

const settingsOf = (id: string, options: OnceOptions | undefined) => {
  Params.nonEmptyString("the event id", id)
  const o = Params.record("the options of once", options)
  if (o.ttl === undefined) return defaultClaimTtl
  // Renewed every third of it: shorter than a second, a busy event loop or a slow disk lets it lapse while the
  // effect still runs, and a second copy runs too.
  const ttl = positiveMillis("ttl", o.ttl)
  if (ttl < 1000) throw new Params.Invalid(`ttl must be at least 1 second, got ${Params.show(o.ttl)}`)
  return Duration.millis(ttl)
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
      const renewing = yield* Effect.forkChild(Effect.interruptible(
        dedupe.renew(id, token, ttl).pipe(
          Effect.delay(Duration.millis(Math.max(1, Math.floor(Duration.toMillis(ttl) / 3)))),
          Effect.repeat({ while: (kept) => kept }),
          Effect.tap((kept) => kept ? Effect.void : Effect.logWarning("the claim was lost: another copy may run too")),
          Effect.catch((error) => Effect.logWarning("renewing the claim failed", error)),
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
        Effect.catch((error) => Effect.logWarning("releasing the claim failed; it will expire", error)),
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
 * @since 1.0.0
 * @category combinators
 */
export const tryOnce = <A, E, R>(
  id: string,
  effect: Effect.Effect<A, E, R>,
  options?: OnceOptions
): Effect.Effect<Attempt<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> =>
  Params.validated(() => {
    const ttl = settingsOf(id, options)
    return Effect.flatMap(
      Effect.serviceOption(Dedupe),
      (dedupe): Effect.Effect<Attempt<A>, E | PlatformError.PlatformError, R> => {
        const ran = (value: A): Attempt<A> => ({ _tag: "Ran", value })
        if (Option.isNone(dedupe)) return Effect.map(effect, ran)
        return Effect.flatMap(dedupe.value.claim(id, ttl), (claim) =>
          claim._tag === "Claimed"
            ? Effect.map(runClaimed(dedupe.value, id, claim.token, ttl, effect), ran)
            : Effect.succeed(claim))
      }
    )
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
 * @since 1.0.0
 * @category combinators
 */
export const once = <A, E, R>(
  id: string,
  effect: Effect.Effect<A, E, R>,
  options?: OnceOptions
): Effect.Effect<Option.Option<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> => {
  const attempt = (
    n: number
  ): Effect.Effect<Option.Option<A>, E | PlatformError.PlatformError | Errors.InvalidRequest, R> =>
    Effect.flatMap(tryOnce(id, effect, options), (result) => {
      switch (result._tag) {
        case "Ran":
          return Effect.succeedSome(result.value)
        case "Done":
          return Effect.succeedNone
        case "Busy":
          return Effect.flatMap(
            Clock.currentTimeMillis,
            (now) => Effect.andThen(Effect.sleep(recheck(n, result.expiresAt, now)), attempt(n + 1))
          )
      }
    })
  return attempt(0)
}
