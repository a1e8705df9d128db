/**
 * PostgreSQL's `LISTEN`, where the `SqlClient` offers it: `@effect/sql-pg`'s `PgClient` is provided as both
 * `PgClient` and `SqlClient` (the same object), and adds `listen`. Read by shape, so that `@effect/sql-pg` stays an
 * optional peer and any other client works without it (callers then poll).
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as Stream from "effect/Stream"

/** What `PgClient` adds to `SqlClient`: the payloads notified on a channel, as a stream. */
export interface Listening {
  readonly listen: (channel: string) => Stream.Stream<string, SqlError>
}

/** The client, if it can listen. */
export const listening = (sql: SqlClient.SqlClient): Listening | undefined =>
  typeof (sql as Partial<Listening>).listen === "function" ? sql as unknown as Listening : undefined
