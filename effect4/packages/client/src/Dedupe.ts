/**
 * Handling each event once, also when copies of it arrive at the same time (Exa redelivers while a slow handler
 * runs, two replicas get the same event): an event id is **claimed** before its handler runs (a claim with an
 * expiry, renewed while the handler runs), marked **done** after it succeeded (remembered for a window), and
 * **released** when it failed, so that a redelivery runs it again. A claimant that crashes releases nothing: its
 * claim expires, and the next copy takes it over.
 *
 * The store here is in memory (one process); it is race free: of any number of concurrent copies, one claims and the
 * others see it busy. (The Effect 3 line's store in files, `layerFileSystem`, is not ported yet.)
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
import type * as PlatformError from "effect/PlatformError"
import type * as Errors from "./Errors.js"
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
