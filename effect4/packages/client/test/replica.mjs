// One replica of a consumer on the Postgres inbox, a child process of Replica.process.test.ts: `Inbox.consume` (the
// leased poller and the workers) with a handler that inserts the event id into the `handled` table inside the claiming
// transaction (a transactional write: a second row for one id is a broken promise) and prints `handled <id>` (an
// effect outside the database: it may run again after a crash). Prints `READY` once its tables exist; SIGTERM
// interrupts it (the lease is handed back) and it exits 0, or 1 if it stopped on a failure (printed to stderr).
// It runs this package's TypeScript sources under Node's type stripping (hence the hook mapping a `.js` specifier to
// its `.ts` source), as crashWriter.mjs does.
//
// Settings come as one JSON argument: { id, inbox, apiUrl, apiKey, pg: { host, port, database }, workers, batchSize,
// leaseMs, renewMs, retryMs, pollMs, lookbackMs }.
import { registerHooks } from "node:module"

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (error) {
      if (specifier.startsWith(".") && specifier.endsWith(".js")) return next(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  }
})

const settings = JSON.parse(process.argv[2] ?? "{}")
const { Exa } = await import("../src/index.ts")
const Inbox = await import("../src/Inbox.ts")
const { Cause, Duration, Effect, Exit, Layer, Redacted, References, Schedule } = await import("effect")
const { FetchHttpClient } = await import("effect/http")
const SqlClient = await import("effect/sql/SqlClient")
const PgClient = await import("@effect/sql-pg/PgClient")

const handle = (event) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO handled (event_id, replica) VALUES (${event.id}, ${settings.id})`
    yield* Effect.sync(() => process.stdout.write(`handled ${event.id}\n`))
  })

const program = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* Inbox.setup
  // No key on purpose: a second transactional write of one event is a second row, and the test counts them.
  // Under a lock: replicas start together, and concurrent `CREATE TABLE IF NOT EXISTS` can collide in Postgres's
  // catalog ("duplicate key value violates unique constraint pg_type_typname_nsp_index").
  yield* sql.withTransaction(Effect.andThen(
    sql`SELECT pg_advisory_xact_lock(hashtext('handled'))`,
    sql`CREATE TABLE IF NOT EXISTS handled (event_id text NOT NULL, replica text NOT NULL)`
  ))
  yield* Effect.sync(() => process.stdout.write("READY\n"))
  return yield* Inbox.consume(settings.inbox, handle, {
    workers: settings.workers,
    batchSize: settings.batchSize,
    idle: Duration.millis(50),
    retry: { initialDelay: Duration.millis(100), maxDelay: Duration.seconds(1) },
    lease: {
      holder: settings.id,
      duration: Duration.millis(settings.leaseMs),
      renewEvery: Duration.millis(settings.renewMs),
      retryEvery: Duration.millis(settings.retryMs)
    },
    tail: {
      since: new Date(Date.now() - settings.lookbackMs),
      lookback: Duration.millis(settings.lookbackMs),
      poll: Schedule.spaced(Duration.millis(settings.pollMs))
    }
  })
})

// The pool: a connection per worker, one for the poller, one the lease listens on, and one spare.
const database = PgClient.layer({ ...settings.pg, username: "postgres", maxConnections: settings.workers + 3 })
const events = Exa.layer({ apiKey: Redacted.make(settings.apiKey), baseUrl: settings.apiUrl, timeout: "5 seconds" })
  .pipe(Layer.provide(FetchHttpClient.layer))

const fiber = Effect.runFork(program.pipe(
  Effect.provide(Layer.mergeAll(database, events)),
  Effect.provideService(References.MinimumLogLevel, "Warn")
))
process.once("SIGTERM", () => fiber.interruptUnsafe())
fiber.addObserver((exit) => {
  const clean = Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
  if (!clean) process.stderr.write(`${settings.id} stopped: ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "?"}\n`)
  process.exit(clean ? 0 : 1)
})
