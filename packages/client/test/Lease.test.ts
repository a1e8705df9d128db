/**
 * The lease against a real PostgreSQL (a throwaway cluster for this file, a fresh database per test): one holder at
 * a time, a token that grows with each grant, fenced writes of a deposed holder refused and rolled back, renewal on
 * its own fiber, takeover after expiry, hand-back on interruption. Real time, with generous bounds and no timing
 * assertions: expiry is simulated by moving the row's expiry, not by waiting.
 */
import * as Lease from "@effect-exa/client/Lease"
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, expect, layer } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { eventually } from "./eventually.js"

// Renewals that never come within a test, so only the test moves the row.
const still = { duration: "1 hour", renewEvery: "30 minutes", retryEvery: "20 millis" } as const

const inDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.flatMap(
    PostgresCluster.PostgresCluster,
    (pg) => Effect.provide(Effect.zipRight(Lease.setup, effect), pg.freshDatabase())
  )

const row = (name: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly token: string; readonly expired: boolean; readonly holder: string }>`
        SELECT token::text AS token, expires_at <= now() AS expired, holder FROM effect_exa_lease WHERE name = ${name}`,
      (rows) => rows[0]
    ))

// As if the holder's lease ran out: its expiry moves into the past.
const expire = (name: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`UPDATE effect_exa_lease SET expires_at = now() - interval '1 second' WHERE name = ${name}`
  )

layer(PostgresCluster.layer, { timeout: 120_000, excludeTestServices: true })("Lease", (it) => {
  it.effect("grants a name to one process at a time, with a token that grows at each grant", () =>
    inDatabase(Effect.gen(function*() {
      const a = yield* Scope.make()
      const first = yield* Scope.extend(Lease.tryAcquire("poller", still), a)
      assert(Option.isSome(first))
      expect(first.value.token).toBe(1)
      expect(yield* Effect.scoped(Lease.tryAcquire("poller", still))).toEqual(Option.none())
      // Another name is another lease.
      const other = yield* Effect.scoped(Lease.tryAcquire("other", still))
      expect(Option.map(other, (lease) => lease.token)).toEqual(Option.some(1))
      yield* Scope.close(a, Exit.void)
      expect((yield* row("poller"))?.expired).toBe(true)
      const second = yield* Effect.scoped(
        Effect.map(Lease.tryAcquire("poller", still), Option.map((lease) => lease.token))
      )
      expect(second).toEqual(Option.some(2))
    })))

  it.effect("a deposed holder's fenced write fails with LeaseLost and commits nothing; the new holder's commits", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE writes (token int NOT NULL)`
      const write = (lease: Lease.Lease) => lease.fenced(sql`INSERT INTO writes VALUES (${lease.token})`)
      yield* Effect.scoped(Effect.gen(function*() {
        const old = yield* Lease.acquire("poller", still)
        yield* write(old)
        // The holder is paused past its lease; another process takes it.
        yield* expire("poller")
        const current = yield* Lease.acquire("poller", still)
        expect(current.token).toBe(old.token + 1)
        const refused = yield* Effect.flip(write(old))
        assert(refused instanceof Lease.LeaseLost)
        expect(refused.token).toBe(old.token)
        // The deposed holder learns it, too.
        expect((yield* old.lost).name).toBe("poller")
        // A fenced transaction is all or nothing: a write before the failing check never lands.
        yield* Effect.flip(old.fenced(Effect.zipRight(sql`INSERT INTO writes VALUES (99)`, sql`SELECT 1`)))
        yield* write(current)
      }))
      const rows = yield* sql<{ readonly token: number }>`SELECT token FROM writes ORDER BY token`
      expect(rows.map((r) => r.token)).toEqual([1, 2])
    })))

  it.effect("renews on its own fiber while the work it guards runs", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const expiry = Effect.map(
        sql<{ readonly at: string }>`SELECT expires_at::text AS at FROM effect_exa_lease WHERE name = 'poller'`,
        (rows) => rows[0]!.at
      )
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Lease.acquire("poller", { duration: "1 hour", renewEvery: "50 millis" })
        const first = yield* expiry
        yield* eventually(Effect.map(expiry, (at) => at > first), "a renewal")
        expect((yield* Effect.scoped(Lease.tryAcquire("poller", still)))._tag).toBe("None")
      }))
    })))

  it.effect("a lease nobody renews is taken over once it runs out (on the database's clock), with the next token", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // A holder that died (kill -9): its row stays and is never renewed nor handed back. While it has time left
      // it is refused; once its time is up on the database's clock (moved there, not waited for: a busy machine
      // must not decide the test), it is taken over.
      yield* sql`INSERT INTO effect_exa_lease VALUES ('poller', 'dead', 7, now() + interval '1 hour', now())`
      expect((yield* Effect.scoped(Lease.tryAcquire("poller", still)))._tag).toBe("None")
      yield* sql`UPDATE effect_exa_lease SET expires_at = now() - interval '1 millisecond' WHERE name = 'poller'`
      const token = yield* Effect.scoped(Effect.map(Lease.acquire("poller", still), (lease) => lease.token))
      expect(token).toBe(8)
    })))

  it.effect("a holder whose renewal finds another token knows it lost the lease", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Effect.scoped(Effect.gen(function*() {
        const lease = yield* Lease.acquire("poller", { duration: "1 hour", renewEvery: "50 millis" })
        yield* sql`UPDATE effect_exa_lease SET token = token + 1, holder = 'someone else' WHERE name = 'poller'`
        const lost = yield* Effect.timeout(lease.lost, "30 seconds")
        expect(lost.reason).toBe("another process was granted it")
      }))
      // Its hand-back does not touch the new holder's grant.
      expect(yield* row("poller")).toEqual({ token: "2", expired: false, holder: "someone else" })
    })))

  it.effect("a holder that cannot renew for a whole lease length (the database is unreachable) knows it lost the lease", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Effect.scoped(Effect.gen(function*() {
        const lease = yield* Lease.acquire("poller", { duration: "500 millis", renewEvery: "50 millis" })
        // Every renewal now fails with an SqlError, as with a database that cannot be reached.
        yield* sql`ALTER TABLE effect_exa_lease RENAME TO moved`
        const lost = yield* Effect.timeout(lease.lost, "30 seconds")
        expect(lost.reason).toBe("it could not be renewed for a whole lease length")
        yield* sql`ALTER TABLE moved RENAME TO effect_exa_lease`
      }))
    })))

  it.effect("run stops the work when the lease is lost and waits for it again; interrupting it hands it back", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const tokens: Array<number> = []
      const options = { duration: "1 hour", renewEvery: "50 millis", retryEvery: "20 millis", holder: "a" } as const
      const a = yield* Effect.fork(
        Lease.run("poller", (lease) =>
          Effect.zipRight(
            Effect.sync(() => tokens.push(lease.token)),
            Effect.never
          ), options)
      )
      yield* eventually(Effect.sync(() => tokens.length === 1), "the first grant")
      // Granted elsewhere, and already run out: the renewal sees the new token, the work stops, the lease is taken again.
      yield* sql`UPDATE effect_exa_lease SET token = token + 1, expires_at = now() - interval '1 second' WHERE name = 'poller'`
      yield* eventually(Effect.sync(() => tokens.length === 2), "the second grant")
      expect(tokens).toEqual([1, 3])
      // A second process waits while the first holds it, and gets it once the first is interrupted.
      const b = yield* Effect.fork(
        Lease.run("poller", (lease) => Effect.succeed(lease.token), { ...options, holder: "b" })
      )
      yield* Effect.sleep("200 millis")
      expect(b.unsafePoll()).toBe(null)
      yield* Fiber.interrupt(a)
      expect(yield* Fiber.join(b)).toBe(4)
    })))

  it.effect("a process waiting on PgClient takes a lease handed back at once, not at its next retryEvery", () =>
    inDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const a = yield* Scope.make()
      assert(Option.isSome(yield* Scope.extend(Lease.tryAcquire("poller", still), a)))
      // Tries an hour apart: only the hand-back's announcement can wake this one within the test.
      const b = yield* Effect.fork(Effect.scoped(Effect.map(
        Lease.acquire("poller", { ...still, retryEvery: "1 hour", holder: "b" }),
        (lease) => [lease.token, lease.holder] as const
      )))
      // Hand back only once the waiting process listens (a hand-back before that is for its periodic tries).
      const listeners = sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query = ${`LISTEN "${Lease.channel}"`}`
      yield* eventually(Effect.map(listeners, (rows) => rows[0]!.n === 1), "the waiting process to listen")
      // Another name's hand-back does not wake it.
      const other = yield* Scope.make()
      assert(Option.isSome(yield* Scope.extend(Lease.tryAcquire("other", still), other)))
      yield* Scope.close(other, Exit.void)
      yield* Effect.sleep("100 millis")
      expect(b.unsafePoll()).toBe(null)
      yield* Scope.close(a, Exit.void)
      expect(yield* Fiber.join(b).pipe(Effect.timeoutFail({ duration: "25 seconds", onTimeout: () => "never woken" })))
        .toEqual([2, "b"])
      // The wait is over: it listens no more.
      yield* eventually(Effect.map(listeners, (rows) => rows[0]!.n === 0), "the listening to end")
    })))

  it.effect("interrupting run waits for the work's finalizers (its open transaction) before handing the lease back", () =>
    inDatabase(Effect.gen(function*() {
      const options = { duration: "1 hour", renewEvery: "50 millis", retryEvery: "20 millis", holder: "a" } as const
      const inside = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      let finalized = false
      // The work sits in a fenced transaction (holding the lease row) and takes its time to stop.
      const a = yield* Effect.fork(
        Lease.run(
          "poller",
          (lease) =>
            lease.fenced(Effect.zipRight(Deferred.succeed(inside, undefined), Effect.never)).pipe(
              Effect.onInterrupt(() =>
                Effect.zipRight(
                  Deferred.await(finish),
                  Effect.sync(() => void (finalized = true))
                )
              )
            ),
          options
        )
      )
      yield* Deferred.await(inside)
      const stopping = yield* Effect.fork(Fiber.interrupt(a))
      yield* Effect.sleep("200 millis")
      // Not done while the work is still stopping: a process that exits when `run` ends loses nothing.
      expect(stopping.unsafePoll()).toBe(null)
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(stopping)
      expect(finalized).toBe(true)
      // Handed back: the next process gets it at once, with no wait for the hour-long lease.
      const b = yield* Effect.scoped(Lease.tryAcquire("poller", { ...options, holder: "b" }))
      expect(Option.map(b, (lease) => lease.holder)).toEqual(Option.some("b"))
    })))

  it.effect("run ends with the work's result, or its failure other than LeaseLost", () =>
    inDatabase(Effect.gen(function*() {
      expect(yield* Lease.run("poller", (lease) => Effect.succeed(lease.token), still)).toBe(1)
      expect(yield* Effect.flip(Lease.run("poller", () => Effect.fail("boom" as const), still))).toBe("boom")
      // Each run handed the lease back.
      expect((yield* row("poller"))?.expired).toBe(true)
    })))

  it.effect("a fenced write that fails with LeaseLost makes run wait for the lease again", () =>
    inDatabase(Effect.gen(function*() {
      const tokens: Array<number> = []
      const token = yield* Lease.run("poller", (lease) =>
        Effect.gen(function*() {
          tokens.push(lease.token)
          if (tokens.length === 1) {
            yield* expire("poller")
            yield* Effect.scoped(Lease.acquire("poller", still))
            yield* lease.fenced(Effect.void)
          }
          return lease.token
        }), still)
      expect(tokens).toEqual([1, 3])
      expect(token).toBe(3)
    })))

  it.effect("bad options and names are InvalidRequest", () =>
    inDatabase(Effect.gen(function*() {
      const calls: ReadonlyArray<Effect.Effect<unknown, unknown, SqlClient.SqlClient>> = [
        Effect.scoped(Lease.tryAcquire("", still)),
        Effect.scoped(Lease.tryAcquire("x", { duration: "1 second", renewEvery: "1 second" })),
        Effect.scoped(Lease.tryAcquire("x", { duration: 0 })),
        Effect.scoped(Lease.acquire("x", { retryEvery: "forever" as never })),
        Effect.scoped(Lease.acquire("x", { holder: "" })),
        Effect.scoped(Lease.acquire("x", "fast" as never)),
        Lease.run("x", 42 as never),
        Effect.scoped(Lease.tryAcquire("x", { duration: `${1e9} days` }))
      ]
      const reasons = yield* Effect.forEach(calls, (effect) =>
        Effect.map(Effect.flip(effect), (error) => (error as { reason: string }).reason))
      expect(reasons).toEqual([
        "the lease name must not be empty",
        "lease renewEvery must be shorter than the lease duration",
        "lease duration must be at least 1 millisecond",
        "lease retryEvery must be a Duration (for example \"5 minutes\"), got \"forever\"",
        "lease holder must not be empty",
        "the lease options must be an object, got \"fast\"",
        "use must be a function",
        "lease duration must be at most 10 years"
      ])
    })))
})
