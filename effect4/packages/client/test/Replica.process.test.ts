/**
 * Replicas on the Postgres inbox as real processes, the honesty check of this line's `Inbox` and `Lease` (ported from
 * the Effect 3 line's packages/client/test/Replica.test.ts and packages/testing/test/Replicas.process.test.ts): a
 * throwaway PostgreSQL cluster, the emulator in a process of its own adding events at a fixed rate
 * (`replicaEmulator.mjs`: the Effect 3 line's, over HTTP, as this line has none yet), replica processes running
 * `Inbox.consume` (`replica.mjs`) stopped with SIGTERM or killed with SIGKILL while events keep coming. Counted
 * against the emulator's ground truth. Real time and real processes, with generous bounded waits and no timing
 * assertions; every child process is killed by its pid when its test ends. Fewer kills than the Effect 3 line's run
 * (two SIGKILLs here, its two SIGKILLs and a SIGTERM there): this file must stay near a minute on a busy machine.
 */
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import { assert, expect, layer } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as SqlClient from "effect/sql/SqlClient"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Inbox from "../src/Inbox.js"
import { type Child, eventually, launch, line, stop } from "./children.js"

const emulatorBuild = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "..",
  "packages",
  "testing",
  "dist",
  "esm",
  "index.js"
)
const apiKey = "replica-test-key"
const inbox = "replicas"
const workers = 2
const batchSize = 10

interface Run {
  readonly pg: PostgresCluster.Cluster
  readonly database: string
  /** The emulator's ids so far: what must be handled. */
  readonly truth: () => ReadonlyArray<string>
  readonly emulator: Child
  readonly apiUrl: string
}

// A test's setting: a fresh database of the cluster (the test's `SqlClient` is on it), a temp dir for the ground
// truth, and the emulator adding `rate` events a second.
const setting = <A, E>(
  database: string,
  rate: number,
  body: (run: Run) => Effect.Effect<A, E, SqlClient.SqlClient | Scope.Scope>
) =>
  Effect.gen(function*() {
    assert(existsSync(emulatorBuild), `${emulatorBuild} is missing: build the Effect 3 line first (tsc -b at the root)`)
    const pg = yield* PostgresCluster.PostgresCluster
    yield* pg.createDatabase(database)
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "effect-exa-replicas-"))),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
    const truthFile = join(dir, "truth")
    writeFileSync(truthFile, "")
    const emulator = yield* launch("emulator", "replicaEmulator.mjs", { apiKey, rate, truth: truthFile })
    const apiUrl = yield* line(emulator, "URL ")
    const truth = () => readFileSync(truthFile, "utf8").split("\n").filter((l) => l !== "")
    return yield* Effect.provide(
      body({ pg, database, truth, emulator, apiUrl }),
      pg.client(database, { maxConnections: 2 })
    )
  })

// A replica process (type stripping over this package's sources, as `crashWriter.mjs`), started: the caller waits
// for its READY line (so that several start side by side).
const replica = (
  run: Run,
  id: string,
  lease: { readonly leaseMs: number; readonly renewMs: number; readonly retryMs: number }
) =>
  launch(
    id,
    "replica.mjs",
    {
      id,
      inbox,
      apiUrl: run.apiUrl,
      apiKey,
      pg: { host: run.pg.host, port: run.pg.port, database: run.database },
      workers,
      batchSize,
      ...lease,
      pollMs: 100,
      lookbackMs: 30_000
    },
    ["--conditions=source", "--experimental-transform-types", "--no-warnings"]
  )

// Reads that may run before a replica created the tables: no table yet counts as nothing.
const handledCount = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ readonly n: number; readonly distinct: number }>`
    SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM handled`
).pipe(Effect.map((rows) => rows[0]!), Effect.orElseSucceed(() => ({ n: 0, distinct: 0 })))

const storedCount = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(Inbox.table)} WHERE inbox = ${inbox}`
).pipe(Effect.map((rows) => rows[0]!.n), Effect.orElseSucceed(() => 0))

// The lease's row: who holds it and whether it is still held (a handed-back lease has run out at once).
interface LeaseRow {
  readonly holder: string
  readonly held: boolean
}

const leaseRow: Effect.Effect<Option.Option<LeaseRow>, never, SqlClient.SqlClient> = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<LeaseRow>`SELECT holder, expires_at > now() AS held FROM effect_exa_lease WHERE name = ${inbox}`
).pipe(
  Effect.map((rows) => Option.fromNullishOr(rows[0])),
  Effect.orElseSucceed(() => Option.none<LeaseRow>())
)

const currentHolder = Effect.map(leaseRow, Option.filter((row) => row.held))

// Waits for a replica to hold the lease, and returns its child.
const holderOf = (children: ReadonlyArray<Child>) =>
  Effect.gen(function*() {
    let found: Child | undefined
    yield* eventually(
      Effect.map(currentHolder, (row) => {
        found = Option.isSome(row) ? children.find((c) => c.name === row.value.holder) : undefined
        return found !== undefined
      }),
      "a replica holding the lease",
      children
    )
    return found!
  })

const handledLines = (children: ReadonlyArray<Child>) =>
  children.flatMap((c) => c.lines.filter((l) => l.startsWith("handled ")).map((l) => l.slice("handled ".length)))

layer(PostgresCluster.layer, { timeout: 120_000, excludeTestServices: true })("replicas as processes", (it) => {
  it.effect(
    "two replicas handle every event once; the holder stopped by SIGTERM hands the lease over and exits 0",
    () =>
      setting("sigterm", 10, (run) =>
        Effect.gen(function*() {
          // A long lease: a holder that did not hand it back would still hold it after exiting.
          const lease = { leaseMs: 15_000, renewMs: 300, retryMs: 100 }
          const a = yield* replica(run, "a", lease)
          const b = yield* replica(run, "b", lease)
          yield* line(a, "READY")
          yield* line(b, "READY")
          const all = [run.emulator, a, b]
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= 10), "the first events", all)
          const leader = yield* holderOf([a, b])
          const other = leader === a ? b : a
          expect(yield* stop(leader, "SIGTERM")).toBe(0)
          // Handed back: free, or already granted to the other replica.
          const after = yield* leaseRow
          assert(Option.isSome(after))
          expect(
            after.value.holder === other.name || !after.value.held,
            `the lease after the stop: ${JSON.stringify(after.value)}`
          )
            .toBe(true)
          // The other replica polls from now on: events added after the stop are handled.
          const stoppedAt = run.truth().length
          yield* eventually(
            Effect.map(handledCount, (h) => h.distinct >= stoppedAt + 10),
            "events added after the stop",
            all
          )
          expect(Option.getOrUndefined(yield* currentHolder)?.holder).toBe(other.name)
          run.emulator.process.kill("SIGUSR1")
          const total = Number(yield* line(run.emulator, "DONE "))
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= total), "every event handled", all)
          expect(yield* stop(other, "SIGTERM")).toBe(0)
          const truth = run.truth()
          expect(truth).toHaveLength(total)
          expect(yield* handledCount).toEqual({ n: total, distinct: total })
          const printed = handledLines([a, b])
          expect(new Set(printed)).toEqual(new Set(truth))
          // A stop interrupts at most the handler under way on each worker: only those may have printed twice.
          expect(printed.length - total).toBeLessThanOrEqual(2 * workers)
        })),
    240_000
  )

  it.effect(
    "three replicas, the holder killed with SIGKILL at random moments: nothing lost, no duplicate transactional write, the position readable",
    () =>
      setting("sigkill", 20, (run) =>
        Effect.gen(function*() {
          const lease = { leaseMs: 2_000, renewMs: 500, retryMs: 200 }
          const live = new Map<string, Child>()
          const all: Array<Child> = [run.emulator]
          const start = (id: string) =>
            Effect.map(replica(run, id, lease), (child) => {
              live.set(id, child)
              all.push(child)
              return child
            })
          const started = [yield* start("r0"), yield* start("r1"), yield* start("r2")]
          for (const child of started) yield* line(child, "READY")
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= 10), "the first events", all)
          const kills = 2
          for (let k = 0; k < kills; k++) {
            yield* Effect.sleep(Duration.millis(Math.floor(Math.random() * 2_000)))
            const leader = yield* holderOf([...live.values()])
            const killedAt = run.truth().length
            expect(yield* stop(leader, "SIGKILL")).toBeNull()
            // Three replicas again, the new process under the killed one's name (as a restarted pod would be),
            // starting while the others take over.
            const restarted = yield* start(leader.name)
            // Another replica takes the lease over once it runs out, and stores the events added since.
            yield* eventually(
              Effect.map(storedCount, (n) => n >= killedAt + 10),
              `events stored after kill ${k + 1}`,
              all
            )
            yield* line(restarted, "READY")
          }
          run.emulator.process.kill("SIGUSR1")
          const total = Number(yield* line(run.emulator, "DONE "))
          yield* eventually(Effect.map(handledCount, (h) => h.distinct >= total), "every event handled", all)
          const sql = yield* SqlClient.SqlClient
          const handled = (yield* sql<{ readonly event_id: string }>`SELECT event_id FROM handled`).map((r) =>
            r.event_id
          )
          const truth = run.truth()
          expect(truth).toHaveLength(total)
          const handledSet = new Set(handled)
          const lost = truth.filter((id) => !handledSet.has(id))
          expect(lost).toEqual([])
          expect(handled.length - handledSet.size).toBe(0)
          expect(handledSet).toEqual(new Set(truth))
          const position = yield* Inbox.position(inbox)
          expect(Option.isSome(position)).toBe(true)
          const printed = handledLines(all)
          expect(new Set(printed)).toEqual(new Set(truth))
          // An effect outside the database may run again only for what a killed replica had claimed: a batch per
          // worker per kill.
          expect(printed.length - total).toBeLessThanOrEqual(kills * workers * batchSize)
        })),
    240_000
  )
})
