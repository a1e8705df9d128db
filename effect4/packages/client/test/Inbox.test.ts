/**
 * The inbox against a real PostgreSQL (`PostgresCluster`: a throwaway cluster for this file, a fresh database per
 * test) and the emulator: events stored once however often they arrive, the position stored with them or not at
 * all, workers of several replicas claiming disjoint rows, a handler's writes committed with its done mark or rolled
 * back with its failure, retries, interrupted workers giving rows back, the poller on its lease, and the webhook
 * path. Real time, with generous bounds and no timing assertions. Ported from the Effect 3 line's `Inbox.test.ts`;
 * its emulator is not ported to this line, so the events API is an in-memory one behind the stub `HttpClient`.
 */
import { Exa, WebhookReceiver, WebhookSignature } from "@effect-exa/client"
import * as Event from "@effect-exa/schema/Event"
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, expect, layer } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as SqlClient from "effect/sql/SqlClient"
import * as Inbox from "../src/Inbox.js"
import * as Lease from "../src/Lease.js"
import { idle } from "./fixtures.js"
import { json, stub } from "./stub.js"
import { recordingTracer } from "./tracer.js"

// Waits in real time for what a test on a real database cannot step through: checks every 50 ms, gives up after 25 s
// (within the test's budget, so the reason shows) saying what it waited for; never asserts how long it took.
const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* check) return
      yield* Effect.sleep("50 millis")
    }
    assert.fail(`gave up waiting for ${what}`)
  })

const T0 = Date.now() - 60_000
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const encoded = (id: string, seconds = 0): Event.Encoded => ({ ...idle, id, createdAt: at(seconds) })
const event = (id: string, seconds = 0) => Event.decodeSync(encoded(id, seconds))

// The events API (newest first, `createdAfter` inclusive, pages of `limit`) with the events given, and more added
// while a test runs; `layer` is the client on it.
const eventsApi = (initial: ReadonlyArray<Event.Encoded> = []) => {
  const events: Array<Event.Encoded> = [...initial]
  const s = stub((url) => {
    const after = Date.parse(url.searchParams.get("createdAfter") ?? "1970-01-01T00:00:00Z")
    const limit = Number(url.searchParams.get("limit") ?? "25")
    const offset = Number(url.searchParams.get("cursor") ?? "0")
    const all = events.filter((e) => Date.parse(e.createdAt) >= after)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1))
    const data = all.slice(offset, offset + limit)
    const hasMore = offset + limit < all.length
    return json(200, { data, hasMore, nextCursor: hasMore ? String(offset + limit) : null })
  })
  return {
    addEvents: (added: ReadonlyArray<Event.Encoded>) => Effect.sync(() => void events.push(...added)),
    layer: Exa.layer({ apiKey: Redacted.make("k"), retry: false }).pipe(Layer.provide(s.layer))
  }
}

const inDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.gen(function*() {
    const pg = yield* PostgresCluster.PostgresCluster
    return yield* Effect.provide(Effect.andThen(Inbox.setup, effect), pg.freshDatabase())
  })

const drained = (name: string, total: number) =>
  Effect.map(Inbox.status(name), (status) => status.pending === 0 && status.done === total)

// How many connections of this database listen on `channel` (a listening connection shows its LISTEN as its query).
const listeners = (channel: string) =>
  Effect.flatMap(Effect.service(SqlClient.SqlClient), (sql) =>
    Effect.map(
      sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE ${`LISTEN%${channel}%`}`,
      (rows) => rows[0]!.n
    ))

// `client` whose LISTEN is sent only once `gate` opens (`asked` says it was asked for): a listening that starts late.
const listeningLate = (
  client: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, unknown>,
  asked: Deferred.Deferred<void>,
  gate: Deferred.Deferred<void>
) =>
  Layer.effect(
    SqlClient.SqlClient,
    Effect.map(Effect.service(PgClient.PgClient), (pg) =>
      new Proxy(pg, {
        get: (target, key, receiver) =>
          key === "listen"
            ? (channel: string) =>
              Effect.andThen(
                Deferred.succeed(asked, undefined),
                Effect.andThen(Deferred.await(gate), target.listen(channel))
              )
            : Reflect.get(target, key, receiver)
      }))
  ).pipe(Layer.provide(client))

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
      const api = eventsApi([encoded("ev_1", 1), encoded("ev_bad", 2)]).layer
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
      const position = yield* inDatabase(Effect.andThen(
        Inbox.poll("exa", { tail: { since: at(0), poll: Schedule.recurs(0) }, lease: fastLease }).pipe(
          Effect.provide(eventsApi(events).layer),
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
      }).pipe(Effect.provide(eventsApi().layer))
    ))

  it.effect("a deposed poller stores nothing, and waits for the lease again", () => {
    const api = eventsApi([encoded("ev_1", 1)])
    return inDatabase(
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        // Renewals that never come in the test: only a fenced write can tell the poller it was deposed.
        const lease = { duration: "2 hours", renewEvery: "1 hour", retryEvery: "50 millis" } as const
        const logs: Array<unknown> = []
        const fiber = yield* Effect.forkChild(
          Inbox.poll("exa", { tail: { since: at(0), poll: Schedule.spaced("20 millis") }, lease }).pipe(
            Effect.provide(Logger.layer([Logger.make(({ message }) => logs.push(...[message].flat()))]))
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
      }).pipe(Effect.provide(api.layer))
    )
  })

  it.effect("workers of several replicas handle each of many events exactly once", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE handled (event_id text NOT NULL)`
      const ids = Array.from({ length: 120 }, (_, i) => `ev_${i}`)
      yield* Effect.forEach(ids, (id) => Inbox.enqueue("exa")(event(id)), { discard: true })
      const seen: Array<string> = []
      const handle = (e: Event.Event) =>
        Effect.andThen(Effect.sync(() => seen.push(e.id)), sql`INSERT INTO handled VALUES (${e.id})`)
      // Two replicas of three workers each, claiming a few rows at a time.
      const replicas = yield* Effect.forEach(
        [1, 2],
        () => Effect.forkChild(Inbox.work("exa", handle, { workers: 3, batchSize: 4, idle: "20 millis" }))
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
      const fiber = yield* Effect.forkChild(Inbox.work("exa", (e, { attempt, inbox }) =>
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
      const fiber = yield* Effect.forkChild(Inbox.work("exa", (e, { attempt }) =>
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

  it.effect("events stored by another replica wake an idle worker at once (NOTIFY), not at its next idle look", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      yield* pg.createDatabase("wakeup")
      // Two replicas: two pools. The worker's replica looks for events once an hour of its own accord.
      const workerSide = pg.client("wakeup")
      const storingSide = pg.client("wakeup")
      yield* Effect.provide(Inbox.setup, storingSide)
      const listening = Effect.provide(listeners(Inbox.channel), storingSide)
      // A name over 1,000 bytes is announced as `*`, which the workers of such a name take as theirs.
      for (const name of ["exa", "é".repeat(600)]) {
        yield* eventually(Effect.map(listening, (n) => n === 0), "no listener left from before")
        const handled: Array<string> = []
        const worker = yield* Effect.forkChild(Effect.provide(
          Inbox.work(name, (e) => Effect.sync(() => handled.push(e.id)), { idle: "1 hour" }),
          workerSide
        ))
        yield* eventually(Effect.map(listening, (n) => n === 1), "the worker's LISTEN")
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

  it.effect("an event announced before the workers' LISTEN was confirmed wakes one once it is", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      yield* pg.createDatabase("late")
      const storingSide = pg.client("late")
      yield* Effect.provide(Inbox.setup, storingSide)
      const store = (id: string) => Effect.provide(Inbox.enqueue("exa")(event(id)), storingSide)
      const asked = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void>()
      const handled: Array<string> = []
      yield* store("ev_1")
      const worker = yield* Effect.forkChild(Effect.provide(
        Inbox.work("exa", (e) => Effect.sync(() => handled.push(e.id)), { idle: "1 hour" }),
        listeningLate(pg.client("late"), asked, gate)
      ))
      yield* Deferred.await(asked)
      // The worker has handled ev_1 and looked again: it waits for a wake, or an hour.
      yield* eventually(Effect.sync(() => handled.length === 1), "the first event")
      yield* Effect.sleep("300 millis")
      // Announced while nobody listens: not heard.
      yield* store("ev_2")
      yield* Effect.sleep("200 millis")
      expect(handled).toEqual(["ev_1"])
      yield* Deferred.succeed(gate, undefined)
      yield* eventually(Effect.sync(() => handled.length === 2), "the event announced before the LISTEN")
      yield* Fiber.interrupt(worker)
    }))

  it.effect("a worker that claims a full batch wakes the next: one announcement of a burst draws in a second worker", () =>
    inDatabase(
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const release = yield* Deferred.make<void>()
        const handled: Array<string> = []
        // ev_3 holds its worker (and its batch, ev_3 and ev_4) until released.
        const handle = (e: Event.Event) =>
          Effect.andThen(e.id === "ev_3" ? Deferred.await(release) : Effect.void, Effect.sync(() => handled.push(e.id)))
        const workers = yield* Effect.forkScoped(
          Inbox.work("exa", handle, { workers: 2, batchSize: 2, idle: "1 hour" })
        )
        yield* Effect.gen(function*() {
          yield* eventually(Effect.map(listeners(Inbox.channel), (n) => n === 1), "the workers' LISTEN")
          // The wake once the LISTEN is confirmed has been used: both workers wait.
          yield* Effect.sleep("300 millis")
          // Five events in one transaction: one announcement (PostgreSQL sends one per channel and payload at commit).
          yield* sql.withTransaction(Effect.forEach(
            ["ev_1", "ev_2", "ev_3", "ev_4", "ev_5"].map((id, i) => event(id, i)),
            (e) => Inbox.enqueue("exa")(e),
            { discard: true }
          ))
          // One worker is woken and claims ev_1 and ev_2, a full batch, which wakes the other. Whichever then claims
          // ev_3 and ev_4 is held: only the other can handle ev_5.
          yield* eventually(Effect.sync(() => handled.includes("ev_5")), "the second worker")
          expect([...handled].sort()).toEqual(["ev_1", "ev_2", "ev_5"])
        }).pipe(
          // Released whatever happened: a held handler would keep the test's database open past a failure.
          Effect.onExit(() => Deferred.succeed(release, undefined))
        )
        yield* eventually(drained("exa", 5), "every event")
        yield* Fiber.interrupt(workers)
      }).pipe(Effect.scoped)
    ))

  it.effect("a lost LISTEN is listened for again a second later (its connection counted no more)", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      // A pool of two: one listening at most, so the lost one must have given its place back.
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* Inbox.setup
          const sql = yield* SqlClient.SqlClient
          const handled: Array<string> = []
          const worker = yield* Effect.forkScoped(
            Inbox.work("exa", (e) => Effect.sync(() => handled.push(e.id)), { idle: "1 hour" })
          )
          yield* eventually(Effect.map(listeners(Inbox.channel), (n) => n === 1), "the worker's LISTEN")
          yield* sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND query ILIKE ${`LISTEN%${Inbox.channel}%`}`
          yield* eventually(Effect.map(listeners(Inbox.channel), (n) => n === 0), "the LISTEN to be lost")
          yield* eventually(Effect.map(listeners(Inbox.channel), (n) => n === 1), "the worker's LISTEN again")
          yield* Effect.sleep("300 millis")
          yield* Inbox.enqueue("exa")(event("ev_1"))
          yield* eventually(Effect.sync(() => handled.length === 1), "the event announced on the new LISTEN")
          yield* Fiber.interrupt(worker)
        }).pipe(Effect.scoped),
        pg.freshDatabase({ maxConnections: 2 })
      )
    }))

  it.effect("consume on a pool of two connections, waiting for the lease: one of its waits listens, and its workers handle events", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      yield* pg.createDatabase("small")
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* Inbox.setup
          // This process holds the lease (until the test's scope closes): the replica waits for it.
          assert(Option.isSome(yield* Lease.tryAcquire("exa", { duration: "1 hour" })))
          const handled: Array<string> = []
          const replica = yield* Effect.forkScoped(
            Inbox.consume("exa", (e) => Effect.sync(() => handled.push(e.id)), { idle: "50 millis" }).pipe(
              Effect.provide(eventsApi().layer),
              Effect.provide(pg.client("small", { maxConnections: 2 }))
            )
          )
          // Its wait for the lease and its workers would each hold a connection to listen: that would be both, and
          // its claims and tries would wait for one forever. One listens; the other looks periodically.
          const both = Effect.zipWith(listeners(Lease.channel), listeners(Inbox.channel), (a, b) => a + b)
          yield* eventually(Effect.map(both, (n) => n === 1), "one listening")
          yield* Effect.sleep("300 millis")
          expect(yield* both).toBe(1)
          yield* Inbox.enqueue("exa")(event("ev_1"))
          yield* eventually(Effect.sync(() => handled.length === 1), "the event")
          yield* Fiber.interrupt(replica)
        }).pipe(Effect.scoped),
        pg.client("small")
      )
    }))

  it.effect("the workers of several inboxes on one pool never hold its last connection to listen", () =>
    Effect.gen(function*() {
      const pg = yield* PostgresCluster.PostgresCluster
      yield* pg.createDatabase("several")
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* Inbox.setup
          const names = ["a", "b", "c", "d"]
          const handled: Array<string> = []
          // Four inboxes' workers on a pool of three: two listen, the others look every idle period.
          yield* Effect.forkScoped(
            Effect.all(
              names.map((name) =>
                Inbox.work(name, (e) => Effect.sync(() => handled.push(`${name}/${e.id}`)), { idle: "50 millis" })
              ),
              { concurrency: "unbounded" }
            ).pipe(Effect.provide(pg.client("several", { maxConnections: 3 })))
          )
          yield* eventually(Effect.map(listeners(Inbox.channel), (n) => n === 2), "two listenings")
          yield* Effect.sleep("300 millis")
          expect(yield* listeners(Inbox.channel)).toBe(2)
          yield* Effect.forEach(names, (name) => Inbox.enqueue(name)(event("ev_1")), { discard: true })
          yield* eventually(Effect.sync(() => handled.length === 4), "an event in each inbox")
          expect(handled.sort()).toEqual(["a/ev_1", "b/ev_1", "c/ev_1", "d/ev_1"])
        }).pipe(Effect.scoped),
        pg.client("several")
      )
    }))

  it.effect("a failed event waits for its retry delay, and its error is recorded meanwhile", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Inbox.enqueue("exa")(event("ev_1"))
      const fiber = yield* Effect.forkChild(Inbox.work("exa", () => Effect.fail("no luck"), {
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
      const stuck = yield* Effect.forkChild(
        Inbox.work("exa", () => Effect.andThen(Deferred.succeed(started, undefined), Effect.never), {
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
      const fiber = yield* Effect.forkChild(
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
      const fiber = yield* Effect.forkChild(Inbox.work("exa", (e) =>
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
      const fiber = yield* Effect.forkChild(
        Inbox.consume(
          "exa",
          () =>
            Effect.andThen(Deferred.succeed(started, undefined), Effect.never).pipe(
              Effect.onInterrupt(() => Deferred.await(finish))
            ),
          options
        ).pipe(
          Effect.provide(eventsApi([encoded("ev_1", 1)]).layer)
        )
      )
      yield* Deferred.await(started)
      const stopping = yield* Effect.forkChild(Fiber.interrupt(fiber))
      // The poller stops first: its lease is handed back (another replica can poll) while the handler is stopping.
      yield* eventually(
        Effect.map(Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "meanwhile" })), Option.isSome),
        "the lease handed back while the handler stops"
      )
      // Not done while a handler is still stopping: a process that exits when consume ends loses nothing.
      expect(stopping.pollUnsafe()).toBe(undefined)
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(stopping)
      expect(yield* Inbox.status("exa")).toEqual({ pending: 1, failing: 0, done: 0 })
      // The lease (5 s) was handed back: another replica gets it at once.
      const next = yield* Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "next" }))
      expect(Option.isSome(next)).toBe(true)
    })))

  it.effect("consume on two replicas: one polls, both work, every event handled once", () => {
    const api = eventsApi([encoded("ev_1", 1), encoded("ev_2", 2)])
    return inDatabase(
      Effect.gen(function*() {
        const handled: Array<string> = []
        const options = {
          tail: { since: at(0), poll: Schedule.spaced("50 millis") },
          lease: fastLease,
          idle: "50 millis"
        } as const
        const replica = () =>
          Effect.forkChild(Inbox.consume("exa", (e) => Effect.sync(() => handled.push(e.id)), options))
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
      }).pipe(Effect.provide(api.layer))
    )
  })

  it.effect("consume ends with the poller's failure (an unreadable stored position) while its workers run", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`INSERT INTO effect_exa_inbox_position (inbox, position, token) VALUES ('exa', '{"v": 2}'::jsonb, 1)`
      const options = { tail: { since: at(0) }, lease: fastLease, idle: "20 millis" } as const
      const failed = yield* Effect.flip(
        Inbox.consume("exa", () => Effect.void, options).pipe(
          Effect.provide(eventsApi().layer),
          Effect.timeout("25 seconds")
        )
      )
      assert(failed._tag === "CheckpointUnreadable")
      expect(failed.name).toBe("exa")
      // Its lease was handed back on the way out.
      const next = yield* Effect.scoped(Lease.tryAcquire("exa", { ...fastLease, holder: "next" }))
      expect(Option.isSome(next)).toBe(true)
    })))

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
        Effect.provide(Inbox.poll("exa", { tail: { since: "yesterday" } }), eventsApi().layer),
        Effect.provide(
          Inbox.poll("exa", { lease: { duration: "1 second", renewEvery: "2 seconds" } }),
          eventsApi().layer
        ),
        Effect.provide(Inbox.consume("exa", handle, { retention: "a week" as never }), eventsApi().layer),
        // Beyond what PostgreSQL adds to now(): refused here, not by a failing query later.
        Inbox.work("exa", handle, { retry: { initialDelay: "1 minute", maxDelay: `${1e9} days` } }),
        Effect.provide(Inbox.poll("exa", { retention: `${1e9} days` }), eventsApi().layer)
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
