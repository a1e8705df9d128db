/**
 * Replicas as real processes: `docs/examples/replica.ts` (built by `tsc -b` into docs/dist) run twice with `node`,
 * against a throwaway PostgreSQL cluster and the emulator on loopback. Every event is handled once across both; the
 * holder of the poller's lease, stopped by SIGTERM, hands it over and exits cleanly, and the other replica goes on.
 * Real time and real processes, with generous bounds and no timing assertions; every process is killed by its pid
 * when the test ends.
 */
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { eventually } from "./eventually.js"

const entry = fileURLToPath(new URL("../../../docs/dist/replica.js", import.meta.url))
const T0 = Date.now() - 60_000
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const encoded = (id: string, seconds: number) => Fixtures.make("webset.idle", { id, createdAt: at(seconds) })

interface Replica {
  readonly child: ChildProcess
  readonly lines: Array<string>
  readonly exit: Promise<number | null>
}

// A replica process for the scope: killed (SIGKILL) by its pid when the scope closes, if still running.
const replica = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Replica => {
      const child = spawn(process.execPath, [entry], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      const lines: Array<string> = []
      let rest = ""
      child.stdout!.on("data", (chunk: Buffer) => {
        const parts = (rest + chunk.toString("utf8")).split("\n")
        rest = parts.pop()!
        lines.push(...parts)
      })
      child.stderr!.on("data", (chunk: Buffer) => lines.push(`stderr: ${chunk.toString("utf8")}`))
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      return { child, lines, exit }
    }),
    ({ child }) =>
      Effect.sync(() => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          process.kill(child.pid, "SIGKILL")
        }
      })
  )

// What the replicas printed last, for a test that gave up waiting.
const said = (replicas: ReadonlyArray<Replica>) => () =>
  `; the replicas said:\n${replicas.map((r) => r.lines.slice(-20).join("\n")).join("\n--\n")}`

const Env = ExaApiServer.layer.pipe(
  Layer.provideMerge(ExaApi.layer({ events: [encoded("ev_1", 1), encoded("ev_2", 2)] }))
)

layer(PostgresCluster.layer, { timeout: 120_000, excludeTestServices: true })("a replica as a process", (it) => {
  it.scoped(
    "two replicas handle every event once; SIGTERM hands the lease over and exits 0",
    () =>
      Effect.gen(function*() {
        assert(existsSync(entry), `${entry} is missing: build the docs examples first (corepack pnpm exec tsc -b)`)
        const pg = yield* PostgresCluster.PostgresCluster
        const sql = yield* SqlClient.SqlClient
        const server = yield* ExaApiServer.ExaApiServer
        const api = yield* ExaApi.ExaApi
        const database = yield* sql<{ readonly name: string }>`SELECT current_database() AS name`
        const env = {
          DATABASE_URL: `postgres://postgres@127.0.0.1:${pg.port}/${database[0]!.name}`,
          EXA_API_KEY: Redacted.value(api.apiKey),
          EXA_BASE_URL: server.url,
          SINCE: at(0),
          POLL_MS: "100",
          LEASE_MS: "3000",
          RENEW_MS: "300",
          RETRY_MS: "100"
        }
        const a = yield* replica({ ...env, REPLICA: "a" })
        const b = yield* replica({ ...env, REPLICA: "b" })
        const replicas = [a, b]
        const handled = Effect.map(
          sql<{ readonly n: number; readonly distinct: number }>`
          SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM handled_events`.pipe(
            Effect.catchAll(() => Effect.succeed([{ n: 0, distinct: 0 }]))
          ),
          (rows) => rows[0]!
        )
        yield* eventually(Effect.map(handled, (h) => h.distinct === 2), "the first events", said(replicas))
        const holder =
          (yield* sql<{ readonly holder: string }>`SELECT holder FROM effect_exa_lease WHERE name = 'exa'`)[0]!.holder
        const [leader, other] = holder === "a" ? [a, b] : [b, a]
        leader.child.kill("SIGTERM")
        expect(yield* Effect.promise(() => leader.exit)).toBe(0)
        yield* api.addEvents([encoded("ev_3", 3), encoded("ev_4", 4)])
        yield* eventually(
          Effect.map(handled, (h) => h.distinct === 4),
          "the events after the hand-over",
          said(replicas)
        )
        const after =
          (yield* sql<{ readonly holder: string }>`SELECT holder FROM effect_exa_lease WHERE name = 'exa'`)[0]!.holder
        expect(after).toBe(holder === "a" ? "b" : "a")
        other.child.kill("SIGTERM")
        expect(yield* Effect.promise(() => other.exit)).toBe(0)
        expect(yield* handled).toEqual({ n: 4, distinct: 4 })
        const printed = [...a.lines, ...b.lines].filter((line) => line.startsWith("handled ")).sort()
        expect(printed).toEqual(["handled ev_1", "handled ev_2", "handled ev_3", "handled ev_4"])
      }).pipe(Effect.provide(Layer.merge(
        Env,
        Layer.unwrapEffect(Effect.map(PostgresCluster.PostgresCluster, (pg) => pg.freshDatabase()))
      ))),
    120_000
  )

  it.scoped(
    "the example's table setup holds when replicas start together (no catalog collision)",
    () =>
      Effect.gen(function*() {
        assert(existsSync(entry), `${entry} is missing: build the docs examples first (corepack pnpm exec tsc -b)`)
        const { createTable } = (yield* Effect.promise(() => import(entry))) as {
          readonly createTable: Effect.Effect<unknown, unknown, SqlClient.SqlClient>
        }
        const sql = yield* SqlClient.SqlClient
        // Concurrent `CREATE TABLE IF NOT EXISTS` of one table, unserialized, fails now and then with a duplicate key
        // in `pg_type`: eight at once, five times over, would hit it.
        for (let round = 0; round < 5; round++) {
          yield* sql`DROP TABLE IF EXISTS handled_events`
          const outcomes = yield* Effect.all(Array.from({ length: 8 }, () => Effect.either(createTable)), {
            concurrency: "unbounded"
          })
          expect(outcomes.filter((o) => o._tag === "Left")).toEqual([])
        }
        const rows = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM handled_events`
        expect(rows).toEqual([{ n: 0 }])
      }).pipe(Effect.provide(Layer.unwrapEffect(
        Effect.map(PostgresCluster.PostgresCluster, (pg) => pg.freshDatabase({ maxConnections: 8 }))
      ))),
    120_000
  )
})
