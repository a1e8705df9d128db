// One replica of a service that consumes events through the PostgreSQL inbox (docs/replicas.md). Start as many as
// you like, on any machines, with the same settings; stop any of them at any time (SIGTERM or SIGINT hands its lease
// back at once; kill -9 costs one lease length):
//   DATABASE_URL=postgres://user@host/db EXA_API_KEY=… node docs/dist/replica.js
// Optional settings, read by `main` below: EXA_BASE_URL (the emulator, say), INBOX (default "exa"), REPLICA (a name
// for this process, in the lease row and the handled_events table), WORKERS (default 2), BATCH_SIZE (10),
// LEASE_MS (5000), RENEW_MS (1000), RETRY_MS (500), POLL_MS (5000), SINCE (an RFC 3339 time to start from when
// there is no stored position), MAX_CONNECTIONS (default WORKERS + 3).
// Each handled event is a row of handled_events (its insert commits with the event's done mark: once) and a line
// `handled <event id>` on stdout (an effect outside the database: at least once).
import { Cause, Exit, Schedule } from "effect"
// #region replica
import { Exa, FetchTransport } from "@effect-exa/client"
import * as Inbox from "@effect-exa/client/Inbox"
import type { Event } from "@effect-exa/schema"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Config, Console, Effect, Layer } from "effect"

// Runs inside the transaction that claimed the event: the insert commits with the event's "done" mark, or rolls back
// if anything here fails (then the event is tried again later). The console line stands for an effect outside the
// database (an HTTP call, an email): it may run again after a crash, so such calls carry `event.id` as their
// idempotency key.
export const handle = (event: Event.Event, { attempt }: Inbox.Attempt) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO handled_events (event_id, event_type, attempt) VALUES (${event.id}, ${event.type}, ${attempt})`
    yield* Console.log(`handled ${event.id}`)
  })

// The same call on every replica: one of them polls the API (it holds the lease), all of them handle events.
export const replica = Inbox.consume("exa", handle, { workers: 2 })

// The database (DATABASE_URL) and the API (EXA_API_KEY): the pool needs a connection per worker, and a few more.
export const DatabaseLive = PgClient.layerConfig({ url: Config.redacted("DATABASE_URL"), maxConnections: Config.succeed(5) })
export const EventsLive = Exa.layerConfig().pipe(Layer.provide(FetchTransport.layer))
// #endregion

/**
 * The table the example handler writes to. Under a lock, as `Inbox.setup` does: replicas start together, and
 * concurrent `CREATE TABLE IF NOT EXISTS` can collide in Postgres's catalog (a duplicate key in `pg_type`).
 */
export const createTable = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.withTransaction(Effect.zipRight(
    sql`SELECT pg_advisory_xact_lock(hashtext('handled_events'))`,
    sql`CREATE TABLE IF NOT EXISTS handled_events (
      event_id text NOT NULL,
      event_type text NOT NULL,
      attempt int NOT NULL,
      replica text,
      handled_at timestamptz NOT NULL DEFAULT now()
    )`
  )))

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}

const numberOf = (name: string, fallback: number): number => {
  const value = env(name)
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(value)}`)
  return n
}

/** The replica as a process: settings from the environment, stopped cleanly by SIGTERM or SIGINT. */
export const main = (): void => {
  const workers = numberOf("WORKERS", 2)
  const name = env("REPLICA")
  const since = env("SINCE")
  const options: Inbox.Options = {
    workers,
    batchSize: numberOf("BATCH_SIZE", 10),
    lease: {
      duration: numberOf("LEASE_MS", 5000),
      renewEvery: numberOf("RENEW_MS", 1000),
      retryEvery: numberOf("RETRY_MS", 500),
      ...(name === undefined ? {} : { holder: name })
    },
    tail: { poll: Schedule.spaced(numberOf("POLL_MS", 5000)), ...(since === undefined ? {} : { since }) }
  }
  const handleHere = (event: Event.Event, attempt: Inbox.Attempt) =>
    name === undefined ? handle(event, attempt) : Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.zipRight(
        sql`INSERT INTO handled_events (event_id, event_type, attempt, replica) VALUES (${event.id}, ${event.type}, ${attempt.attempt}, ${name})`,
        Console.log(`handled ${event.id}`)
      ))
  const database = PgClient.layerConfig({
    url: Config.redacted("DATABASE_URL"),
    maxConnections: Config.succeed(numberOf("MAX_CONNECTIONS", workers + 3))
  })
  const program = Effect.zipRight(createTable, Inbox.consume(env("INBOX") ?? "exa", handleHere, options)).pipe(
    Effect.provide(Layer.merge(database, EventsLive)),
    Effect.tapErrorCause((cause) => Effect.logError("the replica stopped", cause))
  )
  const fiber = Effect.runFork(program)
  const stop = () => fiber.unsafeInterruptAsFork(fiber.id())
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
  fiber.addObserver((exit) => {
    process.exitCode = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0
  })
}

if (process.argv[1]?.endsWith("replica.js")) main()
