/**
 * A durable inbox of events in PostgreSQL, for consumers that run on several replicas: nothing lost, and nothing
 * handled twice by the handler's own database writes.
 *
 * - Events go into a table keyed by (inbox, event id) with `INSERT … ON CONFLICT DO NOTHING`: an event polled twice,
 *   or delivered again by a webhook, is one row.
 * - One replica at a time polls the Events API (`poll`): it holds a `Lease`, and writes each batch of new events
 *   together with the tail's position in one transaction fenced by the lease's token, so the position never runs
 *   ahead of the inbox and a deposed poller writes nothing.
 * - Every replica runs workers (`work`): each claims pending rows with `SELECT … FOR UPDATE SKIP LOCKED` and runs the
 *   handler inside that transaction, so the handler's writes through the same `SqlClient` commit with the row's
 *   "done" mark (once), while its other effects (an HTTP call, an email) may run again after a crash (at least once:
 *   use the event id as their idempotency key). A failed handler's writes roll back (to a savepoint set before its
 *   first statement: a handler that writes nothing costs none); the row is retried later, with a growing delay.
 *   Stored events are announced with `NOTIFY`, and workers on `PgClient` listen, so an idle worker on any replica
 *   starts at once.
 * - A webhook receiver can acknowledge a delivery as soon as the event is in the inbox (`enqueue`).
 *
 * Built on `@effect/sql`'s `SqlClient` (an optional peer dependency; the SQL is PostgreSQL's): provide
 * `PgClient.layer` from `@effect/sql-pg`. Not exported from the package root; import `@effect-exa/client/Inbox`.
 *
 * @since 0.3.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlConnection from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Checkpoint from "./Checkpoint.js"
import type * as Errors from "./Errors.js"
import type { EventsClient } from "./EventsClient.js"
import { positive, settingsOf as leaseSettingsOf } from "./internal/leaseSettings.js"
import { listening } from "./internal/listening.js"
import * as Params from "./internal/params.js"
import * as Lease from "./Lease.js"
import * as Tail from "./Tail.js"

/**
 * The table of events.
 *
 * @since 0.3.0
 * @category constants
 */
export const table = "effect_exa_inbox"

/**
 * The table of the pollers' positions (one row per inbox).
 *
 * @since 0.3.0
 * @category constants
 */
export const positionTable = "effect_exa_inbox_position"

/**
 * The PostgreSQL notification channel on which new events in an inbox are announced, when they are stored (by the
 * poller or `enqueue`): the payload is the inbox's name (`*` for a name over 1,000 bytes). Workers on
 * `@effect/sql-pg`'s `PgClient` listen on it, so that a worker on any replica starts at once instead of at its next
 * `idle` look.
 *
 * @since 0.3.0
 * @category constants
 */
export const channel = "effect_exa_inbox"

/**
 * How failed events are retried: after `initialDelay`, doubling at each failure up to `maxDelay`.
 *
 * @since 0.3.0
 * @category models
 */
export interface RetryOptions {
  /** The delay after the first failure. Default 1 second. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** The longest delay. Default 5 minutes. */
  readonly maxDelay?: Duration.DurationInput | undefined
}

/**
 * How the workers of one replica run.
 *
 * @since 0.3.0
 * @category models
 */
export interface WorkOptions {
  /** How many workers this replica runs (each holds one database connection while it works). Default 1. */
  readonly workers?: number | undefined
  /**
   * How many events a worker claims per transaction (1 to 1000). Default 10. A worker that dies mid-batch gives all
   * of them back: their database writes roll back, their other effects run again.
   */
  readonly batchSize?: number | undefined
  /**
   * How long an idle worker waits before it looks for events again. New events wake it at once: those this
   * replica's poller stores, and on `@effect/sql-pg`'s `PgClient` those any replica stores (announced on `channel`,
   * heard on the connection `PgClient` keeps beside its pool for `LISTEN`). Default 1 second.
   */
  readonly idle?: Duration.DurationInput | undefined
  /** How failed events are retried. */
  readonly retry?: RetryOptions | undefined
}

/**
 * How the poller runs: the tail's options (`types`, `websetId`, `poll`, `lookback`, `since`, …) and the lease's.
 *
 * @since 0.3.0
 * @category models
 */
export interface PollOptions {
  readonly tail?: Tail.Options | undefined
  readonly lease?: Lease.Options | undefined
  /**
   * How long handled rows are kept (they make a redelivered webhook event a no-op); the lease holder deletes older
   * ones every 10 minutes (`sweep` does it by hand). Default 7 days.
   */
  readonly retention?: Duration.DurationInput | undefined
}

/**
 * Options of `consume`: the poller's and the workers'.
 *
 * @since 0.3.0
 * @category models
 */
export interface Options extends WorkOptions, PollOptions {}

/**
 * What a handler is told besides the event.
 *
 * @since 0.3.0
 * @category models
 */
export interface Attempt {
  /** The inbox's name. */
  readonly inbox: string
  /** 1 the first time this event is handled, then 2, 3, … after failures. */
  readonly attempt: number
}

/**
 * How many rows an inbox holds, by state.
 *
 * @since 0.3.0
 * @category models
 */
export interface Status {
  /** Not handled yet (whether never tried or waiting for a retry). */
  readonly pending: number
  /** Pending rows that failed at least once. */
  readonly failing: number
  /** Handled, kept for `retention`. */
  readonly done: number
}

/**
 * The default retention of handled rows: 7 days.
 *
 * @since 0.3.0
 * @category constants
 */
export const defaultRetention: Duration.Duration = Duration.days(7)

const sweepEvery = Duration.minutes(10)
/** How often, at most, a poller that stored nothing new writes its position (its time moves on in quiet spells). */
const positionEvery = 1000

interface WorkSettings {
  readonly workers: number
  readonly batchSize: number
  readonly idle: number
  readonly initialDelay: number
  readonly maxDelay: number
}

interface PollSettings {
  readonly retention: number
  /** Where a poller with no stored position starts (epoch millis); `undefined`: now. */
  readonly since: number | undefined
}

const retentionOf = (value: unknown): number =>
  value === undefined ? Duration.toMillis(defaultRetention) : positive("retention", value)

const workSettingsOf = (options: WorkOptions | undefined): WorkSettings => {
  const o = Params.record("the inbox options", options)
  const r = Params.record("retry", o.retry)
  const initialDelay = r.initialDelay === undefined ? 1000 : positive("retry.initialDelay", r.initialDelay)
  const maxDelay = r.maxDelay === undefined ? Math.max(initialDelay, 300_000) : positive("retry.maxDelay", r.maxDelay)
  if (maxDelay < initialDelay) throw new Params.Invalid("retry.maxDelay must be at least retry.initialDelay")
  const idle = o.idle === undefined ? 1000 : positive("idle", o.idle)
  return {
    workers: o.workers === undefined ? 1 : Params.integer("workers", o.workers, 1, 1000),
    batchSize: o.batchSize === undefined ? 10 : Params.integer("batchSize", o.batchSize, 1, 1000),
    idle,
    initialDelay,
    maxDelay
  }
}

const pollSettingsOf = (options: PollOptions | undefined): PollSettings => {
  const o = Params.record("the inbox options", options)
  leaseSettingsOf(o.lease)
  const tail = Params.record("tail", o.tail)
  const since = tail.since === undefined ? undefined : Timestamp.parse(Params.timestamp("tail.since", tail.since))
  return { retention: retentionOf(o.retention), since }
}

const inboxName = (name: unknown): string => Params.nonEmptyString("the inbox name", name)

/**
 * Creates the inbox's tables (and the lease table) if they are missing. Safe to run from several processes at once;
 * `consume` runs it first.
 *
 * @since 0.3.0
 * @category setup
 */
export const setup: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.gen(function*() {
  yield* Lease.setup
  const sql = yield* SqlClient.SqlClient
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`SELECT pg_advisory_xact_lock(hashtext(${table}))`
    yield* sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
      inbox text NOT NULL,
      event_id text NOT NULL,
      event_type text NOT NULL,
      created_at timestamptz NOT NULL,
      event jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      available_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      done_at timestamptz,
      PRIMARY KEY (inbox, event_id)
    )`
    // In the workers' claim order: a claim reads its batch off the index, instead of sorting every pending row that
    // shares one `available_at` (all the rows of one insert do), which made draining a backlog quadratic.
    yield* sql`CREATE INDEX IF NOT EXISTS ${sql(`${table}_pending`)} ON ${
      sql(table)
    } (inbox, available_at, created_at) WHERE done_at IS NULL`
    yield* sql`CREATE INDEX IF NOT EXISTS ${sql(`${table}_done`)} ON ${
      sql(table)
    } (inbox, done_at) WHERE done_at IS NOT NULL`
    yield* sql`CREATE TABLE IF NOT EXISTS ${sql(positionTable)} (
      inbox text PRIMARY KEY,
      position jsonb NOT NULL,
      token bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  }))
}).pipe(Effect.withSpan("Inbox.setup"))

const encodeEvent = Schema.encodeSync(Event.Event)
// Built once: `Schema.is` compiles the union's type checker when called, which cost about 2 ms per enqueued event.
const isEvent = Schema.is(Event.Event)
const encodePosition = Schema.encodeSync(Checkpoint.Position)
const decodePosition = Schema.decodeUnknownEither(Checkpoint.Position)

type Row = {
  readonly inbox: string
  readonly event_id: string
  readonly event_type: string
  readonly created_at: string
  readonly event: string
}

// The rows of events (throws when one cannot be encoded: not an `Event`).
const rowsOf = (inbox: string, events: ReadonlyArray<Event.Event>): ReadonlyArray<Row> =>
  events.map((event) => ({
    inbox,
    event_id: event.id,
    event_type: event.type,
    created_at: DateTime.formatIso(event.createdAt),
    event: JSON.stringify(encodeEvent(event))
  }))

const utf8 = new TextEncoder()

// What a notification of new events in `inbox` carries: its name, unless that would come near PostgreSQL's limit
// on a payload (8,000 bytes), where the insert itself would fail; then `*`. A worker wakes on its own inbox's payload,
// so the workers of every inbox with so long a name wake on `*` (and look in vain when it was another's).
const payloadOf = (inbox: string): string => utf8.encode(inbox).length <= 1000 ? inbox : "*"

// Inserts rows, ignoring events already in the inbox, and announces new ones on `channel` (sent at commit, once per
// transaction): one statement, so that an enqueued delivery costs one round trip. How many were new.
const insert = (sql: SqlClient.SqlClient, inbox: string, rows: ReadonlyArray<Row>) =>
  rows.length === 0 ? Effect.succeed(0) : Effect.map(
    sql<{ readonly inserted: number }>`
      WITH inserted AS (
        INSERT INTO ${sql(table)} ${sql.insert(rows)}
        ON CONFLICT (inbox, event_id) DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS inserted,
        CASE WHEN count(*) > 0 THEN pg_notify(${channel}, ${payloadOf(inbox)})::text END AS announced
      FROM inserted`,
    (result) => result[0]?.inserted ?? 0
  )

/**
 * A webhook handler that puts each verified event in the inbox `name`: succeeds once the event is stored (`true`),
 * or was already (`false`: a redelivery, or an event the poller stored), so the receiver can answer 204 right away
 * and the workers handle it later. For `WebhookReceiver.make({ secret, handle: Inbox.enqueue("exa") })`.
 *
 * @since 0.3.0
 * @category enqueueing
 */
export const enqueue = (
  name: string
): (event: Event.Event) => Effect.Effect<boolean, SqlError | Errors.InvalidRequest, SqlClient.SqlClient> =>
(event) =>
  Params.validated(() => {
    const inbox = inboxName(name)
    if (!isEvent(event)) throw new Params.Invalid("enqueue takes an Event")
    const rows = rowsOf(inbox, [event])
    return Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.map(insert(sql, inbox, rows), (n) => n > 0)).pipe(
      Effect.withSpan("Inbox.enqueue", { attributes: { "exa.inbox": inbox, "exa.event.id": event.id } })
    )
  })

/**
 * The poller's stored position for the inbox `name`, if any.
 *
 * @since 0.3.0
 * @category polling
 */
export const position = (
  name: string
): Effect.Effect<
  Option.Option<Checkpoint.Position>,
  Checkpoint.CheckpointUnreadable | SqlError | Errors.InvalidRequest,
  SqlClient.SqlClient
> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    return Effect.flatMap(SqlClient.SqlClient, (sql) => readPosition(sql, inbox))
  })

const readPosition = (sql: SqlClient.SqlClient, inbox: string) =>
  Effect.flatMap(
    sql<{ readonly position: unknown }>`SELECT position FROM ${sql(positionTable)} WHERE inbox = ${inbox}`,
    (rows) => {
      if (rows.length === 0) return Effect.succeedNone
      const decoded = decodePosition(rows[0]!.position)
      return Either.isRight(decoded)
        ? Effect.succeedSome(decoded.right)
        : Effect.fail(
          new Checkpoint.CheckpointUnreadable({ name: inbox, reason: "it is not a position this version wrote" })
        )
    }
  )

const writePosition = (sql: SqlClient.SqlClient, inbox: string, lease: Lease.Lease, position: Checkpoint.Position) =>
  sql`
    INSERT INTO ${sql(positionTable)} (inbox, position, token, updated_at)
    VALUES (${inbox}, ${JSON.stringify(encodePosition(position))}::jsonb, ${lease.token}, now())
    ON CONFLICT (inbox) DO UPDATE SET position = excluded.position, token = excluded.token, updated_at = now()`

// One batch of the tail, durably: its new events and, when `withPosition`, the position after them, in one
// transaction fenced by the lease's token. A failure anywhere rolls both back, so the position never runs ahead of
// the inbox.
const store = (sql: SqlClient.SqlClient, inbox: string, lease: Lease.Lease, batch: Tail.Batch, withPosition: boolean) =>
  lease.fenced(Effect.gen(function*() {
    const inserted = yield* insert(sql, inbox, rowsOf(inbox, batch.events))
    if (withPosition) yield* writePosition(sql, inbox, lease, batch.position)
    return inserted
  })).pipe(Effect.withSpan("Inbox.store", {
    attributes: {
      "exa.inbox": inbox,
      "exa.inbox.batch": batch.events.length,
      "exa.inbox.position_ids": withPosition ? batch.windowSize : 0
    }
  }))

/**
 * Deletes the rows of the inbox `name` handled longer ago than `olderThan`; how many.
 *
 * @since 0.3.0
 * @category maintenance
 */
export const sweep = (
  name: string,
  olderThan: Duration.DurationInput
): Effect.Effect<number, SqlError | Errors.InvalidRequest, SqlClient.SqlClient> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    const millis = Duration.toMillis(Params.duration("olderThan", olderThan))
    return Effect.flatMap(SqlClient.SqlClient, (sql) => sweepWith(sql, inbox, millis))
  })

const sweepWith = (sql: SqlClient.SqlClient, inbox: string, millis: number) =>
  Effect.map(
    sql<{ readonly n: number }>`
      WITH gone AS (
        DELETE FROM ${sql(table)}
        WHERE inbox = ${inbox} AND done_at IS NOT NULL AND done_at < now() - ${millis}::float8 * interval '1 millisecond'
        RETURNING 1
      ) SELECT count(*)::int AS n FROM gone`,
    (rows) => rows[0]?.n ?? 0
  ).pipe(Effect.withSpan("Inbox.sweep", { attributes: { "exa.inbox": inbox } }))

/**
 * Wakes this replica's idle workers when new events are stored, one worker per wake: a worker that then claims a
 * full batch wakes the next, so a burst draws in as many workers as it needs and a single event only one. A wake
 * while no worker is idle is kept (one at most), so a worker that was looking meanwhile looks again at once.
 */
interface Wakeup {
  readonly wait: (millis: number) => Effect.Effect<void>
  readonly wake: Effect.Effect<void>
}

const makeWakeup: Effect.Effect<Wakeup> = Effect.map(Queue.sliding<void>(1), (tokens) => ({
  wait: (millis) => Effect.raceFirst(Queue.take(tokens), Effect.sleep(Duration.millis(millis))),
  wake: Effect.asVoid(Queue.offer(tokens, undefined))
}))

// Wakes `wakeup` whenever new events of `inbox` are announced on `channel` (by any replica's poller or receiver), for
// as long as the enclosing scope lives, on one connection of the client's. A client that cannot listen, an
// announcement made before the listening started, or a lost listening connection (listened for again a second
// later) leaves the workers to their `idle` looks: a missed announcement delays an event by `idle` at most.
const listenFor = (sql: SqlClient.SqlClient, inbox: string, wakeup: Wakeup) => {
  const listener = listening(sql)
  if (listener === undefined) return Effect.void
  const own = payloadOf(inbox)
  return listener.listen(channel).pipe(
    Stream.runForEach((payload) => payload === own ? wakeup.wake : Effect.void),
    Effect.catchAllCause((cause) =>
      Effect.logDebug("cannot listen for new events in the inbox; workers look every idle period", cause)
    ),
    Effect.zipRight(Effect.sleep(Duration.seconds(1))),
    Effect.forever,
    Effect.forkScoped,
    Effect.asVoid
  )
}

const pollWith = (inbox: string, options: PollOptions | undefined, settings: PollSettings, wake: Effect.Effect<void>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Lease.run(inbox, (lease) =>
      Effect.gen(function*() {
        yield* Effect.logInfo("polling for the inbox").pipe(
          Effect.annotateLogs({ "exa.inbox": inbox, "exa.lease.token": lease.token })
        )
        // The holder keeps the inbox trim; a fork of this term, so it stops with it.
        yield* Effect.fork(Effect.repeat(
          Effect.ignore(
            Effect.tapError(
              sweepWith(sql, inbox, settings.retention),
              (error) => Effect.logWarning("could not sweep the inbox", error)
            )
          ),
          { schedule: Schedule.spaced(sweepEvery) }
        ))
        const stored = yield* readPosition(sql, inbox)
        // The first holder records where the inbox starts before it polls: a holder after it (this one died before
        // its first batch) goes on from there, not from its own "now", which would skip what was created between.
        const start = Option.isSome(stored) ? stored.value : yield* Effect.map(Clock.currentTimeMillis, (now) => {
          const from = settings.since ?? now
          return { from, time: from, seen: [] }
        })
        if (Option.isNone(stored)) yield* lease.fenced(writePosition(sql, inbox, lease, start))
        // The position holds every id of the lookback window: written after each batch, a busy inbox paid for the
        // whole window at every page (18,000 ids at 600 events/s with a 30 s lookback). It is written once the events
        // since the last write reach a quarter of the window, and at the end of a poll at least every
        // `positionEvery`. Between writes it lags the inbox, never leads it: a new holder reads those events again,
        // and storing one already there changes nothing.
        let unwritten = 0
        let writtenAt = yield* Clock.currentTimeMillis
        yield* Stream.runForEach(Tail.batches(Option.some(start), options?.tail), (batch) =>
          Effect.gen(function*() {
            unwritten += batch.events.length
            const now = yield* Clock.currentTimeMillis
            const withPosition = unwritten * 4 >= batch.windowSize ||
              (batch.endOfPoll && now - writtenAt >= positionEvery)
            if (!withPosition && batch.events.length === 0) return
            const inserted = yield* store(sql, inbox, lease, batch, withPosition)
            if (withPosition) {
              unwritten = 0
              writtenAt = now
            }
            if (inserted > 0) yield* wake
          }))
      }), options?.lease))

/**
 * The inbox's poller on this replica: waits for the lease named after the inbox, then, while it holds it, reads new
 * events with `Tail.batches` (from the stored position) and stores each batch with its position in one fenced
 * transaction. A lost lease stops it at once and it waits for the lease again; interrupting it hands the lease back.
 * Runs until the tail's `poll` schedule ends (never, by default) or a failure: the tail's (API outages are ridden
 * out), an unreadable stored position, or the database's.
 *
 * @since 0.3.0
 * @category polling
 */
export const poll = (
  name: string,
  options?: PollOptions
): Effect.Effect<
  void,
  | Errors.StreamEventsError
  | Tail.CheckpointExpired
  | Checkpoint.CheckpointUnreadable
  | SqlError
  | Errors.InvalidRequest,
  SqlClient.SqlClient | EventsClient
> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    const settings = pollSettingsOf(options)
    return pollWith(inbox, options, settings, Effect.void)
  })

const backoff = (settings: WorkSettings, attempts: number): number =>
  Math.min(settings.maxDelay, settings.initialDelay * 2 ** Math.min(attempts - 1, 40))

const describe = (cause: Cause.Cause<unknown>): string => {
  const text = Cause.pretty(cause)
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text
}

interface Claimed {
  readonly event_id: string
  readonly event: unknown
  readonly attempts: number
}

type SavepointState =
  | { readonly _tag: "None" }
  | { readonly _tag: "Set" }
  | { readonly _tag: "Failed"; readonly error: SqlError }

const none: SavepointState = { _tag: "None" }
const set: SavepointState = { _tag: "Set" }

// The claiming transaction's connection as one handler sees it: its first statement (of any kind, a nested
// `withTransaction` included) is preceded by `SAVEPOINT effect_exa_handler`, set once even when statements come from
// several fibers. A handler that writes nothing costs no statement of ours; one that writes can be rolled back alone.
// One savepoint name, set again for each handler and never released: PostgreSQL keeps the older ones and rolls back
// to the newest, so a handler that writes costs one statement of ours, not two. The savepoint is sent
// uninterruptibly: an interruption during it would cancel it on the server, leaving unknown whether it was set.
const savepointed = (connection: SqlConnection.Connection) => {
  let state: SavepointState = none
  const lock = Effect.unsafeMakeSemaphore(1)
  const setOnce = lock.withPermits(1)(Effect.suspend(() => {
    if (state._tag === "Set") return Effect.void
    if (state._tag === "Failed") return Effect.fail(state.error)
    return Effect.uninterruptible(Effect.matchEffect(
      connection.executeUnprepared("SAVEPOINT effect_exa_handler", [], undefined),
      {
        onFailure: (error) => {
          state = { _tag: "Failed", error }
          return Effect.fail(error)
        },
        onSuccess: () => {
          state = set
          return Effect.void
        }
      }
    ))
  }))
  const ensure = Effect.suspend(() => state._tag === "Set" ? Effect.void : setOnce)
  const wrapped: SqlConnection.Connection = {
    execute: (text, params, transformRows) => Effect.zipRight(ensure, connection.execute(text, params, transformRows)),
    executeRaw: (text, params) => Effect.zipRight(ensure, connection.executeRaw(text, params)),
    executeStream: (text, params, transformRows) =>
      Stream.unwrap(Effect.as(ensure, connection.executeStream(text, params, transformRows))),
    executeValues: (text, params) => Effect.zipRight(ensure, connection.executeValues(text, params)),
    executeUnprepared: (text, params, transformRows) =>
      Effect.zipRight(ensure, connection.executeUnprepared(text, params, transformRows))
  }
  return { connection: wrapped, state: (): SavepointState => state }
}

// One transaction: claim up to `batchSize` pending rows no other worker holds, handle each in a savepoint set before
// its first statement (its writes roll back on failure, and the failure is recorded with the time of the next try;
// a handler that wrote nothing has nothing to roll back), mark the handled ones
// done in one statement, commit: each handler's writes commit with its done mark. Only the handlers can be
// interrupted: an interruption (a graceful shutdown) stops after the handler under way, whose savepoint rolls back,
// and commits what was handled before, so that only that one event is handled again elsewhere. How many rows were
// claimed.
const claim = <E, R>(
  sql: SqlClient.SqlClient,
  inbox: string,
  handle: (event: Event.Event, attempt: Attempt) => Effect.Effect<unknown, E, R>,
  settings: WorkSettings
) =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(
      sql.withTransaction(Effect.gen(function*() {
        const rows = yield* sql<Claimed>`
          SELECT event_id, event, attempts FROM ${sql(table)}
          WHERE inbox = ${inbox} AND done_at IS NULL AND available_at <= now()
          ORDER BY available_at, created_at
          LIMIT ${settings.batchSize}
          FOR UPDATE SKIP LOCKED`
        const done: Array<string> = []
        let interrupted = false
        const transaction = yield* Effect.serviceOption(SqlClient.TransactionConnection)
        if (Option.isNone(transaction)) return yield* Effect.dieMessage("a claim ran outside its transaction")
        const [connection, depth] = transaction.value
        for (const row of rows) {
          const attempt = row.attempts + 1
          const savepoint = savepointed(connection)
          const exit = yield* Effect.exit(Effect.gen(function*() {
            const event = yield* Effect.mapError(
              Event.decode(row.event),
              (error) => `the stored event cannot be read: ${error.message}`
            )
            yield* restore(Effect.suspend(() => handle(event, { inbox, attempt }))).pipe(
              Effect.provideService(SqlClient.TransactionConnection, [savepoint.connection, depth])
            )
          }))
          if (Exit.isSuccess(exit)) {
            done.push(row.event_id)
            continue
          }
          const state = savepoint.state()
          // The savepoint was not set: the transaction cannot be trusted with anything more, and rolls back whole.
          if (state._tag === "Failed") return yield* Effect.fail(state.error)
          if (state._tag === "Set") yield* sql`ROLLBACK TO SAVEPOINT effect_exa_handler`
          if (Cause.isInterruptedOnly(exit.cause)) {
            interrupted = true
            break
          }
          const delay = backoff(settings, attempt)
          yield* Effect.logWarning("the handler failed; the event will be retried", exit.cause).pipe(
            Effect.annotateLogs({
              "exa.inbox": inbox,
              "exa.event.id": row.event_id,
              "exa.inbox.attempt": attempt,
              "exa.inbox.retry_in_ms": delay
            })
          )
          yield* sql`UPDATE ${sql(table)} SET attempts = ${attempt}, last_error = ${describe(exit.cause)},
              available_at = now() + ${delay}::float8 * interval '1 millisecond'
            WHERE inbox = ${inbox} AND event_id = ${row.event_id}`
        }
        if (done.length > 0) {
          yield* sql`UPDATE ${sql(table)} SET done_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE inbox = ${inbox} AND event_id IN ${sql.in(done)}`
        }
        return { claimed: rows.length, interrupted }
      })),
      // Once committed, the interruption goes on.
      ({ claimed, interrupted }) => interrupted ? Effect.interrupt : Effect.succeed(claimed)
    )
  ).pipe(Effect.withSpan("Inbox.claim", { attributes: { "exa.inbox": inbox } }))

const workWith = <E, R>(
  inbox: string,
  handle: (event: Event.Event, attempt: Attempt) => Effect.Effect<unknown, E, R>,
  settings: WorkSettings,
  wakeup: Wakeup
): Effect.Effect<never, SqlError, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const worker: Effect.Effect<never, SqlError, R> = Effect.flatMap(
      claim(sql, inbox, handle, settings),
      (claimed) =>
        claimed === settings.batchSize
          ? Effect.zipRight(wakeup.wake, worker)
          : claimed > 0
          ? worker
          : Effect.zipRight(wakeup.wait(settings.idle), worker)
    )
    return Effect.scoped(Effect.zipRight(
      listenFor(sql, inbox, wakeup),
      firstFailure(Array.from({ length: settings.workers }, () => worker))
    ))
  })

// Runs effects that never succeed side by side until one fails, with that failure. Each runs on a fiber of a scope
// that, when closed (by that failure or an interruption of the whole), interrupts the others and waits for their
// finalizers: their transactions roll back, or commit what they handled, before anything after them runs (the lease
// handed back, the process exit). The race is on how each fiber ends (`Effect.exit`): `raceAll` waits for a success,
// and these never succeed, so raced as they are a failed poller went unnoticed while the workers ran on.
const firstFailure = <E, R>(effects: ReadonlyArray<Effect.Effect<never, E, R>>): Effect.Effect<never, E, R> =>
  Effect.scoped(Effect.flatMap(
    Effect.forEach(effects, (effect) => Effect.forkScoped(effect)),
    (fibers) => Effect.flatten(Effect.raceAll(fibers.map((fiber) => Effect.exit(Fiber.join(fiber)))))
  ))

/**
 * The inbox's workers on this replica: each claims pending events no other worker (of any replica) holds and runs
 * `handle` on them inside the claiming transaction. The handler's writes through the `SqlClient` commit with the
 * event's done mark; when it fails (or dies) they roll back and the event is tried again after a delay that grows
 * with its failures (`retry`). Runs until interrupted (an interrupted worker's events go back at once) or the
 * database fails.
 *
 * @since 0.3.0
 * @category working
 */
export const work = <E, R>(
  name: string,
  handle: (event: Event.Event, attempt: Attempt) => Effect.Effect<unknown, E, R>,
  options?: WorkOptions
): Effect.Effect<never, SqlError | Errors.InvalidRequest, R | SqlClient.SqlClient> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    if (typeof handle !== "function") throw new Params.Invalid("handle must be a function")
    const settings = workSettingsOf(options)
    return Effect.flatMap(makeWakeup, (wakeup) => workWith(inbox, handle, settings, wakeup))
  })

/**
 * Consumes events on this replica, with any number of replicas beside it: creates the tables if missing, then runs
 * the leased poller (`poll`: one replica at a time fills the inbox) and the workers (`work`: every replica handles
 * events from it). Run the same call on each replica. Runs until interrupted or a failure (see `poll` and `work`);
 * a handler's failures are retried, never returned.
 *
 * @since 0.3.0
 * @category consuming
 */
export const consume = <E, R>(
  name: string,
  handle: (event: Event.Event, attempt: Attempt) => Effect.Effect<unknown, E, R>,
  options?: Options
): Effect.Effect<
  never,
  | Errors.StreamEventsError
  | Tail.CheckpointExpired
  | Checkpoint.CheckpointUnreadable
  | SqlError
  | Errors.InvalidRequest,
  R | SqlClient.SqlClient | EventsClient
> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    if (typeof handle !== "function") throw new Params.Invalid("handle must be a function")
    const work = workSettingsOf(options)
    const poll = pollSettingsOf(options)
    return Effect.gen(function*() {
      yield* setup
      const wakeup = yield* makeWakeup
      return yield* firstFailure<
        Errors.StreamEventsError | Tail.CheckpointExpired | Checkpoint.CheckpointUnreadable | SqlError,
        R | SqlClient.SqlClient | EventsClient
      >([
        workWith(inbox, handle, work, wakeup),
        // Forked last, so stopped first (a scope's finalizers run last to first): the lease is handed back, and the
        // next holder polls, while this replica's workers finish their batches and stop listening.
        Effect.zipRight(pollWith(inbox, options, poll, wakeup.wake), Effect.never)
      ])
    }).pipe(Effect.withSpan("Inbox.consume", { attributes: { "exa.inbox": inbox } }))
  })

/**
 * How many rows the inbox `name` holds, by state.
 *
 * @since 0.3.0
 * @category inspecting
 */
export const status = (name: string): Effect.Effect<Status, SqlError | Errors.InvalidRequest, SqlClient.SqlClient> =>
  Params.validated(() => {
    const inbox = inboxName(name)
    return Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.map(
        sql<{ readonly pending: number; readonly failing: number; readonly done: number }>`
          SELECT
            count(*) FILTER (WHERE done_at IS NULL)::int AS pending,
            count(*) FILTER (WHERE done_at IS NULL AND attempts > 0)::int AS failing,
            count(*) FILTER (WHERE done_at IS NOT NULL)::int AS done
          FROM ${sql(table)} WHERE inbox = ${inbox}`,
        (rows) => ({ pending: rows[0]?.pending ?? 0, failing: rows[0]?.failing ?? 0, done: rows[0]?.done ?? 0 })
      ))
  })
