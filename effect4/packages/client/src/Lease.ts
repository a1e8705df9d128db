/**
 * A lease in a SQL database (PostgreSQL): at most one holder of a name at a time among any number of processes, with
 * a fencing token. The lease is a row with an expiry, set by the database's clock; each grant increments the token,
 * and every write made under the lease (`fenced`) first checks, in its own transaction, that the token is still the
 * current one, so a holder that was paused past its lease and deposed cannot write anymore: its write fails with
 * `LeaseLost` and rolls back.
 *
 * The holder renews the lease on its own fiber (never from the work it guards, which may be slow) and hands it back
 * when its scope closes, announcing it with PostgreSQL's `NOTIFY`: a process waiting for the lease on
 * `@effect/sql-pg`'s `PgClient` (a pool of two connections or more: the listening holds one, and never the pool's
 * last, which the inbox's workers may be listening on) listens, and tries at once instead of at its next
 * `retryEvery`. Built on `effect/sql`'s `SqlClient`: provide `PgClient.layer` from `@effect/sql-pg` (an optional peer
 * dependency). Not exported from the package root; import `@effect-exa/client/Lease`.
 *
 * Ported from the Effect 3 line (same table, SQL and fencing); `@effect/sql-pg` 4's `listen` hands back a queue and
 * holds a connection of the pool while it listens.
 *
 * @since 1.0.0
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type * as Errors from "./Errors.js"
import { defaults, type Settings, settingsOf } from "./internal/leaseSettings.js"
import { listener as listenerOf } from "./internal/listening.js"
import * as Params from "./internal/params.js"

/**
 * How long a lease lasts and how it is kept.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /**
   * How long a grant or a renewal lasts, on the database's clock. After a holder dies without handing the lease
   * back, another process takes it once this much time has passed since its last renewal. Default 5 seconds.
   */
  readonly duration?: Duration.Input | undefined
  /** How often the holder renews the lease; shorter than `duration`. Default 1 second. */
  readonly renewEvery?: Duration.Input | undefined
  /**
   * How often a process without the lease tries to take it. Default 0.5 seconds. On `@effect/sql-pg`'s `PgClient`
   * with a pool of two connections or more, a waiting process also tries as soon as the holder hands the lease back
   * (it listens for that on one of them, unless the others' listenings, such as the inbox's workers', leave it only
   * the last), so this bounds only the wait after a holder that died or whose announcement was missed.
   */
  readonly retryEvery?: Duration.Input | undefined
  /** A name for this process in the lease row, for people reading it. Default a random id. */
  readonly holder?: string | undefined
}

/**
 * The default lease length: 5 seconds.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultDuration: Duration.Duration = Duration.millis(defaults.duration)

/**
 * The default renewal period: 1 second.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultRenewEvery: Duration.Duration = Duration.millis(defaults.renewEvery)

/**
 * How often a process without the lease tries to take it, by default: every 0.5 seconds.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultRetryEvery: Duration.Duration = Duration.millis(defaults.retryEvery)

/**
 * The table that holds the leases.
 *
 * @since 1.0.0
 * @category constants
 */
export const table = "effect_exa_lease"

/**
 * The PostgreSQL notification channel on which a lease handed back is announced; the payload is the lease's name.
 *
 * @since 1.0.0
 * @category constants
 */
export const channel = "effect_exa_lease"

/**
 * The lease is no longer held by this process: another process was granted it (the token moved on), or it could
 * not be renewed for a whole lease length. A write fenced by the old token fails with it and is rolled back.
 *
 * @since 1.0.0
 * @category errors
 */
export class LeaseLost extends Schema.TaggedError<LeaseLost>("@effect-exa/client/LeaseLost")("LeaseLost", {
  name: Schema.String,
  token: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `The lease ${JSON.stringify(this.name)} (token ${this.token}) is lost: ${this.reason}`
  }
}

/**
 * A granted lease.
 *
 * @since 1.0.0
 * @category models
 */
export interface Lease {
  readonly name: string
  readonly holder: string
  /** The fencing token of this grant: larger than that of every grant before it. */
  readonly token: number
  /**
   * Succeeds with the reason once this process knows it lost the lease (a renewal was refused, or failed for a whole
   * lease length).
   */
  readonly lost: Effect.Effect<LeaseLost>
  /**
   * Runs `effect` in a transaction that first checks that the token is still the current one (and holds the lease
   * row so that no grant happens before it commits): a deposed holder's write fails with `LeaseLost` and nothing of
   * it is committed.
   */
  readonly fenced: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | LeaseLost | SqlError, R>
}

/**
 * Creates the lease table if it is missing. Safe to run from several processes at once.
 *
 * @since 1.0.0
 * @category setup
 */
export const setup: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  // Concurrent `CREATE TABLE IF NOT EXISTS` can still collide in the catalog: one setup at a time.
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`SELECT pg_advisory_xact_lock(hashtext(${table}))`
    yield* sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
      name text PRIMARY KEY,
      holder text NOT NULL,
      token bigint NOT NULL,
      expires_at timestamptz NOT NULL,
      granted_at timestamptz NOT NULL
    )`
  }))
}).pipe(Effect.withSpan("Lease.setup"))

const randomHolder = (): string => {
  const bytes = new Uint8Array(8)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

const grant = (sql: SqlClient.SqlClient, name: string, holder: string, duration: number) =>
  Effect.map(
    sql<{ readonly token: string }>`
      INSERT INTO ${sql(table)} (name, holder, token, expires_at, granted_at)
      VALUES (${name}, ${holder}, 1, now() + ${duration}::float8 * interval '1 millisecond', now())
      ON CONFLICT (name) DO UPDATE SET
        holder = excluded.holder,
        token = ${sql(table)}.token + 1,
        expires_at = excluded.expires_at,
        granted_at = excluded.granted_at
      WHERE ${sql(table)}.expires_at <= now()
      RETURNING token::text AS token`,
    (rows) => rows.length === 0 ? Option.none<number>() : Option.some(Number(rows[0]!.token))
  )

/**
 * One attempt to take the lease: `None` if another process holds it. When granted, the lease is renewed on a fiber
 * of the scope, and handed back when the scope closes.
 *
 * @since 1.0.0
 * @category acquiring
 */
export const tryAcquire = (
  name: string,
  options?: Options
): Effect.Effect<Option.Option<Lease>, SqlError | Errors.InvalidRequest, SqlClient.SqlClient | Scope.Scope> =>
  Params.validated(() => {
    const key = Params.nonEmptyString("the lease name", name)
    const settings = settingsOf(options)
    return Effect.flatMap(Effect.service(SqlClient.SqlClient), (sql) => attempt(sql, key, settings))
  })

const attempt = (sql: SqlClient.SqlClient, name: string, settings: Settings) =>
  Effect.gen(function*() {
    const holder = settings.holder ?? randomHolder()
    const scope = yield* Effect.scope
    // Granting and registering the hand-back are one step: an interruption in between would leave the lease held.
    const token = yield* Effect.uninterruptible(Effect.tap(grant(sql, name, holder, settings.duration), (token) =>
      Option.isNone(token) ? Effect.void : Scope.addFinalizer(scope, release(sql, name, token.value))))
    if (Option.isNone(token)) {
      return Option.none<Lease>()
    }
    const lost = yield* Deferred.make<LeaseLost>()
    yield* Effect.forkIn(renew(sql, name, token.value, settings, lost), scope)
    const check = sql<{ readonly held: number }>`
      SELECT 1 AS held FROM ${sql(table)} WHERE name = ${name} AND token = ${token.value} FOR SHARE`
    const lease: Lease = {
      name,
      holder,
      token: token.value,
      lost: Deferred.await(lost),
      fenced: (effect) =>
        sql.withTransaction(Effect.gen(function*() {
          const rows = yield* check
          if (rows.length === 0) {
            const error = new LeaseLost({ name, token: token.value, reason: "another process was granted it" })
            yield* Deferred.succeed(lost, error)
            return yield* error
          }
          return yield* effect
        }))
    }
    yield* Effect.annotateCurrentSpan({ "exa.lease.name": name, "exa.lease.token": token.value })
    return Option.some(lease)
  }).pipe(Effect.withSpan("Lease.tryAcquire", { attributes: { "exa.lease.name": name } }))

// Hands the lease back: it expires now, so the next attempt of any process gets it, and processes listening on
// `channel` hear it (the notification is sent when the transaction commits, and only if this grant was still the
// current one). Best effort: if it fails, the lease simply runs out.
const release = (sql: SqlClient.SqlClient, name: string, token: number) =>
  sql`WITH released AS (
    UPDATE ${sql(table)} SET expires_at = now() WHERE name = ${name} AND token = ${token} RETURNING name
  ) SELECT pg_notify(${channel}, name) FROM released`.pipe(
    Effect.tapError((error) => Effect.logWarning("could not hand the lease back; it will run out", error)),
    Effect.ignore,
    Effect.withSpan("Lease.release", { attributes: { "exa.lease.name": name, "exa.lease.token": token } })
  )

// Renews every `renewEvery`. A renewal that finds another token means the lease was granted to someone else; a
// renewal that fails (the database is unreachable) is tried again, until a whole lease length passed since the last
// one that succeeded: then this process must assume someone else holds it.
const renew = (
  sql: SqlClient.SqlClient,
  name: string,
  token: number,
  settings: Settings,
  lost: Deferred.Deferred<LeaseLost>
) =>
  Effect.gen(function*() {
    let renewed = yield* Clock.currentTimeMillis
    const lose = (reason: string) =>
      Effect.andThen(
        Effect.logWarning(`lost the lease: ${reason}`).pipe(
          Effect.annotateLogs({ "exa.lease.name": name, "exa.lease.token": token })
        ),
        Deferred.succeed(lost, new LeaseLost({ name, token, reason }))
      )
    while (!(yield* Deferred.isDone(lost))) {
      yield* Effect.sleep(Duration.millis(settings.renewEvery))
      const exit = yield* Effect.exit(sql<{ readonly held: number }>`
        UPDATE ${sql(table)} SET expires_at = now() + ${settings.duration}::float8 * interval '1 millisecond'
        WHERE name = ${name} AND token = ${token}
        RETURNING 1 AS held`)
      const now = yield* Clock.currentTimeMillis
      if (Exit.isSuccess(exit)) {
        if (exit.value.length === 0) return yield* lose("another process was granted it")
        renewed = now
      } else if (now - renewed >= settings.duration) {
        return yield* lose("it could not be renewed for a whole lease length")
      } else {
        yield* Effect.logWarning("could not renew the lease; trying again", exit.cause).pipe(
          Effect.annotateLogs({ "exa.lease.name": name })
        )
      }
    }
  })

/**
 * Takes the lease, waiting (trying every `retryEvery`) while another process holds it.
 *
 * @since 1.0.0
 * @category acquiring
 */
export const acquire = (
  name: string,
  options?: Options
): Effect.Effect<Lease, SqlError | Errors.InvalidRequest, SqlClient.SqlClient | Scope.Scope> =>
  Params.validated(() => {
    const key = Params.nonEmptyString("the lease name", name)
    const settings = settingsOf(options)
    return Effect.flatMap(Effect.service(SqlClient.SqlClient), (sql) => waitFor(sql, key, settings))
  })

// Tries to take the lease until it is granted: every `retryEvery`, and at once whenever a holder announces it handed
// the lease back. The listening (a connection of the client's pool, held for the wait, so only while the pool keeps
// another that no listening holds: on a pool of two or more) starts only once a first try found the lease held, and
// ends with the wait; a failure to listen, or no connection to spare, leaves the periodic tries. Once the server has
// confirmed the LISTEN, one try is made at once: a hand-back between the first try and then was not heard.
const waitFor = (
  sql: SqlClient.SqlClient,
  name: string,
  settings: Settings
): Effect.Effect<Lease, SqlError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.flatMap(attempt(sql, name, settings), (first) => {
    if (Option.isSome(first)) return Effect.succeed(first.value)
    return Effect.flatMap(Effect.scope, (outer) =>
      Effect.scoped(Effect.gen(function*() {
        const handedBack = yield* Queue.sliding<void>(1)
        const listener = listenerOf(sql)
        if (listener !== undefined) {
          yield* Effect.gen(function*() {
            const notifications = yield* listener.listen(channel)
            if (Option.isNone(notifications)) return
            yield* Queue.offer(handedBack, undefined)
            while (true) {
              const notification = yield* Queue.take(notifications.value)
              if (notification.payload === name) yield* Queue.offer(handedBack, undefined)
            }
          }).pipe(
            Effect.catch((error) =>
              Effect.logDebug("cannot listen for the lease's hand-back; trying periodically", error)
            ),
            Effect.scoped,
            Effect.forkScoped
          )
        }
        const retry = Duration.millis(settings.retryEvery)
        while (true) {
          yield* Effect.raceFirst(Effect.sleep(retry), Queue.take(handedBack))
          // The grant's renewal and hand-back belong to the caller's scope, not to this wait's.
          const next = yield* Scope.provide(attempt(sql, name, settings), outer)
          if (Option.isSome(next)) return next.value
        }
      })))
  })

/**
 * Runs `use` whenever this process holds the lease, for as long as it holds it: takes the lease (waiting for it),
 * runs `use`, and if the lease is lost meanwhile (`use` is then interrupted, or failed with `LeaseLost` from a
 * fenced write) goes back to waiting for it. Ends with `use`'s result when it completes while holding the lease
 * (handing the lease back), or its first failure other than `LeaseLost`. Interrupting it hands the lease back.
 *
 * @since 1.0.0
 * @category running
 */
export const run = <A, E, R>(
  name: string,
  use: (lease: Lease) => Effect.Effect<A, E, R>,
  options?: Options
): Effect.Effect<A, Exclude<E, LeaseLost> | SqlError | Errors.InvalidRequest, R | SqlClient.SqlClient> =>
  Params.validated(() => {
    const key = Params.nonEmptyString("the lease name", name)
    const settings = settingsOf(options)
    if (typeof use !== "function") throw new Params.Invalid("use must be a function")
    return Effect.flatMap(Effect.service(SqlClient.SqlClient), (sql) => {
      // One term of holding the lease: `None` when it was lost.
      const term = Effect.scoped(Effect.flatMap(waitFor(sql, key, settings), (lease) =>
        Effect.raceFirst(
          Effect.map(Effect.suspend(() => use(lease)), Option.some),
          Effect.as(lease.lost, Option.none<A>())
        ).pipe(
          Effect.catch((error) =>
            error instanceof LeaseLost ? Effect.succeed(Option.none<A>()) : Effect.fail(error as Exclude<E, LeaseLost>)
          ),
          Effect.tap((outcome) =>
            Option.isSome(outcome) ? Effect.void : Effect.logInfo("the lease is lost; waiting for it again").pipe(
              Effect.annotateLogs({ "exa.lease.name": key, "exa.lease.token": lease.token })
            )
          )
        )))
      const loop: Effect.Effect<A, Exclude<E, LeaseLost> | SqlError, R | SqlClient.SqlClient> = Effect.flatMap(
        term,
        Option.match({ onNone: () => loop, onSome: Effect.succeed })
      )
      return Effect.suspend(() => loop)
    })
  })
