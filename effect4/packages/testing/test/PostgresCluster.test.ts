/**
 * The throwaway cluster on the machine's server binaries: it starts, answers queries, hands out fresh databases that
 * do not see each other's tables, and is stopped by its pid (and its directory removed) when the scope closes.
 */
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { existsSync } from "node:fs"

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("PostgresCluster", () => {
  it.live(
    "starts a cluster that answers queries, and stops it by its pid when the scope closes",
    () =>
      Effect.gen(function*() {
        expect(PostgresCluster.binaries()).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/)
        const scope = yield* Scope.make()
        const cluster = yield* Scope.provide(PostgresCluster.start, scope)
        expect(alive(cluster.pid)).toBe(true)
        expect(existsSync(cluster.dataDir)).toBe(true)
        const rows = yield* Effect.gen(function*() {
          const sql = yield* PgClient.PgClient
          return yield* sql<{ readonly answer: number; readonly fsync: string }>`
          SELECT 41 + 1 AS answer, current_setting('fsync') AS fsync`
        }).pipe(Effect.provide(cluster.client("postgres", { maxConnections: 1 })))
        expect(rows).toEqual([{ answer: 42, fsync: "off" }])
        yield* Scope.close(scope, Exit.void)
        expect(alive(cluster.pid)).toBe(false)
        expect(existsSync(cluster.dataDir)).toBe(false)
      }),
    120_000
  )

  it.live("fresh databases are empty and separate", () =>
    Effect.gen(function*() {
      const cluster = yield* PostgresCluster.PostgresCluster
      const tables = Effect.gen(function*() {
        const sql = yield* PgClient.PgClient
        yield* sql`CREATE TABLE mine (id int)`
        const rows = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`
        return rows[0]!.n
      })
      expect(yield* Effect.provide(tables, cluster.freshDatabase({ maxConnections: 1 }))).toBe(1)
      expect(yield* Effect.provide(tables, cluster.freshDatabase({ maxConnections: 1 }))).toBe(1)
    }).pipe(Effect.provide(PostgresCluster.layer)), 120_000)
})
