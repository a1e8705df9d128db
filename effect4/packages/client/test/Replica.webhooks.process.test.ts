/**
 * The webhook run of the replicas' honesty check, with real processes (ported from the Effect 3 line's
 * packages/testing/test/Replicas.process.test.ts): a throwaway PostgreSQL cluster; this line's emulator in a process
 * of its own (`webhookEmulator.mjs`, from @effect-exa/testing's build) delivering each event it adds to a webhook and
 * retrying failed or late attempts; a round-robin proxy (here, in the test's process) in front of three receiver
 * processes (`receiver.mjs`: `WebhookReceiver` with `Inbox.enqueue`, and `Inbox.work` with some handlers slower than
 * the delivery timeout), one of them killed with SIGKILL in the middle of a slow handler and replaced. Counted
 * against the emulator's ground truth and its own record of attempts. Real time and real processes, with generous
 * bounded waits on conditions and no timing assertions; every child process is killed by its pid when the test ends.
 */
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import { assert, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as SqlClient from "effect/sql/SqlClient"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Inbox from "../src/Inbox.js"
import { type Child, eventually, launch, line, stop } from "./children.js"

const emulatorBuild = join(import.meta.dirname, "..", "..", "testing", "dist", "ExaApiServer.js")
const apiKey = "webhook-replica-test-key"
const inbox = "webhooks"
const workers = 2
const batchSize = 10
// Every tenth event takes 2.5 s to handle, more than the 2 s a receiver has to answer a delivery.
const slowEvery = 10
const slowMs = 2_500
const deliveryTimeoutMs = 2_000

const isStored = (eventId: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM ${sql(Inbox.table)} WHERE inbox = ${inbox} AND event_id = ${eventId}`
  ).pipe(Effect.map((rows) => rows[0]!.n === 1), Effect.orElseSucceed(() => false))

/** An answer the proxy passed on: from which receiver, for which event, and whether the event was stored by then. */
interface Answer {
  readonly target: string
  readonly eventId: string | undefined
  readonly status: number
  /** For a 2xx: whether the inbox held the event when the receiver's answer came (before the proxy passed it on). */
  readonly stored: boolean | undefined
}

// A round-robin proxy on loopback: each request goes to the next receiver in turn, body and headers as they came; a
// receiver that cannot be reached is a 502 (a failed attempt the emulator retries). Before it passes a 2xx on, it
// looks the event up in the inbox: a receiver may acknowledge only what is durably stored.
const proxy = Effect.gen(function*() {
  const context = yield* Effect.context<SqlClient.SqlClient>()
  let next = 0
  let targets: Array<string> = []
  const answers: Array<Answer> = []
  const server = Http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const body = Buffer.concat(chunks)
      let eventId: string | undefined
      try {
        eventId = (JSON.parse(body.toString("utf8")) as { id?: string }).id
      } catch {
        eventId = undefined
      }
      const target = targets[next++ % targets.length]!
      const answer = (status: number, stored?: boolean) => answers.push({ target, eventId, status, stored })
      const upstream = Http.request(
        new URL(request.url ?? "/", target),
        { method: request.method, headers: request.headers },
        (reply) => {
          const parts: Array<Buffer> = []
          reply.on("data", (chunk: Buffer) => parts.push(chunk))
          reply.on("end", () => {
            const status = reply.statusCode ?? 502
            const ok = status >= 200 && status < 300
            const checked = ok && eventId !== undefined
              ? Effect.runPromiseWith(context)(isStored(eventId))
              : Promise.resolve(undefined)
            void checked.then((stored) => {
              answer(status, ok ? stored === true : undefined)
              response.writeHead(status, reply.headers)
              response.end(Buffer.concat(parts))
            })
          })
        }
      )
      upstream.on("error", () => {
        answer(502)
        if (!response.headersSent) response.writeHead(502)
        response.end()
      })
      upstream.end(body)
    })
  })
  const url = yield* Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`)
        })
      )
    ),
    () =>
      Effect.promise(() =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
      )
  )
  return {
    url,
    answers,
    setTargets: (list: ReadonlyArray<string>) => {
      targets = [...list]
    }
  }
})

// A webhook's attempts as the emulator recorded them (all pages of its attempts endpoint).
const attemptsOf = (apiUrl: string, webhookId: string) =>
  Effect.promise(async () => {
    const all: Array<{ readonly eventId: string; readonly successful: boolean; readonly attempt: number }> = []
    let cursor: string | null = null
    do {
      const url = new URL(`/websets/v0/webhooks/${webhookId}/attempts`, apiUrl)
      url.searchParams.set("limit", "200")
      if (cursor !== null) url.searchParams.set("cursor", cursor)
      const response = await fetch(url, { headers: { "x-api-key": apiKey } })
      if (response.status !== 200) throw new Error(`attempts: ${response.status} ${await response.text()}`)
      const page = (await response.json()) as {
        data: typeof all
        hasMore: boolean
        nextCursor: string | null
      }
      all.push(...page.data)
      cursor = page.hasMore ? page.nextCursor : null
    } while (cursor !== null)
    return all
  })

// Reads that may run before a receiver created the tables: no table yet counts as nothing.
const handledCount = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ readonly n: number; readonly distinct: number }>`
    SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM handled`
).pipe(Effect.map((rows) => rows[0]!), Effect.orElseSucceed(() => ({ n: 0, distinct: 0 })))

const printed = (children: ReadonlyArray<Child>, what: string) =>
  children.flatMap((c) => c.lines.filter((l) => l.startsWith(`${what} `)).map((l) => l.slice(what.length + 1)))

layer(PostgresCluster.layer, { timeout: 120_000, excludeTestServices: true })("webhook replicas as processes", (it) => {
  it.effect(
    "webhooks through a round-robin proxy to three receivers, slow handlers, a receiver killed: each event stored and handled once",
    () =>
      Effect.gen(function*() {
        assert(existsSync(emulatorBuild), `${emulatorBuild} is missing: build the Effect 4 line first (tsc -b)`)
        const pg = yield* PostgresCluster.PostgresCluster
        yield* pg.createDatabase("webhooks")
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "effect-exa-webhooks-"))),
          (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
        )
        const truthFile = join(dir, "truth")
        writeFileSync(truthFile, "")
        const truth = () => readFileSync(truthFile, "utf8").split("\n").filter((l) => l !== "")

        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          // The tables exist before the first delivery can be checked (the receivers create them too).
          yield* Inbox.setup
          yield* sql`CREATE TABLE IF NOT EXISTS handled (event_id text NOT NULL, replica text NOT NULL)`
          const front = yield* proxy
          const emulator = yield* launch("emulator", "webhookEmulator.mjs", {
            apiKey,
            rate: 15,
            truth: truthFile,
            webhookUrl: `${front.url}/hook`,
            deliveryTimeoutMs,
            retryMs: 500
          })
          const apiUrl = yield* line(emulator, "URL ")
          const webhookId = yield* line(emulator, "WEBHOOK ")
          const secret = yield* line(emulator, "SECRET ")
          const all: Array<Child> = [emulator]
          const receiver = (id: string, slowMs: number) =>
            Effect.map(
              launch(id, "receiver.mjs", {
                id,
                inbox,
                secret,
                pg: { host: pg.host, port: pg.port, database: "webhooks" },
                workers,
                batchSize,
                slowEvery,
                slowMs
              }, ["--conditions=source", "--experimental-transform-types", "--no-warnings"]),
              (child) => {
                all.push(child)
                return child
              }
            )
          // The receiver to be killed, at random; its slow handlers outlast the test, so that the kill lands in the
          // middle of one whatever the machine's speed (the others take `slowMs`).
          const victim = Math.floor(Math.random() * 3)
          const live: Array<Child> = []
          for (const i of [0, 1, 2]) live.push(yield* receiver(`r${i}`, i === victim ? 600_000 : slowMs))
          const targets: Array<string> = []
          for (const child of live) targets.push(`http://127.0.0.1:${yield* line(child, "PORT ")}`)
          front.setTargets(targets)
          emulator.process.kill("SIGUSR2")
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= 30), "the first events handled", all)

          // Kill that receiver once one of its workers is in a slow handler: that event's transaction never commits.
          const killed = live[victim]!
          yield* eventually(
            Effect.sync(() => printed([killed], "slow").length > 0),
            `${killed.name} in a slow handler`,
            all
          )
          const slowId = printed([killed], "slow")[0]!
          const answersBefore = front.answers.length
          expect(yield* stop(killed, "SIGKILL")).toBeNull()
          // Until it is replaced, the proxy still sends it every third delivery: they fail, and are retried.
          yield* eventually(
            Effect.sync(() =>
              front.answers.slice(answersBefore).some((a) => a.target === targets[victim] && a.status === 502)
            ),
            "a failed delivery to the killed receiver",
            all
          )
          const replacement = yield* receiver(`${killed.name}-restarted`, slowMs)
          live[victim] = replacement
          targets[victim] = `http://127.0.0.1:${yield* line(replacement, "PORT ")}`
          front.setTargets(targets)
          yield* eventually(
            Effect.sync(() => front.answers.some((a) => a.target === targets[victim] && a.status === 204)),
            "a delivery acknowledged by the replacement",
            all
          )
          // As many events as the Effect 3 line's run (15 a second for 8 s), whenever the disruption came.
          yield* eventually(Effect.sync(() => truth().length >= 120), "120 events added", all)

          emulator.process.kill("SIGUSR1")
          const total = Number(yield* line(emulator, "DONE "))
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= total), "every event handled", all)
          // Every event was delivered once acknowledged: failed and late attempts were retried until one succeeded.
          const delivered = Effect.map(attemptsOf(apiUrl, webhookId), (attempts) => {
            const ok = new Set(attempts.filter((a) => a.successful).map((a) => a.eventId))
            return truth().every((id) => ok.has(id))
          })
          yield* eventually(delivered, "a successful delivery of every event", all)

          const events = truth()
          expect(events).toHaveLength(total)
          expect(total).toBeGreaterThanOrEqual(120)

          // Nothing lost, each event stored once.
          const stored = (yield* sql<{ readonly event_id: string }>`
            SELECT event_id FROM ${sql(Inbox.table)} WHERE inbox = ${inbox}`).map((r) => r.event_id)
          expect(stored).toHaveLength(total)
          expect(new Set(stored)).toEqual(new Set(events))

          // Each handled once by its transactional write; the event killed mid-handler by another receiver.
          const handled = yield* sql<{ readonly event_id: string; readonly replica: string }>`
            SELECT event_id, replica FROM handled`
          const handledIds = new Set(handled.map((r) => r.event_id))
          expect(events.filter((id) => !handledIds.has(id))).toEqual([])
          expect(handled.length - handledIds.size).toBe(0)
          expect(handledIds).toEqual(new Set(events))
          const slowEvents = events.filter((id) => Number(id.replace(/\D/g, "")) % slowEvery === 0)
          expect(slowEvents.length).toBeGreaterThanOrEqual(3)
          expect(handled.filter((r) => r.event_id === slowId).map((r) => r.replica)).not.toContain(killed.name)
          expect(handled.filter((r) => r.event_id === slowId)).toHaveLength(1)

          // Effects outside the database may run again only for the killed receiver's claimed batches.
          const external = printed(all, "handled")
          expect(new Set(external)).toEqual(new Set(events))
          expect(external.length - total).toBeLessThanOrEqual(workers * batchSize)

          // Receivers answer once the event is stored, whatever the handler takes: every 2xx the emulator got was for
          // an event already in the inbox, and each event got one (the Effect 3 run's "first-try 204s").
          const acknowledged = front.answers.filter((a) => a.status >= 200 && a.status < 300)
          expect(acknowledged.filter((a) => a.stored !== true)).toEqual([])
          expect(acknowledged.every((a) => a.status === 204)).toBe(true)
          expect(new Set(acknowledged.map((a) => a.eventId))).toEqual(new Set(events))
          // The kill made deliveries fail, and the emulator retried them until they succeeded (checked above).
          const attempts = yield* attemptsOf(apiUrl, webhookId)
          const failed = attempts.filter((a) => !a.successful)
          expect(failed.length).toBeGreaterThanOrEqual(1)
          expect(attempts.filter((a) => a.successful && a.attempt > 1).length).toBeGreaterThanOrEqual(1)
        }).pipe(Effect.provide(pg.client("webhooks", { maxConnections: 3 })))
      }),
    240_000
  )
})
