/**
 * Handling each event once: a record of the event ids already handled, kept for a time window, in memory or in
 * any `@effect/platform` `KeyValueStore` (a file on disk, or a store a user plugs in). A redelivered or replayed
 * event whose id is in the record is skipped.
 *
 * @since 0.2.0
 */
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import type * as PlatformError from "@effect/platform/Error"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/**
 * The record of handled ids.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Whether the id was recorded as handled within the window. */
  readonly has: (id: string) => Effect.Effect<boolean, PlatformError.PlatformError>
  /** Records the id as handled, for the window. */
  readonly add: (id: string) => Effect.Effect<void, PlatformError.PlatformError>
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
 * Options of the layers.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** How long an id is remembered. Default 7 days. */
  readonly window?: Duration.DurationInput | undefined
}

const windowMillis = (options: Options): number => Duration.toMillis(Duration.decode(options.window ?? defaultWindow))

/**
 * The record in memory, for one process: at most `maxEntries` ids (default 100,000; the oldest go first), each for
 * the window.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: Options & { readonly maxEntries?: number | undefined } = {}): Layer.Layer<Dedupe> =>
  Layer.sync(Dedupe, () => {
    const window = windowMillis(options)
    const maxEntries = options.maxEntries ?? 100_000
    // Insertion order is expiry order (one window for all), so the first entries are the first to go.
    const expiries = new Map<string, number>()
    return Dedupe.of({
      has: (id) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const expiry = expiries.get(id)
          return expiry !== undefined && expiry > now
        }),
      add: (id) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          expiries.delete(id)
          expiries.set(id, now + window)
          for (const [key, expiry] of expiries) {
            if (expiries.size <= maxEntries && expiry > now) break
            expiries.delete(key)
          }
        })
    })
  })

/**
 * The record in the `KeyValueStore` in context, one key per id (`prefix` + id, default prefix `effect-exa/dedupe/`)
 * holding its expiry: shared by every process using the same store. Expired keys are removed when next read.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerKeyValueStore = (
  options: Options & { readonly prefix?: string | undefined } = {}
): Layer.Layer<Dedupe, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(
    Dedupe,
    Effect.map(KeyValueStore.KeyValueStore, (store) => {
      const window = windowMillis(options)
      const prefix = options.prefix ?? "effect-exa/dedupe/"
      return Dedupe.of({
        has: (id) =>
          Effect.gen(function*() {
            const stored = yield* store.get(prefix + id)
            if (Option.isNone(stored)) return false
            const expiry = Number(stored.value)
            if (Number.isFinite(expiry) && expiry > (yield* Clock.currentTimeMillis)) return true
            yield* store.remove(prefix + id)
            return false
          }),
        add: (id) => Effect.flatMap(Clock.currentTimeMillis, (now) => store.set(prefix + id, String(now + window)))
      })
    })
  )

/**
 * Runs `effect` for an id not yet handled, and records the id once it succeeded: `Some` of its result, or `None`
 * for an id already handled (nothing is run). Without a `Dedupe` in context, it always runs.
 *
 * @since 0.2.0
 * @category combinators
 */
export const once = <A, E, R>(
  id: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<Option.Option<A>, E | PlatformError.PlatformError, R> =>
  Effect.flatMap(Effect.serviceOption(Dedupe), (dedupe) => {
    if (Option.isNone(dedupe)) return Effect.asSome(effect)
    return Effect.flatMap(dedupe.value.has(id), (seen) =>
      seen
        ? Effect.succeedNone
        : Effect.flatMap(effect, (a) => Effect.as(dedupe.value.add(id), Option.some(a))))
  })
