/**
 * The inbox against a real PostgreSQL (`PostgresCluster`: a throwaway cluster for this file, a fresh database per
 * test) and the emulator: events stored once however often they arrive, the position stored with them or not at
 * all, workers of several replicas claiming disjoint rows, a handler's writes committed with its done mark or rolled
 * back with its failure, retries, interrupted workers giving rows back, the poller on its lease, and the webhook
 * path. Real time, with generous bounds and no timing assertions.
 */
import { WebhookReceiver, WebhookSignature } from "@effect-exa/client"
import * as Inbox from "@effect-exa/client/Inbox"
import * as Lease from "@effect-exa/client/Lease"
import * as Event from "@effect-exa/schema/Event"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlConnection from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { assert, expect, layer } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { eventually } from "./eventually.js"
import { recordingTracer } from "./tracer.js"

const T0 = Date.now() - 60_000
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const encoded = (id: string, seconds = 0) => Fixtures.make("webset.idle", { id, createdAt: at(seconds) })
const event = (id: string, seconds = 0) => Event.decodeSync(encoded(id, seconds))

const inDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.flatMap(
    PostgresCluster.PostgresCluster,
    (pg) => Effect.provide(Effect.zipRight(Inbox.setup, effect), pg.freshDatabase())
  )

const drained = (name: string, total: number) =>
  Effect.map(Inbox.status(name), (status) => status.pending === 0 && status.done === total)

// The database's client with every statement it sends recorded (and `fail` consulted first: a statement it matches
// fails as a lost connection would), to count what the inbox sends per event.
const recording = (statements: Array<string>, fail: (text: string) => boolean = () => false) =>
  Layer.effect(
    SqlClient.SqlClient,
    Effect.gen(function*() {
      const pg = yield* PgClient.PgClient
      const sent = (text: string) =>
        Effect.suspend(() => {
          statements.push(text.replace(/\s+/g, " ").trim())
          return fail(text) ? Effect.fail(new SqlError({ message: `refused: ${text}` })) : Effect.void
        })
      const record = (conn: SqlConnection.Connection): SqlConnection.Connection => ({
        execute: (text, params, rows) => Effect.zipRight(sent(text), conn.execute(text, params, rows)),
        executeRaw: (text, params) => Effect.zipRight(sent(text), conn.executeRaw(text, params)),
        executeStream: (text, params, rows) => conn.executeStream(text, params, rows),
        executeValues: (text, params) => Effect.zipRight(sent(text), conn.executeValues(text, params)),
        executeUnprepared: (text, params, rows) =>
          Effect.zipRight(sent(text), conn.executeUnprepared(text, params, rows))
      })
      return yield* SqlClient.make({
        acquirer: Effect.map(pg.reserve, record),
        compiler: PgClient.makeCompiler(),
        spanAttributes: []
      })
    })
  ).pipe(Layer.provide(Reactivity.layer))

const fastRetry = { initialDelay: "10 millis", maxDelay: "20 millis" } as const
const fastLease = { duration: "5 seconds", renewEvery: "100 millis", retryEvery: "50 millis" } as const

layer(PostgresCluster.layer, { timeout: 120_000, excludeTestServices: true })("Inbox", (it) => {
  it.effect("enqueue stores an event once, however often it arrives", () =>
    inDatabase(Effect.gen(function*() {
      const put = Inbox.enqueue("exa")
      expect(yield* put(event("ev_1"))).toBe(true)
      expect(yield* put(event("ev_1"))).toBe(false)
      expect(yield* put(event("ev_2"))).toBe(true)
      // Another inbox is another set.
      expect(yield* Inbox.enqueue("other")(event("ev_1"))).toBe(true)
      expect(yield* Inbox.status("exa")).toEqual({ pending: 2, failing: 0, done: 0 })
    })))

  it.effect("the poller stores events and its position in one transaction: a failing insert stores neither", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // Refuses one event, as a full disk or a constraint would.
      yield* sql.unsafe(`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
        IF NEW.event_id = 'ev_bad' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`)
      yield* sql.unsafe(
        `CREATE TRIGGER refuse BEFORE INSERT ON effect_exa_inbox FOR EACH ROW EXECUTE FUNCTION refuse()`
      )
      const once = { tail: { since: at(0), poll: Schedule.recurs(0) }, lease: fastLease }
      const api = ExaApi.layerClient({ events: [encoded("ev_1", 1), encoded("ev_bad", 2)] })
      const failed = yield* Effect.flip(Effect.provide(Inbox.poll("exa", once), api))
      expect(failed._tag).toBe("SqlError")
      // The position is still where the inbox starts: not past the events that were not stored.
      expect(yield* Inbox.position("exa")).toEqual(Option.some({ from: T0, time: T0, seen: [] }))
      expect(yield* Inbox.status("exa")).toEqual({ pending: 0, failing: 0, done: 0 })
      yield* sql.unsafe(`DROP TRIGGER refuse ON effect_exa_inbox`)
      yield* Effect.provide(Inbox.poll("exa", once), api)
      const position = yield* Inbox.position("exa")
      assert(Option.isSome(position))
      expect(position.value.seen.map(([id]) => id).sort()).toEqual(["ev_1", "ev_bad"])
      expect(yield* Inbox.status("exa")).toEqual({ pending: 2, failing: 0, done: 0 })
    })))

  it.effect("a busy poll writes its position in proportion to its events, not once per page (ids written ≤ 6 per event)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const total = 3000
      const events = Array.from({ length: total }, (_, i) => encoded(`ev_${String(i).padStart(5, "0")}`, 1 + i / 1000))
      const position = yield* inDatabase(Effect.zipRight(
        Inbox.poll("exa", { tail: { since: at(0), poll: Schedule.recurs(0) }, lease: fastLease }).pipe(
          Effect.provide(ExaApi.layerClient({ events })),
          Effect.withTracer(tracer)
        ),
        Inbox.position("exa")
      ))
      const stores = spans.filter((span) => span.name === "Inbox.store")
      expect(stores.reduce((n, span) => n + Number(span.attributes.get("exa.inbox.batch")), 0)).toBe(total)
      // Many pages, few writes of the (growing) position, and the last one at the end of the poll.
      expect(stores.length).toBeGreaterThan(10)
      const written = stores.reduce((n, span) => n + Number(span.attributes.get("exa.inbox.position_ids")), 0)
      expect(written / total).toBeLessThanOrEqual(6)
      expect(Number(stores.at(-1)!.attributes.get("exa.inbox.position_ids"))).toBe(total)
      expect(Option.map(position, (p) => p.seen.length)).toEqual(Option.some(total))
    }))

  it.effect("the first poller records where the inbox starts, so the next one goes on from there", () =>
    inDatabase(
      Effect.gen(function*() {
        // No events yet: the tail would have no batch to write a position with.
        yield* Inbox.poll("exa", { tail: { since: at(0), poll: Schedule.recurs(0) }, lease: fastLease })
        expect(yield* Inbox.position("exa")).toEqual(Option.some({ from: T0, time: T0, seen: [] }))
        // Without `since`: the first holder's now, not the next holder's.
        yield* Inbox.poll("other", { tail: { poll: Schedule.recurs(0) }, lease: fastLease })
        const first = yield* Inbox.position("other")
        assert(Option.isSome(first))
        yield* Effect.sleep("20 millis")
        yield* Inbox.poll("other", { tail: { poll: Schedule.recurs(0) }, lease: fastLease })
        expect(Option.map(yield* Inbox.position("other"), (p) => p.from)).toEqual(Option.some(first.value.from))
      }).pipe(Effect.provide(ExaApi.layerClient()))
    ))

  it.effect("a deposed poller stores nothing, and waits for the lease again", () =>
    inDatabase(
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const api = yield* ExaApi.ExaApi
        // Renewals that never come in the test: only a fenced write can tell the poller it was deposed.
        const lease = { duration: "2 hours", renewEvery: "1 hour", retryEvery: "50 millis" } as const
        const logs: Array<unknown> = []
        const fiber = yield* Effect.fork(
          Inbox.poll("exa", { tail: { since: at(0), poll: Schedule.spaced("20 millis") }, lease }).pipe(
            Effect.provide(Logger.replace(
              Logger.defaultLogger,
              Logger.make(({ message }) => logs.push(...[message].flat()))
            ))
          )
        )
        yield* eventually(Effect.map(Inbox.status("exa"), (s) => s.pending === 1), "the first event")
        // Another process is granted the lease (the holder was paused past it, say).
        yield* sql`UPDATE effect_exa_lease SET token = token + 1, holder = 'someone else' WHERE name = 'exa'`
        yield* api.addEvents([encoded("ev_2", 2)])
        // The next poll reads ev_2; its fenced write is refused, and the poller goes back to waiting for the lease.
        yield* eventually(
          Effect.sync(() => logs.includes("the lease is lost; waiting for it again")),
          "the refused write"
        )
        yield* Fiber.interrupt(fiber)
        expect(yield* Inbox.status("exa")).toEqual({ pending: 1, failing: 0, done: 0 })
        const position = yield* Inbox.position("exa")
        expect(Option.map(position, (p) => p.seen.map(([id]) => id))).toEqual(Option.some(["ev_1"]))
      }).pipe(Effect.provide(ExaApi.layerClient({ events: [encoded("ev_1", 1)] })))
    ))

  it.effect("workers of several replicas handle each of many events exactly once", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE handled (event_id text NOT NULL)`
      const ids = Array.from({ length: 120 }, (_, i) => `ev_${i}`)
      yield* Effect.forEach(ids, (id) => Inbox.enqueue("exa")(event(id)), { discard: true })
      const seen: Array<string> = []
      const handle = (e: Event.Event) =>
        Effect.zipRight(Effect.sync(() => seen.push(e.id)), sql`INSERT INTO handled VALUES (${e.id})`)
      // Two replicas of three workers each, claiming a few rows at a time.
      const replicas = yield* Effect.forEach(
        [1, 2],
        () => Effect.fork(Inbox.work("exa", handle, { workers: 3, batchSize: 4, idle: "20 millis" }))
      )
      yield* eventually(drained("exa", ids.length), "every event handled")
      yield* Effect.forEach(replicas, Fiber.interrupt)
      expect(seen.length).toBe(ids.length)
      expect(new Set(seen).size).toBe(ids.length)
      const rows = yield* sql<{ readonly n: number; readonly distinct: number }>`
        SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM handled`
      expect(rows[0]).toEqual({ n: ids.length, distinct: ids.length })
    })))

  it.effect("a claim reads its batch off the pending index in order, without sorting the backlog", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const template = JSON.stringify(encoded("ev_template"))
      // A backlog stored by one insert: every row has the same available_at.
      yield* sql.unsafe(
        `INSERT INTO effect_exa_inbox (inbox, event_id, event_type, created_at, event)
         SELECT 'exa', 'ev_' || g, 'webset.idle', now() - g * interval '1 millisecond', $1::jsonb FROM generate_series(1, 5000) AS g`,
        [template]
      )
      yield* sql.unsafe("ANALYZE effect_exa_inbox")
      // The workers' claim, as Inbox runs it.
      const plan = yield* sql.unsafe<{ readonly "QUERY PLAN": ReadonlyArray<{ readonly Plan: unknown }> }>(
        `EXPLAIN (FORMAT JSON) SELECT event_id, event, attempts FROM effect_exa_inbox
         WHERE inbox = 'exa' AND done_at IS NULL AND available_at <= now()
         ORDER BY available_at, created_at LIMIT 10 FOR UPDATE SKIP LOCKED`
      )
      const text = JSON.stringify(plan[0]!["QUERY PLAN"])
      expect(text).toContain("effect_exa_inbox_pending")
      expect(text).not.toContain("Sort")
    })))

  it.effect("a handler's writes commit with its done mark, roll back with its failure, and the event is retried", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effects (event_id text NOT NULL, attempt int NOT NULL)`
      yield* Inbox.enqueue("exa")(event("ev_1"))
      yield* Inbox.enqueue("exa")(event("ev_2"))
      const attempts: Array<string> = []
      const fiber = yield* Effect.fork(Inbox.work("exa", (e, { attempt, inbox }) =>
        Effect.gen(function*() {
          attempts.push(`${inbox}/${e.id}#${attempt}`)
          yield* sql`INSERT INTO effects VALUES (${e.id}, ${attempt})`
          if (e.id === "ev_2" && attempt < 3) return yield* Effect.fail(`failure ${attempt}`)
          if (e.id === "ev_2" && attempt === 3) return yield* Effect.die("a defect")
        }), { idle: "20 millis", retry: fastRetry }))
      yield* eventually(drained("exa", 2), "both events handled")
      yield* Fiber.interrupt(fiber)
      expect(attempts.sort()).toEqual(["exa/ev_1#1", "exa/ev_2#1", "exa/ev_2#2", "exa/ev_2#3", "exa/ev_2#4"])
      // Only the attempts that succeeded left their writes.
      const effects = yield* sql<{ readonly event_id: string; readonly attempt: number }>`
        SELECT event_id, attempt FROM effects ORDER BY event_id`
      expect(effects).toEqual([{ event_id: "ev_1", attempt: 1 }, { event_id: "ev_2", attempt: 4 }])
      const rows = yield* sql<{ readonly attempts: number; readonly last_error: string | null }>`
        SELECT attempts, last_error FROM effect_exa_inbox WHERE event_id = 'ev_2'`
      expect(rows[0]).toEqual({ attempts: 4, last_error: null })
    })))

  it.effect("a handler whose SQL statement fails leaves the batch's transaction usable: the events after it commit", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effects (event_id text NOT NULL, n int NOT NULL CHECK (n > 0))`
      for (const id of ["ev_1", "ev_2", "ev_3"]) yield* Inbox.enqueue("exa")(event(id))
      const fiber = yield* Effect.fork(Inbox.work("exa", (e, { attempt }) =>
        Effect.gen(function*() {
          yield* sql`INSERT INTO effects VALUES (${e.id}, 1)`
          // ev_2's first attempt breaks a constraint: PostgreSQL aborts the transaction until it rolls back to a
          // savepoint, so ev_3 (same batch) would fail too if the claim did not roll back ev_2's work alone.
          if (e.id === "ev_2" && attempt === 1) yield* sql`INSERT INTO effects VALUES (${e.id}, 0)`
        }), { workers: 1, batchSize: 10, idle: "20 millis", retry: fastRetry }))
      yield* eventually(drained("exa", 3), "the three events handled")
      yield* Fiber.interrupt(fiber)
      const effects = yield* sql<{ readonly event_id: string }>`SELECT event_id FROM effects ORDER BY event_id`
      expect(effects.map((row) => row.event_id)).toEqual(["ev_1", "ev_2", "ev_3"])
      const rows = yield* sql<{ readonly event_id: string; readonly attempts: number }>`
        SELECT event_id, attempts FROM effect_exa_inbox ORDER BY event_id`
      expect(rows).toEqual([
        { event_id: "ev_1", attempts: 1 },
        { event_id: "ev_2", attempts: 2 },
        { event_id: "ev_3", attempts: 1 }
      ])
    })))

  it.effect("a handler's savepoint is set before its first statement: none for one that writes nothing, one per writer", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE handled (event_id text NOT NULL)`
      yield* Effect.forEach(["ev_1", "ev_2", "ev_3", "ev_4"], (id) => Inbox.enqueue("exa")(event(id)), {
        discard: true
      })
      const statements: Array<string> = []
      // ev_1 and ev_3 write nothing; ev_2 writes twice, from two fibers at once; ev_4 writes, then fails.
      const handle = (e: Event.Event) =>
        Effect.gen(function*() {
          const db = yield* SqlClient.SqlClient
          if (e.id === "ev_2") {
            yield* Effect.all([db`INSERT INTO handled VALUES ('ev_2a')`, db`INSERT INTO handled VALUES ('ev_2b')`], {
              concurrency: 2
            })
          }
          if (e.id === "ev_4") {
            yield* db`INSERT INTO handled VALUES ('ev_4')`
            return yield* Effect.fail("ev_4 fails after its write")
          }
        })
      const worker = yield* Effect.fork(
        Effect.provide(
          Inbox.work("exa", handle, { batchSize: 10, retry: { initialDelay: "1 hour" } }),
          recording(statements)
        )
      )
      yield* eventually(Effect.map(Inbox.status("exa"), (s) => s.done === 3 && s.failing === 1), "the batch")
      yield* Fiber.interrupt(worker)
      const batch = statements.slice(statements.indexOf("BEGIN"))
      expect(batch.filter((text) => /^SAVEPOINT effect_exa_handler$/.test(text))).toHaveLength(2)
      expect(batch.filter((text) => /^ROLLBACK TO SAVEPOINT effect_exa_handler$/.test(text))).toHaveLength(1)
      // Each savepoint is set before the writes of its handler.
      const first = batch.indexOf("SAVEPOINT effect_exa_handler")
      expect(batch.findIndex((text) => text.includes("'ev_2"))).toBeGreaterThan(first)
      expect(batch.lastIndexOf("SAVEPOINT effect_exa_handler")).toBeLessThan(
        batch.findIndex((text) => text.includes("'ev_4'"))
      )
      const rows = yield* sql<{ readonly event_id: string }>`SELECT event_id FROM handled ORDER BY event_id`
      expect(rows.map((r) => r.event_id)).toEqual(["ev_2a", "ev_2b"])
    })))

  it.effect("a savepoint that cannot be set rolls the whole batch back: what was handled before it is not done", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE handled (event_id text NOT NULL)`
      yield* Effect.forEach(["ev_1", "ev_2"], (id) => Inbox.enqueue("exa")(event(id)), { discard: true })
      let savepoints = 0
      const statements: Array<string> = []
      const handle = (e: Event.Event) =>
        Effect.flatMap(SqlClient.SqlClient, (db) => db`INSERT INTO handled VALUES (${e.id})`)
      // The second savepoint (ev_2's) fails, as a connection lost at that moment would.
      const failing = recording(statements, (text) => text.startsWith("SAVEPOINT") && ++savepoints === 2)
      const failure = yield* Effect.flip(Effect.provide(Inbox.work("exa", handle, { batchSize: 10 }), failing))
      expect(failure).toBeInstanceOf(SqlError)
      // ev_1's write and done mark rolled back with the batch: both events wait, nothing is written.
      expect(yield* Inbox.status("exa")).toEqual({ pending: 2, failing: 0, done: 0 })
      expect(yield* sql`SELECT * FROM handled`).toEqual([])
      expect(statements).toContain("ROLLBACK")
    })))

  it.effect("events stored by another replica wake an idle worker at once (NOTIFY), not at its next idle look", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      yield* pg.createDatabase("wakeup")
      // Two replicas: two pools. The worker's replica looks for events once an hour of its own accord.
      const workerSide = pg.client("wakeup")
      const storingSide = pg.client("wakeup")
      yield* Effect.provide(Inbox.setup, storingSide)
      const listeners = Effect.provide(
        Effect.map(
          Effect.flatMap(
            SqlClient.SqlClient,
            (sql) =>
              sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = 'wakeup' AND query = 'LISTEN "effect_exa_inbox"'`
          ),
          (rows) => rows[0]!.n
        ),
        storingSide
      )
      // A name over 1,000 bytes is announced as `*`, which every worker takes as its own.
      for (const name of ["exa", "é".repeat(600)]) {
        yield* eventually(Effect.map(listeners, (n) => n === 0), "no listener left from before")
        const handled: Array<string> = []
        const worker = yield* Effect.fork(Effect.provide(
          Inbox.work(name, (e) => Effect.sync(() => handled.push(e.id)), { idle: "1 hour" }),
          workerSide
        ))
        yield* eventually(Effect.map(listeners, (n) => n === 1), "the worker's LISTEN")
        const store = (id: string) => Effect.provide(Inbox.enqueue(name)(event(id)), storingSide)
        yield* store("ev_1")
        yield* eventually(Effect.sync(() => handled.length === 1), "the first event")
        // It has looked again and found nothing (it looks right after a batch): only a wake starts it now.
        yield* Effect.sleep("300 millis")
        yield* store("ev_2")
        yield* eventually(Effect.sync(() => handled.length === 2), "the event stored by the other replica")
        yield* Fiber.interrupt(worker)
        expect(handled).toEqual(["ev_1", "ev_2"])
      }
    }))

  it.effect("a failed event waits for its retry delay, and its error is recorded meanwhile", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Inbox.enqueue("exa")(event("ev_1"))
      const fiber = yield* Effect.fork(Inbox.work("exa", () => Effect.fail("no luck"), {
        idle: "20 millis",
        retry: { initialDelay: "1 hour" }
      }))
      yield* eventually(Effect.map(Inbox.status("exa"), (s) => s.failing === 1), "the failure")
      yield* Effect.sleep("200 millis")
      yield* Fiber.interrupt(fiber)
      const rows = yield* sql<{ readonly attempts: number; readonly last_error: string; readonly wait: boolean }>`
        SELECT attempts, last_error, available_at > now() + interval '50 minutes' AS wait FROM effect_exa_inbox`
      expect(rows.length).toBe(1)
      expect(rows[0]!.attempts).toBe(1)
      expect(rows[0]!.wait).toBe(true)
      expect(rows[0]!.last_error).toContain("no luck")
    })))

  it.effect("an interrupted worker gives its events back at once, with no attempt counted", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Inbox.enqueue("exa")(event("ev_1"))
      const started = yield* Deferred.make<void>()
      const stuck = yield* Effect.fork(
        Inbox.work("exa", () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never), {
          idle: "20 millis"
        })
      )
      yield* Deferred.await(started)
      // While the handler runs, the row is locked: another claim skips it.
      const locked = yield* sql`SELECT 1 FROM effect_exa_inbox FOR UPDATE SKIP LOCKED`
      expect(locked.length).toBe(0)
      yield* Fiber.interrupt(stuck)
      const free = yield* sql`SELECT 1 FROM effect_exa_inbox FOR UPDATE NOWAIT`
      expect(free.length).toBe(1)
      expect(yield* Inbox.status("exa")).toEqual({ pending: 1, failing: 0, done: 0 })
      const handled: Array<string> = []
      const fiber = yield* Effect.fork(
        Inbox.work("exa", (e) => Effect.sync(() => handled.push(e.id)), { idle: "20 millis" })
      )
      yield* eventually(drained("exa", 1), "the event handled")
      yield* Fiber.interrupt(fiber)
      expect(handled).toEqual(["ev_1"])
    })))

  it.effect("a worker interrupted mid-batch commits what it handled before; only the event under way goes back", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effects (event_id text NOT NULL)`
      for (const id of ["ev_1", "ev_2", "ev_3"]) yield* Inbox.enqueue("exa")(event(id))
      const second = yield* Deferred.make<void>()
      const handled: Array<string> = []
      const fiber = yield* Effect.fork(Inbox.work("exa", (e) =>
        Effect.gen(function*() {
          handled.push(e.id)
          yield* sql`INSERT INTO effects VALUES (${e.id})`
          if (handled.length === 2) {
            yield* Deferred.succeed(second, undefined)
            return yield* Effect.never
          }
        }), { idle: "20 millis", batchSize: 3 }))
      yield* Deferred.await(second)
      yield* Fiber.interrupt(fiber)
      // The first event of the batch is done, with its write; the second's write rolled back; both others wait.
      expect(yield* Inbox.status("exa")).toEqual({ pending: 2, failing: 0, done: 1 })
      const effects = yield* sql<{ readonly event_id: string }>`SELECT event_id FROM effects`
      expect(effects.map((row) => row.event_id)).toEqual([handled[0]])
    })))

  it.effect("interrupting consume hands the poller's lease back at once, and waits for the handlers' finalizers", () =>
    inDatabase(Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      const options = {
        tail: { since: at(0), poll: Schedule.spaced("50 millis") },
        lease: fastLease,
        idle: "20 millis"
      } as const
      const fiber = yield* Effect.fork(
        Inbox.consume(
          "exa",
          () =>
            Effect.zipRight(Deferred.succeed(started, undefined), Effect.never).pipe(
              Effect.onInterrupt(() => Deferred.await(finish))
            ),
          options
        ).pipe(
          Effect.provide(ExaApi.layerClient({ events: [encoded("ev_1", 1)] }))
        )
      )
      yield* Deferred.await(started)
      const stopping = yield* Effect.fork(Fiber.interrupt(fiber))
      // The poller stops first: its lease is handed back (another replica can poll) while the handler is stopping.
      yield* eventually(
        Effect.map(Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "meanwhile" })), Option.isSome),
        "the lease handed back while the handler stops"
      )
      // Not done while a handler is still stopping: a process that exits when consume ends loses nothing.
      expect(stopping.unsafePoll()).toBe(null)
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(stopping)
      expect(yield* Inbox.status("exa")).toEqual({ pending: 1, failing: 0, done: 0 })
      // The lease (5 s) was handed back: another replica gets it at once.
      const next = yield* Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "next" }))
      expect(Option.isSome(next)).toBe(true)
    })))

  it.effect("consume on two replicas: one polls, both work, every event handled once", () =>
    inDatabase(
      Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        const handled: Array<string> = []
        const options = {
          tail: { since: at(0), poll: Schedule.spaced("50 millis") },
          lease: fastLease,
          idle: "50 millis"
        } as const
        const replica = () => Effect.fork(Inbox.consume("exa", (e) => Effect.sync(() => handled.push(e.id)), options))
        const replicas = [yield* replica(), yield* replica()]
        yield* eventually(Effect.sync(() => handled.length >= 2), "the first events")
        yield* api.addEvents([encoded("ev_3", 3), encoded("ev_4", 4)])
        yield* eventually(drained("exa", 4), "every event")
        // The holder goes away; the other replica takes the lease and goes on from the stored position.
        const sql = yield* SqlClient.SqlClient
        const holder =
          (yield* sql<{ readonly token: string }>`SELECT token::text AS token FROM effect_exa_lease`)[0]!.token
        yield* Fiber.interrupt(replicas[0]!)
        yield* Fiber.interrupt(replicas[1]!)
        const third = yield* replica()
        yield* api.addEvents([encoded("ev_5", 5)])
        yield* eventually(drained("exa", 5), "the event after the hand-over")
        yield* Fiber.interrupt(third)
        expect(handled.sort()).toEqual(["ev_1", "ev_2", "ev_3", "ev_4", "ev_5"])
        const token =
          (yield* sql<{ readonly token: string }>`SELECT token::text AS token FROM effect_exa_lease`)[0]!.token
        expect(Number(token)).toBeGreaterThan(Number(holder))
      }).pipe(Effect.provide(ExaApi.layerClient({ events: [encoded("ev_1", 1), encoded("ev_2", 2)] })))
    ))

  it.effect("consume ends with the poller's failure (an unreadable stored position) while its workers go on", () =>
    inDatabase(
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO effect_exa_inbox_position (inbox, position, token) VALUES ('exa', '{"v": 2}'::jsonb, 1)`
        const options = { tail: { since: at(0) }, lease: fastLease, idle: "20 millis" } as const
        // The workers never end on their own: consume must not wait for them to fail too.
        const failed = yield* Effect.flip(
          Inbox.consume("exa", () => Effect.void, options).pipe(Effect.timeout("25 seconds"))
        )
        assert(failed._tag === "CheckpointUnreadable", String(failed))
        expect(failed.name).toBe("exa")
        // Its lease was handed back on the way out.
        const next = yield* Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "next" }))
        expect(Option.isSome(next)).toBe(true)
      }).pipe(Effect.provide(ExaApi.layerClient({ events: [encoded("ev_1", 1)] })))
    ))

  it.effect("a webhook receiver puts deliveries in the inbox and answers 204, a redelivery too; one row", () =>
    inDatabase(Effect.gen(function*() {
      const secret = Redacted.make("whsec_inbox")
      const context = yield* Effect.context<SqlClient.SqlClient>()
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret, handle: Inbox.enqueue("hooks") },
        Layer.succeedContext(context)
      )
      const body = JSON.stringify(encoded("ev_1"))
      const deliver = Effect.flatMap(
        WebhookSignature.sign({ secret, body }),
        (signature) =>
          Effect.promise(() =>
            handler(new Request("http://x/", { method: "POST", headers: { "exa-signature": signature }, body }))
          )
      )
      const statuses = [(yield* deliver).status, (yield* deliver).status]
      yield* Effect.promise(dispose)
      expect(statuses).toEqual([204, 204])
      expect(yield* Inbox.status("hooks")).toEqual({ pending: 1, failing: 0, done: 0 })
    })))

  it.effect("sweep deletes handled rows older than the retention, never pending ones", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Effect.forEach(["ev_1", "ev_2", "ev_3"], (id) => Inbox.enqueue("exa")(event(id)), { discard: true })
      yield* sql`UPDATE effect_exa_inbox SET done_at = now() - interval '2 days' WHERE event_id = 'ev_1'`
      yield* sql`UPDATE effect_exa_inbox SET done_at = now() WHERE event_id = 'ev_2'`
      expect(yield* Inbox.sweep("exa", "1 day")).toBe(1)
      expect(yield* Inbox.status("exa")).toEqual({ pending: 1, failing: 0, done: 1 })
    })))

  it.effect("bad names and options are InvalidRequest", () =>
    inDatabase(Effect.gen(function*() {
      const handle = () => Effect.void
      const calls: ReadonlyArray<Effect.Effect<unknown, unknown, SqlClient.SqlClient>> = [
        Inbox.work("", handle),
        Inbox.work("exa", handle, { workers: 0 }),
        Inbox.work("exa", handle, { batchSize: 1.5 }),
        Inbox.work("exa", handle, { retry: { initialDelay: "1 minute", maxDelay: "1 second" } }),
        Inbox.work("exa", handle, { retry: { initialDelay: 0 } }),
        Inbox.work("exa", handle, { idle: 0 }),
        Inbox.work("exa", "handle" as never),
        Inbox.enqueue("exa")(null as never),
        Inbox.enqueue("exa")({ id: "ev_1" } as never),
        Inbox.sweep("exa", "soon" as never),
        Inbox.status(42 as never),
        Effect.provide(Inbox.poll("exa", { tail: { since: "yesterday" } }), ExaApi.layerClient()),
        Effect.provide(
          Inbox.poll("exa", { lease: { duration: "1 second", renewEvery: "2 seconds" } }),
          ExaApi.layerClient()
        ),
        Effect.provide(Inbox.consume("exa", handle, { retention: "a week" as never }), ExaApi.layerClient()),
        // Beyond what PostgreSQL adds to now(): refused here, not by a failing query later.
        Inbox.work("exa", handle, { retry: { initialDelay: "1 minute", maxDelay: `${1e9} days` } }),
        Effect.provide(Inbox.poll("exa", { retention: `${1e9} days` }), ExaApi.layerClient())
      ]
      const reasons = yield* Effect.forEach(calls, (call) =>
        Effect.map(Effect.flip(call), (error) => (error as { reason: string }).reason))
      expect(reasons).toEqual([
        "the inbox name must not be empty",
        "workers must be an integer from 1 to 1000, got 0",
        "batchSize must be an integer from 1 to 1000, got 1.5",
        "retry.maxDelay must be at least retry.initialDelay",
        "retry.initialDelay must be at least 1 millisecond",
        "idle must be at least 1 millisecond",
        "handle must be a function",
        "enqueue takes an Event",
        "enqueue takes an Event",
        "olderThan must be a Duration (for example \"5 minutes\"), got \"soon\"",
        "the inbox name must be a string, got 42",
        "tail.since must be an RFC 3339 timestamp, got \"yesterday\"",
        "lease renewEvery must be shorter than the lease duration",
        "retention must be a Duration (for example \"5 minutes\"), got \"a week\"",
        "retry.maxDelay must be at most 10 years",
        "retention must be at most 10 years"
      ])
    })))
})
