/**
 * Consuming events by polling: `Tail.stream` is an endless stream of new events, and `Tail.consume` runs a handler
 * on each one and records the position in a `Checkpoint` after it succeeded, so a restarted consumer resumes where
 * it left off.
 *
 * Exa documents neither the order of `GET /v0/events` nor when an event becomes visible in it, so the tail relies
 * on neither: each poll asks for every event created at or after the newest one handled minus a lookback window
 * (`createdAfter` is inclusive), walks every page of it, and skips the ids it already handled in that window. An
 * event that shows up late, after later ones did, is still handled, as long as it shows up within the lookback.
 *
 * @since 0.2.0
 */
import type * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import type * as PlatformError from "@effect/platform/Error"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Checkpoint from "./Checkpoint.js"
import type * as Errors from "./Errors.js"
import { EventsClient } from "./EventsClient.js"
import * as Params from "./internal/params.js"

/**
 * How to tail.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Only events of these types (a filter the API applies). */
  readonly types?: ReadonlyArray<EventType.EventType> | undefined
  /**
   * Only events about this webset (applied here: the API has no such filter). An event whose data names no webset
   * (an import, a monitor run) is left out.
   */
  readonly websetId?: string | undefined
  /** When to poll again after a poll. Default every 5 seconds. */
  readonly poll?: Schedule.Schedule<unknown, unknown> | undefined
  /**
   * How late an event may show up (after events created later than it did) and still be handled. Default 5 minutes.
   * A longer window costs a larger first page per poll.
   */
  readonly lookback?: Duration.DurationInput | undefined
  /** Where to start when there is no checkpoint: events created at or after it. Default: now. */
  readonly since?: DateTime.DateTime | Date | string | undefined
}

/**
 * The position is older than the API keeps events (60 days): events in between may be gone, so resuming from it
 * could skip some silently. Start over from a newer `since` (under a new checkpoint name, or after clearing it).
 *
 * @since 0.2.0
 * @category errors
 */
export class CheckpointExpired extends Schema.TaggedError<CheckpointExpired>("@effect-exa/client/CheckpointExpired")(
  "CheckpointExpired",
  { position: Schema.String, retention: Schema.DurationFromSelf }
) {
  override get message(): string {
    return `The position ${this.position} is older than the API keeps events (${Duration.format(this.retention)})`
  }
}

/**
 * How long the API keeps events.
 *
 * @since 0.2.0
 * @category constants
 */
export const retention: Duration.Duration = Duration.days(60)

/**
 * The default lookback window.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultLookback: Duration.Duration = Duration.minutes(5)

/**
 * The default poll schedule: every 5 seconds.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultPoll: Schedule.Schedule<number> = Schedule.spaced("5 seconds")

/**
 * The webset an event is about: its `data.id` for `webset.*` events, else its `data.websetId`; `undefined` when it
 * names none.
 *
 * @since 0.2.0
 * @category getters
 */
export const websetIdOf = (event: Event.Event): string | undefined => {
  const data = event.data as { readonly id?: unknown; readonly websetId?: unknown; readonly object?: unknown } | null
  if (typeof data !== "object" || data === null) return undefined
  if (data.object === "webset" && typeof data.id === "string") return data.id
  return typeof data.websetId === "string" ? data.websetId : undefined
}

interface Settings {
  readonly types: ReadonlyArray<EventType.EventType> | undefined
  readonly websetId: string | undefined
  readonly poll: Schedule.Schedule<unknown, unknown>
  readonly lookback: number
  readonly since: string | undefined
}

const settingsOf = (options: Options | undefined): Settings => {
  const o = Params.record("the options of the tail", options)
  const lookback = o.lookback === undefined ? defaultLookback : Params.duration("lookback", o.lookback)
  if (o.poll !== undefined && !Schedule.isSchedule(o.poll)) throw new Params.Invalid("poll must be a Schedule")
  return {
    types: o.types === undefined ? undefined : Params.eventTypes("types", o.types),
    websetId: o.websetId === undefined ? undefined : Params.nonEmptyString("websetId", o.websetId),
    poll: o.poll ?? defaultPoll,
    lookback: Duration.toMillis(lookback),
    since: o.since === undefined ? undefined : Params.timestamp("since", o.since)
  }
}

const start = (settings: Settings): Effect.Effect<Checkpoint.Position> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const from = settings.since === undefined ? now : DateTime.toEpochMillis(DateTime.unsafeMake(settings.since))
    return { from, time: from, seen: [] }
  })

const iso = (millis: number): string => DateTime.formatIso(DateTime.unsafeMake(millis))

/** The position after handling one more event. */
const advance = (position: Checkpoint.Position, event: Event.Event, lookback: number): Checkpoint.Position => {
  const at = DateTime.toEpochMillis(event.createdAt)
  const time = Math.max(position.time, at)
  const floor = time - lookback
  return {
    from: position.from,
    time,
    seen: [...position.seen.filter(([id, t]) => t >= floor && id !== event.id), [event.id, at] as const]
  }
}

const byCreation = (a: Event.Event, b: Event.Event): number => {
  const d = DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt)
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** One poll: every event in the window not handled yet, oldest first, with the position after all of them. */
const poll = (client: EventsClient["Type"], settings: Settings, position: Checkpoint.Position) =>
  Effect.gen(function*() {
    const windowStart = Math.max(position.from, position.time - settings.lookback)
    const now = yield* Clock.currentTimeMillis
    if (windowStart < now - Duration.toMillis(retention)) {
      return yield* Effect.fail(new CheckpointExpired({ position: iso(windowStart), retention }))
    }
    const all = yield* Stream.runCollect(client.streamEvents({
      createdAfter: iso(windowStart),
      limit: 200,
      ...(settings.types === undefined ? {} : { types: settings.types })
    }))
    const seen = new Set(position.seen.map(([id]) => id))
    const fresh: Array<Event.Event> = []
    for (const event of Chunk.toReadonlyArray(all)) {
      // The API's filter is inclusive; the window may also reach before `from`.
      if (seen.has(event.id) || DateTime.toEpochMillis(event.createdAt) < position.from) continue
      seen.add(event.id)
      fresh.push(event)
    }
    return fresh.sort(byCreation)
  })

const wanted = (settings: Settings) => (event: Event.Event): boolean =>
  settings.websetId === undefined || websetIdOf(event) === settings.websetId

/**
 * An endless stream of new events, oldest first in each poll, from `since` (default now): every page of each
 * window walked, each event once. Requests are retried by the client's policy; a failure that outlasts it ends
 * the stream. For a position that survives restarts, use `consume`.
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options?: Options
): Stream.Stream<Event.Event, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Stream.unwrap(Params.validated(() => {
    const settings = settingsOf(options)
    return Effect.gen(function*() {
      const client = yield* EventsClient
      const position = yield* Ref.make(yield* start(settings))
      const once = Effect.gen(function*() {
        const events = yield* poll(client, settings, yield* Ref.get(position))
        yield* Ref.update(position, (p) => events.reduce((q, e) => advance(q, e, settings.lookback), p))
        return Chunk.unsafeFromArray(events.filter(wanted(settings)))
      })
      return Stream.flattenChunks(Stream.repeatEffectWithSchedule(once, settings.poll))
    })
  }))

/**
 * Runs `handle` on every new event, in order, and after each success records the position under `name` in the
 * `Checkpoint` in context: at least once. A consumer started again under the same name (after a crash, a deploy)
 * resumes after the last event it handled; one whose handler failed handles that event again. Without a stored
 * position it starts at `since` (default now). Runs until the `poll` schedule ends (never, by default) or a
 * failure: the handler's, a request's (after the client's retries), or the checkpoint store's.
 *
 * @since 0.2.0
 * @category consuming
 */
export const consume = <E, R>(
  name: string,
  handle: (event: Event.Event) => Effect.Effect<unknown, E, R>,
  options?: Options
): Effect.Effect<
  void,
  | E
  | Errors.StreamEventsError
  | CheckpointExpired
  | Checkpoint.CheckpointUnreadable
  | PlatformError.PlatformError,
  R | EventsClient | Checkpoint.Checkpoint
> =>
  Params.validated(() => {
    const key = Params.nonEmptyString("the checkpoint name", name)
    const settings = settingsOf(options)
    return Effect.gen(function*() {
      const client = yield* EventsClient
      const store = yield* Checkpoint.Checkpoint
      const stored = yield* store.get(key)
      const position = yield* Ref.make(Option.isSome(stored) ? stored.value : yield* start(settings))
      const keep = wanted(settings)
      const once = Effect.gen(function*() {
        const events = yield* poll(client, settings, yield* Ref.get(position))
        for (const event of events) {
          if (keep(event)) yield* handle(event)
          const next = advance(yield* Ref.get(position), event, settings.lookback)
          yield* store.set(key, next)
          yield* Ref.set(position, next)
        }
      })
      yield* Effect.repeat(once, settings.poll)
    })
  })

/**
 * Options of `waitFor`: the tail's, and how long to wait.
 *
 * @since 0.2.0
 * @category models
 */
export interface WaitOptions extends Options {
  /** How long to wait before giving up (`Option.none()`). Default: no limit. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * Waits for the first new event of a type, or matching a predicate, from `since` (default now): `Some` of it, or
 * `None` when `timeout` passes first. Built on the tail (polls on the `poll` schedule, no busy loop), and
 * interruptible.
 *
 * @example
 * ```ts
 * import { Tail } from "@effect-exa/client"
 *
 * // The next item enriched in this webset, or none within ten minutes.
 * const next = Tail.waitFor("webset.item.enriched", { websetId: "webset_123", timeout: "10 minutes" })
 * ```
 *
 * @since 0.2.0
 * @category waiting
 */
export const waitFor: {
  <T extends EventType.KnownEventType>(
    type: T,
    options?: WaitOptions
  ): Effect.Effect<Option.Option<Event.ByType<T>>, Errors.StreamEventsError | CheckpointExpired, EventsClient>
  <A extends Event.Event>(
    predicate: (event: Event.Event) => event is A,
    options?: WaitOptions
  ): Effect.Effect<Option.Option<A>, Errors.StreamEventsError | CheckpointExpired, EventsClient>
  (
    predicate: (event: Event.Event) => boolean,
    options?: WaitOptions
  ): Effect.Effect<Option.Option<Event.Event>, Errors.StreamEventsError | CheckpointExpired, EventsClient>
} = (
  what: string | ((event: Event.Event) => boolean),
  options?: WaitOptions
): Effect.Effect<Option.Option<any>, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Params.validated(() => {
    const o = Params.record("the options of waitFor", options)
    const timeout = o.timeout === undefined ? undefined : Params.duration("timeout", o.timeout)
    const matches = typeof what === "string"
      ? (event: Event.Event) => event.type === what
      : typeof what === "function"
      ? what
      : undefined
    if (matches === undefined) throw new Params.Invalid("waitFor needs an event type or a predicate")
    const { timeout: _, ...tail } = o
    const first = Stream.runHead(Stream.filter(stream(tail), matches))
    return timeout === undefined
      ? first
      : Effect.timeoutTo(first, { duration: timeout, onTimeout: () => Option.none(), onSuccess: (found) => found })
  })

/**
 * Waits until the webset's next `webset.idle` event arrives (from `since`, default now): `Some` of it, or `None`
 * after `timeout`.
 *
 * @since 0.2.0
 * @category waiting
 */
export const awaitIdle = (
  websetId: string,
  options?: WaitOptions
): Effect.Effect<Option.Option<Event.WebsetIdleEvent>, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Params.validated(() => waitFor("webset.idle", { ...Params.record("the options of awaitIdle", options), websetId }))
