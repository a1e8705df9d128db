/**
 * PostgreSQL's `LISTEN`, where the `SqlClient` offers it: `@effect/sql-pg`'s `PgClient` is provided as both
 * `PgClient` and `SqlClient` (the same object), and adds `listen` and `poolStats`. Read by shape, so that
 * `@effect/sql-pg` stays an optional peer and any other client works without it (callers then look periodically).
 * Shared by `Lease` (a waiting process hears a hand-back) and `Inbox` (idle workers hear new events).
 *
 * `PgClient` 4's `listen` holds a connection of the pool for as long as it listens. Listenings that held every
 * connection would leave the statements beside them (the workers' claims, the lease's tries) waiting for one forever,
 * and uninterruptibly where they wait inside a transaction's start. So a listening is made only while the pool keeps
 * a connection that no listening of this module holds: on a pool of one, none; on a pool of two, one (a replica's
 * workers or its wait for the lease, whichever asks first); on a larger pool, as many as leave one.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** What `PgClient` adds to `SqlClient`. */
interface PgListening {
  readonly listen: (
    channel: string
  ) => Effect.Effect<Queue.Dequeue<{ readonly payload: string }, SqlError>, SqlError, Scope.Scope>
  readonly poolStats: Effect.Effect<{ readonly max: number }>
}

/** A client that can listen. */
export interface Listener {
  /**
   * `LISTEN` on `channel`, confirmed by the server, as a queue of notifications for the life of the scope (holding a
   * connection of the pool until it closes); `None` when the pool has no connection to spare for it now.
   */
  readonly listen: (
    channel: string
  ) => Effect.Effect<Option.Option<Queue.Dequeue<{ readonly payload: string }, SqlError>>, SqlError, Scope.Scope>
}

// How many connections of each client's pool this module's listenings hold (or are about to).
const held = new WeakMap<object, number>()

/** The client's `Listener`, if it can listen. */
export const listener = (sql: SqlClient.SqlClient): Listener | undefined => {
  const candidate = sql as Partial<PgListening>
  if (typeof candidate.listen !== "function" || !Effect.isEffect(candidate.poolStats)) return undefined
  const client = candidate as PgListening
  // Counted before the connection is asked for, so that two listenings starting at once cannot both take the last.
  const reserve = (max: number) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const holding = held.get(client) ?? 0
        if (holding + 2 > max) return false
        held.set(client, holding + 1)
        return true
      }),
      (reserved) => reserved ? Effect.sync(() => held.set(client, (held.get(client) ?? 1) - 1)) : Effect.void
    )
  return {
    listen: (channel) =>
      Effect.flatMap(
        client.poolStats,
        (stats) =>
          Effect.flatMap(reserve(stats.max), (reserved) =>
            reserved ? Effect.map(client.listen(channel), Option.some) : Effect.succeedNone)
      )
  }
}
