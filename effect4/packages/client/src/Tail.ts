/**
 * Consuming events by polling: `Tail.consume` runs a handler on each new event and records the position in a
 * `Checkpoint`, so a restarted consumer resumes where it left off; `Tail.follow` is an endless stream of new events;
 * `Tail.batches` is the engine under both, for consumers that store events and position together (the Postgres
 * inbox).
 *
 * Exa documents neither the order of `GET /v0/events` nor when an event becomes visible in it, so the tail relies
 * on neither: each poll asks for every event created at or after the newest one handled minus a lookback window
 * (`createdAfter` is inclusive), walks every page of it, and skips the ids it already handled in that window. An
 * event that shows up late, after later ones did, is still handled, as long as it shows up within the lookback.
 * Nor does it trust the events' dates: the position never moves past this machine's clock, so one event dated in
 * the future cannot make later polls skip the present.
 *
 * @since 1.0.0
 */
import type * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as PlatformError from "effect/PlatformError"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Checkpoint from "./Checkpoint.js"
import * as Errors from "./Errors.js"
import { EventsClient, type Service as EventsClientService } from "./EventsClient.js"
import * as Params from "./internal/params.js"

/**
 * How to tail.
 *
 * @since 1.0.0
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
  readonly lookback?: Duration.Input | undefined
  /** Where to start when there is no checkpoint: events created at or after it. Default: now. */
  readonly since?: DateTime.DateTime | Date | string | undefined
  /**
   * How far ahead of this machine's clock an event's `createdAt` may be before it is reported as dated in the
   * future (a warning log and a span event). Such an event is handled either way; the position never moves past
   * the clock. Default 1 minute.
   *
   * @since 1.0.0
   */
  readonly clockSkew?: Duration.Input | undefined
  /**
   * Riding out API outages: a poll that fails with `Transport`, `Timeout`, `RateLimited` or a 5xx `ApiError` (after
   * the client's own retries) is reported and tried again after a backoff, from the same position, instead of
   * ending the tail. `false` ends it on the first such failure. On by default for `consume` and `batches`, off for
   * `stream` and the waits.
   *
   * @since 1.0.0
   */
  readonly outages?: OutagePolicy | boolean | undefined
}

/**
 * How to ride out API outages: a backoff from `initialDelay` (default 1 second), doubling up to `maxDelay`
 * (default 30 seconds), and what to do with each failure besides the warning log (`onFailure`).
 *
 * @since 1.0.0
 * @category models
 */
export interface OutagePolicy {
  readonly initialDelay?: Duration.Input | undefined
  readonly maxDelay?: Duration.Input | undefined
  readonly onFailure?: ((outage: Outage) => Effect.Effect<void>) | undefined
}

/**
 * One failed poll during an outage: the error, how many polls in a row have failed, and when the next one runs.
 *
 * @since 1.0.0
 * @category models
 */
export interface Outage {
  readonly error: Errors.StreamEventsError
  readonly attempt: number
  readonly retryIn: Duration.Duration
}

/**
 * Whether a failure of a poll passes with time (an outage, an overload, a timeout) rather than needing a fix.
 *
 * @since 1.0.0
 * @category outages
 */
export const isOutage = (
  error: unknown
): error is Errors.Transport | Errors.Timeout | Errors.RateLimited | Errors.ApiError =>
  error instanceof Errors.Transport || error instanceof Errors.Timeout || error instanceof Errors.RateLimited ||
  (error instanceof Errors.ApiError && error.status >= 500)

/**
 * The position is older than the API keeps events (60 days): events in between may be gone, so resuming from it
 * could skip some silently. Start over from a newer `since` (under a new checkpoint name, or after clearing it).
 *
 * @since 1.0.0
 * @category errors
 */
export class CheckpointExpired extends Schema.TaggedError<CheckpointExpired>("@effect-exa/client/CheckpointExpired")(
  "CheckpointExpired",
  { position: Schema.String, retention: Schema.Duration }
) {
  override get message(): string {
    return `The position ${this.position} is older than the API keeps events (${Duration.format(this.retention)})`
  }
}

/**
 * How long the API keeps events.
 *
 * @since 1.0.0
 * @category constants
 */
export const retention: Duration.Duration = Duration.days(60)

/**
 * The default lookback window.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultLookback: Duration.Duration = Duration.minutes(5)

/**
 * The default poll schedule: every 5 seconds.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultPoll: Schedule.Schedule<number> = Schedule.spaced("5 seconds")

/**
 * The default clock skew allowance: 1 minute.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultClockSkew: Duration.Duration = Duration.minutes(1)

/**
 * The webset an event is about: its `data.id` for `webset.*` events, else its `data.websetId`; `undefined` when it
 * names none.
 *
 * @since 1.0.0
 * @category getters
 */
export const websetIdOf = (event: Event.Event): string | undefined => {
  const data = event.data as { readonly id?: unknown; readonly websetId?: unknown; readonly object?: unknown } | null
  if (typeof data !== "object" || data === null) return undefined
  if (data.object === "webset" && typeof data.id === "string") return data.id
  return typeof data.websetId === "string" ? data.websetId : undefined
}

interface OutageSettings {
  readonly initialDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly onFailure: ((outage: Outage) => Effect.Effect<void>) | undefined
}

interface Settings {
  readonly types: ReadonlyArray<EventType.EventType> | undefined
  readonly websetId: string | undefined
  readonly poll: Schedule.Schedule<unknown, unknown>
  readonly lookback: number
  readonly clockSkew: number
  /** Epoch milliseconds. */
  readonly since: number | undefined
  readonly outages: OutageSettings | undefined
}

const outageSettings = (value: unknown, byDefault: boolean): OutageSettings | undefined => {
  if (value === false || (value === undefined && !byDefault)) return undefined
  const o = value === true || value === undefined ? {} : Params.record("outages", value as OutagePolicy)
  const initialDelay = o.initialDelay === undefined
    ? Duration.seconds(1)
    : Params.duration("outages.initialDelay", o.initialDelay)
  const maxDelay = o.maxDelay === undefined ? Duration.seconds(30) : Params.duration("outages.maxDelay", o.maxDelay)
  if (Duration.toMillis(initialDelay) <= 0) throw new Params.Invalid("outages.initialDelay must be longer than zero")
  if (Duration.isLessThan(maxDelay, initialDelay)) {
    throw new Params.Invalid("outages.maxDelay must be at least outages.initialDelay")
  }
  if (o.onFailure !== undefined && typeof o.onFailure !== "function") {
    throw new Params.Invalid("outages.onFailure must be a function")
  }
  return { initialDelay, maxDelay, onFailure: o.onFailure }
}

const settingsOf = (options: Options | undefined, outagesByDefault: boolean): Settings => {
  const o = Params.record("the options of the tail", options)
  const lookback = o.lookback === undefined ? defaultLookback : Params.duration("lookback", o.lookback)
  const clockSkew = o.clockSkew === undefined ? defaultClockSkew : Params.duration("clockSkew", o.clockSkew)
  if (o.poll !== undefined && !Schedule.isSchedule(o.poll)) throw new Params.Invalid("poll must be a Schedule")
  if (
    o.outages !== undefined && typeof o.outages !== "boolean" && (typeof o.outages !== "object" || o.outages === null)
  ) {
    throw new Params.Invalid("outages must be true, false or an object")
  }
  return {
    types: o.types === undefined ? undefined : Params.eventTypes("types", o.types),
    websetId: o.websetId === undefined ? undefined : Params.nonEmptyString("websetId", o.websetId),
    poll: o.poll ?? defaultPoll,
    lookback: Duration.toMillis(lookback),
    clockSkew: Duration.toMillis(clockSkew),
    // Read as the API reads it (leap seconds, lower-case separators): a `since` the check accepts is never refused
    // later by the platform's Date.
    since: o.since === undefined ? undefined : Timestamp.parse(Params.timestamp("since", o.since)),
    outages: outageSettings(o.outages, outagesByDefault)
  }
}

const iso = (millis: number): string => DateTime.formatIso(DateTime.makeUnsafe(millis))

const byCreation = (a: Event.Event, b: Event.Event): number => {
  const d = DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt)
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

const wanted = (settings: Settings) => (event: Event.Event): boolean =>
  settings.websetId === undefined || websetIdOf(event) === settings.websetId

/**
 * A tail's position while it runs. `time` (the newest `createdAt` handled, never past the clock) moves only at the
 * end of a poll: pages may come in any order, so until the whole window was walked, an event older than the newest
 * one seen so far may still be on a later page, and must stay inside the next window if the poll is cut short.
 * `seen` holds the ids handled at or after `time - lookback` (the ones the next window can return again), so it
 * grows with the events of one window, never with the history.
 */
class Window {
  private newest: number
  // Ids taken since the last close: the position changed even if `time` did not (late events).
  private taken = false
  constructor(
    readonly from: number,
    public time: number,
    readonly seen: Map<string, number>,
    private readonly lookback: number,
    private readonly clockSkew: number
  ) {
    this.newest = time
  }
  get start(): number {
    return Math.max(this.from, this.time - this.lookback)
  }
  /** The events of a page not handled before, oldest first, now counted as handled. */
  take(events: ReadonlyArray<Event.Event>): Array<Event.Event> {
    // The API's filter is inclusive. An event older than the window (a server that ignores `createdAfter`) is not
    // new: its id may have left `seen` already, and taking it would handle it again at every poll.
    const start = this.start
    const candidates = events.filter((event) =>
      !this.seen.has(event.id) && DateTime.toEpochMillis(event.createdAt) >= start
    )
    candidates.sort(byCreation)
    const fresh: Array<Event.Event> = []
    for (const event of candidates) {
      // A page may hold one id twice.
      if (this.seen.has(event.id)) continue
      const at = DateTime.toEpochMillis(event.createdAt)
      this.seen.set(event.id, at)
      if (at > this.newest) this.newest = at
      fresh.push(event)
    }
    if (fresh.length > 0) this.taken = true
    return fresh
  }
  /**
   * Ends a whole poll at `now`: `time` moves to the newest event seen, but never past `now`, and at least to a
   * lookback (and the clock skew allowance) before `now`: everything created before that which was going to show up
   * within the lookback has shown up by now, so the window need not reach further back, and a tail that keeps
   * polling through a quiet spell never falls out of the API's retention. Ids out of the window go.
   */
  close(now: number): boolean {
    const time = Math.max(this.time, Math.min(this.newest, now), now - this.lookback - this.clockSkew)
    const floor = time - this.lookback
    let changed = time !== this.time || this.taken
    this.taken = false
    this.time = time
    for (const [id, at] of this.seen) {
      if (at < floor) {
        this.seen.delete(id)
        changed = true
      }
    }
    return changed
  }
  position(): Checkpoint.Position {
    return { from: this.from, time: this.time, seen: Array.from(this.seen) }
  }
}

// A stored position (or none: `since`, else now) as a window. A position dated past the clock, written before this
// version clamped it or by a machine whose clock ran ahead, is brought back to now, and said so.
const open = (settings: Settings, stored: Option.Option<Checkpoint.Position>) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (Option.isNone(stored)) {
      const from = settings.since ?? now
      return new Window(from, from, new Map(), settings.lookback, settings.clockSkew)
    }
    const { from, seen, time } = stored.value
    if (time > now + settings.clockSkew || from > now + settings.clockSkew) {
      yield* Effect.logWarning("the stored position is dated in the future; the tail goes on from now").pipe(
        Effect.annotateLogs({ "exa.tail.position": iso(Math.max(time, from)), "exa.tail.now": iso(now) })
      )
    }
    return new Window(Math.min(from, now), Math.min(time, now), new Map(seen), settings.lookback, settings.clockSkew)
  })

/**
 * A step of the tail: the events of one page not handled before (after the `websetId` filter, oldest first), and
 * the position to record once they are handled. The last batch of each poll (`endOfPoll`) may hold no events: it
 * carries the position after the whole window was walked.
 *
 * @since 1.0.0
 * @category models
 */
export interface Batch {
  readonly events: ReadonlyArray<Event.Event>
  /**
   * The position to record once `events` (and those of every batch before) are handled. Built when first read,
   * from the tail as it stands: read it before pulling the next batch.
   */
  readonly position: Checkpoint.Position
  /** How many ids the position holds (what writing it costs), known without building it. */
  readonly windowSize: number
  readonly endOfPoll: boolean
}

const batchOf = (window: Window, events: ReadonlyArray<Event.Event>, endOfPoll: boolean): Batch => {
  let position: Checkpoint.Position | undefined
  return {
    events,
    endOfPoll,
    windowSize: window.seen.size,
    // Copying the window costs as much as the ids in it: only consumers that write this batch pay for it.
    get position() {
      return position ??= window.position()
    }
  }
}

// Reports an event dated past the clock beyond the allowance: it is handled, but the position stops at the clock.
const reportFuture = (settings: Settings, events: ReadonlyArray<Event.Event>, now: number) =>
  Effect.forEach(events, (event) => {
    const at = DateTime.toEpochMillis(event.createdAt)
    if (at <= now + settings.clockSkew) return Effect.void
    const annotations = { "exa.event.id": event.id, "exa.event.created_at": iso(at), "exa.tail.now": iso(now) }
    return Effect.andThen(
      Effect.annotateCurrentSpan("exa.tail.clamped", true),
      Effect.logWarning("an event is dated in the future; it is handled, and the position stays at the clock").pipe(
        Effect.annotateLogs(annotations)
      )
    )
  }, { discard: true })

// One poll: every page of the window, each page's new events as a batch as soon as it arrives, then the position
// after the window.
const pollOnce = (
  client: EventsClientService,
  settings: Settings,
  window: Window
): Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired> =>
  Stream.unwrap(
    Effect.gen(function*(): Effect.fn.Return<Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired>> {
      const now = yield* Clock.currentTimeMillis
      const start = window.start
      if (start < now - Duration.toMillis(retention)) {
        return Stream.fail(new CheckpointExpired({ position: iso(start), retention }))
      }
      const keep = wanted(settings)
      const pages = Stream.chunks(client.streamEvents({
        createdAfter: iso(start),
        limit: 200,
        ...(settings.types === undefined ? {} : { types: settings.types })
      }))
      const batches = Stream.mapEffect(pages, (page) => {
        const fresh = window.take(page)
        return Effect.as(reportFuture(settings, fresh, now), batchOf(window, fresh.filter(keep), false))
      })
      const last = Stream.suspend(() => window.close(now) ? Stream.make(batchOf(window, [], true)) : Stream.empty)
      return Stream.concat(Stream.filter(batches, (batch) => batch.events.length > 0), last)
    })
  ).pipe(Stream.withSpan("Tail.poll"))

// Polls that fail with an outage are reported and run again (from the window as it stands: nothing handled is
// handled twice) after a backoff that grows while they keep failing and starts over once one succeeds.
const ridingOut = (
  poll: Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired>,
  outages: OutageSettings | undefined
): Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired> => {
  if (outages === undefined) return poll
  const retry = (attempt: number): Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired> =>
    Stream.catchIf(poll, isOutage, (error) => {
      const millis = Math.min(
        Duration.toMillis(outages.maxDelay),
        Duration.toMillis(outages.initialDelay) * 2 ** (attempt - 1)
      )
      const outage: Outage = { error, attempt, retryIn: Duration.millis(millis) }
      const report = Effect.logWarning(
        `polling events failed; trying again in ${Duration.format(outage.retryIn)}`,
        error
      ).pipe(
        Effect.annotateLogs({ "exa.tail.attempt": attempt, "exa.error": error._tag }),
        Effect.andThen(
          outages.onFailure === undefined ? Effect.void : Effect.suspend(() => outages.onFailure!(outage))
        ),
        // What the caller's report does is its own business: a failure or a defect there ends nothing.
        Effect.catchCause(() => Effect.void),
        Effect.andThen(Effect.sleep(outage.retryIn))
      )
      return Stream.concat(Stream.fromEffectDrain(report), retry(attempt + 1))
    })
  return retry(1)
}

/**
 * The tail as a stream of batches, from a stored position (or, without one, from `since`, default now): for
 * consumers that record events and position together, such as a database inbox that inserts a batch's events and
 * its position in one transaction. Pull-based: the next page is asked for only once the previous batch was
 * consumed. Runs until the `poll` schedule ends (never, by default) or a failure that is not an outage.
 *
 * @since 1.0.0
 * @category streams
 */
export const batches = (
  stored: Option.Option<Checkpoint.Position>,
  options?: Options
): Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  batchesWith(stored, options, true)

const batchesWith = (
  stored: Option.Option<Checkpoint.Position>,
  options: Options | undefined,
  outagesByDefault: boolean
): Stream.Stream<Batch, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Stream.unwrap(Params.validated(() => {
    const settings = settingsOf(options, outagesByDefault)
    if (!Option.isOption(stored)) throw new Params.Invalid("the stored position must be an Option")
    return Effect.gen(function*() {
      const client = yield* Effect.service(EventsClient)
      const window = yield* open(settings, stored)
      return Stream.repeat(ridingOut(pollOnce(client, settings, window), settings.outages), settings.poll)
    })
  }))

/**
 * Follows the API, as `tail -f` follows a file: an endless stream of new events, oldest first in each page, from
 * `since` (default now), every page of each window walked, each event once. (`EventsClient.streamEvents`, by
 * contrast, is finite and newest first.) Requests are retried by the client's policy; a failure that outlasts it
 * ends the stream unless `outages` is set. For a position that survives restarts, use `consume`.
 *
 * @since 1.0.0
 * @category streams
 */
export const follow = (
  options?: Options
): Stream.Stream<Event.Event, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Stream.flattenIterable(Stream.map(batchesWith(Option.none(), options, false), (batch) => batch.events))

/**
 * Runs `handle` on every new event, page by page (oldest first within a page), and records the position under
 * `name` in the `Checkpoint` in context once a page's events are handled: at least once. A consumer started again
 * under the same name (after a crash, a deploy) resumes after the last event it handled; one whose handler failed
 * records what it handled before and handles that event again. Without a stored position it starts at `since`
 * (default now). API outages are ridden out by default (`outages`). Runs until the `poll` schedule ends (never, by
 * default) or a failure: the handler's, a request's that is not an outage, or the checkpoint store's.
 *
 * @since 1.0.0
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
    if (typeof handle !== "function") throw new Params.Invalid("handle must be a function")
    settingsOf(options, true)
    return Effect.gen(function*() {
      const store = yield* Effect.service(Checkpoint.Checkpoint)
      const stored = yield* store.get(key)
      // Written at the end of each poll, and after a page once the events handled since the last write are a
      // quarter of the window's ids or more: each write copies the whole window, so this keeps the cost of writes
      // in proportion to the events handled, however many share one window.
      let unwritten = 0
      let current: Batch | undefined
      let done = 0
      const step = (batch: Batch) =>
        Effect.gen(function*() {
          current = batch
          done = 0
          for (const event of batch.events) {
            yield* handle(event)
            done++
            unwritten++
          }
          if (batch.endOfPoll || unwritten * 4 >= batch.windowSize) {
            yield* store.set(key, batch.position)
            unwritten = 0
          }
        })
      // Stopped by a failure or an interruption between writes: what was handled is recorded on the way out (not
      // the events of the batch still to handle), so a restart does not handle it again.
      const progress = Effect.suspend(() => {
        if (unwritten === 0 || current === undefined) return Effect.void
        const pending = new Set(current.events.slice(done).map((event) => event.id))
        const position = current.position
        return store.set(key, { ...position, seen: position.seen.filter(([id]) => !pending.has(id)) })
      })
      yield* Stream.runForEach(batches(stored, options), step).pipe(
        Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : Effect.ignore(progress))
      )
    })
  })

/**
 * Options of `waitFor`: the tail's, and how long to wait.
 *
 * @since 1.0.0
 * @category models
 */
export interface WaitOptions extends Options {
  /** How long to wait before giving up (`Option.none()`). Default: no limit. */
  readonly timeout?: Duration.Input | undefined
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
 * @since 1.0.0
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
    const first = Stream.runHead(Stream.filter(follow(tail), matches))
    return timeout === undefined
      ? first
      : Effect.map(Effect.timeoutOption(first, timeout), Option.flatten)
  })

/**
 * Waits until the webset's next `webset.idle` event arrives (from `since`, default now): `Some` of it, or `None`
 * after `timeout`.
 *
 * @since 1.0.0
 * @category waiting
 */
export const awaitIdle = (
  websetId: string,
  options?: WaitOptions
): Effect.Effect<Option.Option<Event.WebsetIdleEvent>, Errors.StreamEventsError | CheckpointExpired, EventsClient> =>
  Params.validated(() => waitFor("webset.idle", { ...Params.record("the options of awaitIdle", options), websetId }))
