/**
 * One replica of a consumer on the Postgres inbox, as a process of its own, for the replica runs: `Inbox.consume`
 * (the leased poller and the workers) with a handler that writes the event id to the `handled` table in the
 * claiming transaction (a transactional write: a duplicate row there is a broken promise) and appends it to this
 * replica's file (an external effect: after a crash it may run again). With `receiver`, it also serves a webhook
 * receiver that verifies each delivery and puts the event in the inbox, answering 204 once it is stored. Prints
 * `READY` (and `PORT <port>` for the receiver) once running; SIGTERM stops it gracefully (the lease is handed back).
 *
 * Settings come as one JSON argument (see `Settings`).
 */
import * as Exa from "@effect-exa/client/Exa"
import * as Inbox from "@effect-exa/client/Inbox"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import * as WebhookReceiver from "@effect-exa/client/WebhookReceiver"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { openSync, writeSync } from "node:fs"
import * as Http from "node:http"

export interface Settings {
  readonly id: string
  readonly inbox: string
  readonly apiUrl: string
  readonly apiKey: string
  readonly pg: { readonly host: string; readonly port: number; readonly database: string }
  /** Where this replica appends the ids its handler saw (one per line). */
  readonly external: string
  readonly leaseMs: number
  readonly renewMs: number
  readonly retryMs: number
  readonly pollMs: number
  readonly lookbackMs: number
  readonly workers: number
  readonly batchSize?: number
  /** Whether this replica polls the Events API (webhook runs may not). Default true. */
  readonly poll?: boolean
  /** Serve a webhook receiver with this secret. */
  readonly receiverSecret?: string
  /** Every `slowEvery`-th event (by id number) takes `slowMs` to handle. */
  readonly slowEvery?: number
  readonly slowMs?: number
  /** Whether the handler writes to the `handled` table (a transactional write). Default true. */
  readonly sqlWrite?: boolean
}

const settings = JSON.parse(process.argv[2] ?? "{}") as Settings

/** The table of transactional writes: no key, so a second write of one id is a second row, counted. */
export const handledTable = "handled"

// Opened once, appended to with one write per event: a write reaches the kernel at once, so a SIGKILL loses none of
// them (as with `appendFileSync`, which also opens and closes the file each time: two thirds of its system calls).
const external = openSync(settings.external, "a")

const handle = (event: { readonly id: string }) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const n = Number(event.id.replace(/\D/g, ""))
    if (settings.slowEvery !== undefined && n % settings.slowEvery === 0) {
      yield* Effect.sleep(Duration.millis(settings.slowMs ?? 0))
    }
    if (settings.sqlWrite !== false) {
      yield* sql`INSERT INTO ${sql(handledTable)} (event_id, replica) VALUES (${event.id}, ${settings.id})`
    }
    writeSync(external, `${event.id}\n`)
  })

// The receiver as a node:http server over the web handler.
const serve = (handler: (request: Request) => Promise<Response>) =>
  new Promise<number>((resolve) => {
    const server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === "string") headers.set(name, value)
        }
        const web = new Request(`http://127.0.0.1${request.url ?? "/"}`, {
          method: request.method ?? "POST",
          headers,
          body: Buffer.concat(chunks)
        })
        handler(web).then(async (answer) => {
          response.writeHead(answer.status, Object.fromEntries(answer.headers))
          response.end(Buffer.from(await answer.arrayBuffer()))
        }, () => {
          response.writeHead(500)
          response.end()
        })
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(typeof address === "object" && address !== null ? address.port : 0)
    })
  })

const Sql = PgClient.layer({ ...settings.pg, username: "postgres", maxConnections: settings.workers + 4 })

const program = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* Inbox.setup
  // Under a lock: replicas start together, and concurrent `CREATE TABLE IF NOT EXISTS` can collide in Postgres's
  // catalog ("duplicate key value violates unique constraint pg_type_typname_nsp_index").
  yield* sql.withTransaction(Effect.zipRight(
    sql`SELECT pg_advisory_xact_lock(hashtext(${handledTable}))`,
    sql`CREATE TABLE IF NOT EXISTS ${
      sql(handledTable)
    } (event_id text NOT NULL, replica text NOT NULL, at timestamptz NOT NULL DEFAULT now())`
  ))
  if (settings.receiverSecret !== undefined) {
    // The receiver shares this replica's pool (warm from the setup above): given the `Sql` layer, it would build a
    // pool of its own and open its first connection during the first delivery.
    const { handler } = WebhookReceiver.webHandler(
      { secret: Redacted.make(settings.receiverSecret), handle: Inbox.enqueue(settings.inbox) },
      Layer.succeed(SqlClient.SqlClient, sql)
    )
    const port = yield* Effect.promise(() => serve(handler))
    process.stdout.write(`PORT ${port}\n`)
  }
  const options = {
    workers: settings.workers,
    ...(settings.batchSize === undefined ? {} : { batchSize: settings.batchSize }),
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
  }
  process.stdout.write("READY\n")
  if (settings.poll === false) return yield* Inbox.work(settings.inbox, handle, options)
  return yield* Inbox.consume(settings.inbox, handle, options)
})

const client = Exa.layer({ apiKey: Redacted.make(settings.apiKey), baseUrl: settings.apiUrl, timeout: "5 seconds" })
  .pipe(
    Layer.provide(NodeTransport.layer),
    Layer.orDie
  )

const fiber = Effect.runFork(program.pipe(
  Effect.provide(Layer.mergeAll(Sql, client)),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  Effect.tapErrorCause((cause) => Effect.sync(() => process.stderr.write(`${settings.id} failed: ${cause}\n`)))
))
process.on("SIGTERM", () => {
  Effect.runFork(Fiber.interrupt(fiber)).addObserver(() => process.exit(0))
})
fiber.addObserver(() => process.exit(1))
