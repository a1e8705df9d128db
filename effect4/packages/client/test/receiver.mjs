// One replica of a webhook consumer on the Postgres inbox, a child process of Replica.webhooks.process.test.ts: a
// `WebhookReceiver` (its web handler under a node:http server on loopback) whose handler is `Inbox.enqueue`, so a
// delivery is answered 204 once the event is stored, whatever its handling takes; and `Inbox.work`, whose handler
// inserts the event id into the `handled` table inside the claiming transaction (a transactional write: a second row
// for one id is a broken promise) and prints `handled <id>` (an effect outside the database: it may run again after a
// crash). Every `slowEvery`-th event (by its number) takes `slowMs` first, announced as `slow <id>`: longer than the
// emulator's delivery timeout. Prints `PORT <port>` and `READY` once serving; SIGKILL is how the test stops it.
// It runs this package's TypeScript sources under Node's type stripping, as replica.mjs does.
//
// Settings come as one JSON argument: { id, inbox, secret, pg: { host, port, database }, workers, batchSize,
// slowEvery, slowMs }.
import { createServer } from "node:http"
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
const WebhookReceiver = await import("../src/WebhookReceiver.ts")
const Inbox = await import("../src/Inbox.ts")
const { Cause, Duration, Effect, Layer, Redacted, References } = await import("effect")
const SqlClient = await import("effect/sql/SqlClient")
const PgClient = await import("@effect/sql-pg/PgClient")

const handle = (event) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    if (Number(event.id.replace(/\D/g, "")) % settings.slowEvery === 0) {
      yield* Effect.sync(() => process.stdout.write(`slow ${event.id}\n`))
      yield* Effect.sleep(Duration.millis(settings.slowMs))
    }
    yield* sql`INSERT INTO handled (event_id, replica) VALUES (${event.id}, ${settings.id})`
    yield* Effect.sync(() => process.stdout.write(`handled ${event.id}\n`))
  })

// The web handler under node:http: the request's raw body and headers as they came, the answer as it went.
const serve = (handler) =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      const chunks = []
      request.on("data", (chunk) => chunks.push(chunk))
      request.on("end", () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === "string") headers.set(name, value)
        }
        handler(
          new Request(`http://127.0.0.1${request.url ?? "/"}`, {
            method: request.method ?? "POST",
            headers,
            body: Buffer.concat(chunks)
          })
        ).then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer())
          response.writeHead(answer.status, Object.fromEntries(answer.headers))
          response.end(body)
        }, () => {
          response.writeHead(500)
          response.end()
        })
      })
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve(server.address().port))
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
  // The receiver shares this replica's pool (warm from the setup above).
  const { handler } = WebhookReceiver.webHandler(
    { secret: Redacted.make(settings.secret), handle: Inbox.enqueue(settings.inbox) },
    Layer.succeed(SqlClient.SqlClient, sql)
  )
  const port = yield* Effect.promise(() => serve(handler))
  yield* Effect.sync(() => process.stdout.write(`PORT ${port}\nREADY\n`))
  return yield* Inbox.work(settings.inbox, handle, {
    workers: settings.workers,
    batchSize: settings.batchSize,
    idle: Duration.millis(50),
    retry: { initialDelay: Duration.millis(100), maxDelay: Duration.seconds(1) }
  })
})

// The pool: a connection per worker, and two for the receiver's inserts.
const database = PgClient.layer({ ...settings.pg, username: "postgres", maxConnections: settings.workers + 2 })

Effect.runFork(program.pipe(
  Effect.provide(database),
  Effect.provideService(References.MinimumLogLevel, "Error"),
  Effect.tapCause((cause) =>
    Effect.sync(() => process.stderr.write(`${settings.id} stopped: ${Cause.pretty(cause)}\n`))
  ),
  Effect.ensuring(Effect.sync(() => process.exit(1)))
))
