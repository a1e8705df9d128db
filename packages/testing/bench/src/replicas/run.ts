/**
 * Replica runs with real processes: a throwaway PostgreSQL cluster, the emulator in a process of its own adding
 * events at a fixed rate (or delivering them to webhooks), and replica processes on the Postgres inbox, some killed
 * with SIGKILL or stopped with SIGTERM while they run. Then everything is drained and counted against the emulator's
 * ground truth: events lost, duplicate transactional writes, duplicate external effects, unreadable positions,
 * failover and hand-over times. Used by the process tests (small runs) and `pnpm bench replicas` (larger ones).
 * Node only.
 */
import * as Inbox from "@effect-exa/client/Inbox"
import { Fixtures } from "@effect-exa/testing"
import * as PostgresCluster from "@effect-exa/testing/PostgresCluster"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Proxy from "./proxy.js"
import type { Settings as ReplicaSettings } from "./replica.js"

const here = fileURLToPath(new URL(".", import.meta.url))
// The programs run compiled: from the bench's dist whether this module runs from src (vitest) or dist.
const program = (name: string) => join(here, "..", "..", "dist", "replicas", `${name}.js`)

const sleep = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

/** A child process with its output kept, and the lines it printed. */
interface Child {
  readonly process: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the first printed line starting with `prefix` (its rest), or fails when the child exits first. */
  readonly line: (prefix: string) => Effect.Effect<string, Error>
}

const launch = (name: string, settings: unknown): Child => {
  const child = spawn(process.execPath, [program(name), JSON.stringify(settings)], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  let out = ""
  let err = ""
  child.stdout!.on("data", (chunk: Buffer) => void (out += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => void (err += chunk.toString()))
  const line = (prefix: string) =>
    Effect.gen(function*() {
      // Bounded: 60 s on a busy machine is far more than any start takes.
      for (let i = 0; i < 1200; i++) {
        const found = out.split("\n").find((l) => l.startsWith(prefix))
        if (found !== undefined) return found.slice(prefix.length).trim()
        if (child.exitCode !== null || child.signalCode !== null) break
        yield* sleep(50)
      }
      return yield* Effect.fail(new Error(`${name} printed no ${prefix.trim()} line:\n${out}\n${err}`))
    })
  return { process: child, stdout: () => out, stderr: () => err, line }
}

const stopChild = (child: Child, signal: NodeJS.Signals = "SIGTERM") =>
  Effect.promise(() =>
    new Promise<void>((resolve) => {
      if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.process.kill("SIGKILL"), 10_000)
      child.process.once("exit", () => {
        clearTimeout(timer)
        resolve()
      })
      child.process.kill(signal)
    })
  )

const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!
}

/** What a run counted. */
export interface Result {
  readonly events: number
  readonly lost: number
  readonly transactionalDuplicates: number
  readonly externalDuplicates: number
  readonly unreadablePositions: number
  readonly kills: number
  /** Each disruption: the signal, when (ms into the run), and the ms until the next event was stored (null: none). */
  readonly disruptions: ReadonlyArray<{
    readonly signal: string
    readonly at: number
    readonly gapMs: number | null
    /** Until the stopped process exited, and until another replica was granted the lease. */
    readonly exitMs: number
    readonly grantMs: number | null
  }>
  /** Gaps after a SIGKILL and after a SIGTERM, each until the next event was stored, when no other disruption came first. */
  readonly failoverMs: ReadonlyArray<number>
  readonly handOverMs: ReadonlyArray<number>
  /** Disruptions followed by another before any event was stored: left out of `failoverMs` and `handOverMs`. */
  readonly overlapped: number
  readonly ackMs: ReadonlyArray<number>
  /** Every answer at the proxy: status, ms, when (ms into the run) and how long its receiver had been taking deliveries. */
  readonly acks: ReadonlyArray<
    { readonly status: number; readonly ms: number; readonly atMs: number; readonly servingMs: number | null }
  >
  readonly firstTry204: number
  readonly deliveries: number
  readonly drainPerSecond: number
  readonly ingestPerSecond: number
  readonly load: string
}

/** Settings of a run. */
export interface Options {
  readonly replicas: number
  readonly workers: number
  /** Events added per second, and for how long. */
  readonly rate: number
  readonly seconds: number
  /** SIGKILLs of the lease holder, and SIGTERMs, at random moments of the run. */
  readonly kills: number
  readonly terms: number
  readonly leaseMs: number
  readonly renewMs: number
  readonly retryMs: number
  readonly pollMs: number
  readonly lookbackMs: number
  readonly batchSize?: number
  /** Webhooks instead of polling: receivers on every replica behind a round-robin proxy. */
  readonly webhooks?:
    | { readonly deliveryTimeoutMs: number; readonly slowEvery: number; readonly slowMs: number }
    | undefined
  /** How long to wait for the inbox to drain after the last event, at most. */
  readonly drainTimeoutMs: number
}

const inbox = "replicas"

const count = <A>(items: ReadonlyArray<A>) => {
  const distinct = new Set(items)
  return { total: items.length, distinct: distinct.size, set: distinct }
}

// A run's setting, for the life of its scope: a throwaway cluster with a database, a client of it for the counting,
// and a temp dir for the ground truth and the replicas' files.
const setting = (database: string) =>
  Effect.gen(function*() {
    const cluster = yield* PostgresCluster.start
    yield* cluster.createDatabase(database)
    const dir = mkdtempSync(join(tmpdir(), `effect-exa-${database}-`))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    return { cluster, database, db: cluster.client(database, { maxConnections: 2 }), dir }
  })

/** Runs replicas on one throwaway cluster as `options` say, and counts. */
export const run = (options: Options): Effect.Effect<Result, Error | PostgresCluster.ClusterError | SqlError> =>
  Effect.scoped(Effect.gen(function*() {
    const { cluster, database, db, dir } = yield* setting("replicas")
    const truthFile = join(dir, "truth")
    writeFileSync(truthFile, "")
    const children: Array<Child> = []
    yield* Effect.addFinalizer(() =>
      Effect.forEach(children, (child) => stopChild(child, "SIGKILL"), { discard: true })
    )

    const proxy = options.webhooks === undefined ? undefined : yield* Effect.acquireRelease(
      Effect.promise(() => Proxy.start([])),
      (p) => Effect.promise(() => p.close())
    )
    const emulator = launch("emulator", {
      rate: options.rate,
      seconds: options.seconds,
      truth: truthFile,
      ...(proxy === undefined ? {} : {
        webhookUrl: `${proxy.url}/hook`,
        deliveryTimeoutMs: options.webhooks!.deliveryTimeoutMs,
        retryMs: 500
      })
    })
    children.push(emulator)
    const apiUrl = yield* emulator.line("URL ")
    const secret = proxy === undefined ? undefined : yield* emulator.line("SECRET ")

    const replica = (i: number): Child => {
      const settings: ReplicaSettings = {
        id: `replica-${i}`,
        inbox,
        apiUrl,
        apiKey: "test-api-key",
        pg: { host: cluster.host, port: cluster.port, database },
        external: join(dir, `external-${i}`),
        leaseMs: options.leaseMs,
        renewMs: options.renewMs,
        retryMs: options.retryMs,
        pollMs: options.pollMs,
        lookbackMs: options.lookbackMs,
        workers: options.workers,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(secret === undefined ? {} : { receiverSecret: secret, poll: false }),
        ...(options.webhooks === undefined
          ? {}
          : { slowEvery: options.webhooks.slowEvery, slowMs: options.webhooks.slowMs })
      }
      const child = launch("replica", settings)
      children.push(child)
      return child
    }
    const live = new Map<number, Child>()
    for (let i = 0; i < options.replicas; i++) live.set(i, replica(i))
    const ports: Array<string> = []
    for (const child of live.values()) {
      yield* child.line("READY")
      if (secret !== undefined) ports.push(yield* child.line("PORT "))
    }
    // When each receiver began to take deliveries, to tell a cold receiver's first answers from the rest.
    const serving = new Map<string, number>()
    const route = () => {
      if (proxy === undefined) return
      const targets = ports.map((port) => `http://127.0.0.1:${port}`)
      for (const target of targets) if (!serving.has(target)) serving.set(target, Date.now())
      proxy.setTargets(targets)
    }
    route()

    const query = <A extends object>(text: string) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text)).pipe(Effect.provide(db))
    const holder = query<{ holder: string }>(
      `SELECT holder FROM effect_exa_lease WHERE expires_at > now() ORDER BY token DESC LIMIT 1`
    ).pipe(
      Effect.map((rows) => Option.fromNullable(rows[0]?.holder)),
      Effect.catchAll(() => Effect.succeedNone)
    )
    const firstIngestAfter = (millis: number) =>
      query<{ at: number | null }>(
        `SELECT (extract(epoch FROM min(received_at)) * 1000)::float8 AS at FROM effect_exa_inbox WHERE received_at > to_timestamp(${
          millis / 1000
        })`
      ).pipe(Effect.map((rows) => rows[0]?.at ?? null), Effect.catchAll(() => Effect.succeed(null)))

    // The lease table keeps only the latest grant: it is read every 50 ms while the run lasts, and each new token
    // noted with the time it was granted (on the database's clock, which is this machine's).
    const grants: Array<{ readonly at: number; readonly token: number }> = []
    const recordGrant = query<{ at: number; token: string }>(
      `SELECT (extract(epoch FROM granted_at) * 1000)::float8 AS at, token FROM effect_exa_lease ORDER BY token DESC LIMIT 1`
    ).pipe(
      Effect.tap((rows) =>
        Effect.sync(() => {
          const row = rows[0]
          if (row !== undefined && !grants.some((g) => g.token === Number(row.token))) {
            grants.push({ at: row.at, token: Number(row.token) })
          }
        })
      ),
      Effect.catchAll(() => Effect.void)
    )
    const firstGrantAfter = (millis: number) =>
      Effect.succeed(
        grants.filter((g) => g.at > millis).reduce<number | null>(
          (min, g) => min === null || g.at < min ? g.at : min,
          null
        )
      )
    const watching = yield* Effect.forkScoped(Effect.forever(Effect.zipRight(recordGrant, sleep(50))))

    // The disruptions, at random moments of the run (after the first two seconds, and early enough that events keep
    // coming after a failover), each followed by a restart of the replica so that `replicas` keep running.
    // Spread out: each in its own slot of the run, at a random point of its first third, so that one failover is
    // seldom still under way when the next disruption comes (a gap measured across two disruptions is left out of
    // the figures below, and counted). The signals are shuffled over the slots.
    const latest = Math.max(1, options.seconds * 1000 - options.leaseMs - 4_000)
    const disruptionCount = options.kills + options.terms
    const slot = latest / Math.max(1, disruptionCount)
    const signals = Array.from(
      { length: disruptionCount },
      (_, k) => (k < options.kills ? "SIGKILL" : "SIGTERM") as NodeJS.Signals
    )
      .map((signal) => ({ signal, key: Math.random() }))
      .sort((a, b) => a.key - b.key)
    const moments = signals.map(({ signal }, k) => ({ at: 2_000 + k * slot + Math.random() * slot / 3, signal }))
    emulator.process.kill("SIGUSR2")
    const started = Date.now()
    const disrupted: Array<{ readonly at: number; readonly signal: NodeJS.Signals; readonly exitMs: number }> = []
    for (const moment of moments) {
      const wait = started + moment.at - Date.now()
      if (wait > 0) yield* sleep(wait)
      // Webhook runs have no poller: disrupt any replica. Else the lease holder.
      // (Just after a kill nobody holds it until it expires: wait for the next holder, boundedly.)
      let leader = secret === undefined
        ? yield* holder
        : Option.some(`replica-${Math.floor(Math.random() * options.replicas)}`)
      for (let waited = 0; Option.isNone(leader) && waited < 60_000; waited += 100) {
        yield* sleep(100)
        leader = yield* holder
      }
      if (Option.isNone(leader)) continue
      const i = Number(leader.value.replace("replica-", ""))
      const child = live.get(i)
      if (child === undefined) continue
      const at = Date.now()
      yield* stopChild(child, moment.signal)
      disrupted.push({ at, signal: moment.signal, exitMs: Date.now() - at })
      const next = replica(i)
      live.set(i, next)
      yield* next.line("READY")
      if (secret !== undefined && proxy !== undefined) {
        ports[i] = yield* next.line("PORT ")
        route()
      }
    }
    // Events keep coming for a lease and a few seconds after the last disruption, so that each is followed by a
    // failover (however late a busy machine made it), then the emulator may stop.
    if (disrupted.length > 0) {
      yield* sleep(Math.max(0, disrupted[disrupted.length - 1]!.at + options.leaseMs + 3_000 - Date.now()))
    }
    emulator.process.kill("SIGUSR1")
    yield* emulator.line("DONE ")
    yield* sleep(options.leaseMs + 1000)
    yield* Fiber.interrupt(watching)
    const load = loadavg().map((n) => n.toFixed(2)).join(" ")

    const truth = readFileSync(truthFile, "utf8").split("\n").filter((l) => l !== "")
    // Drain: until every event of the truth is done in the inbox, or the time is up.
    const drainStart = Date.now()
    for (let i = 0; Date.now() - drainStart < options.drainTimeoutMs; i++) {
      const rows = yield* query<{ done: number }>(
        `SELECT count(*)::int AS done FROM effect_exa_inbox WHERE done_at IS NOT NULL`
      ).pipe(
        Effect.catchAll(() => Effect.succeed([{ done: 0 }]))
      )
      if ((rows[0]?.done ?? 0) >= truth.length) break
      yield* sleep(100)
    }

    const handled = (yield* query<{ event_id: string }>(`SELECT event_id FROM handled`)).map((row) => row.event_id)
    const external: Array<string> = []
    for (let i = 0; i < options.replicas; i++) {
      try {
        external.push(...readFileSync(join(dir, `external-${i}`), "utf8").split("\n").filter((l) => l !== ""))
      } catch {
        // A replica that never handled anything wrote no file.
      }
    }
    const tx = count(handled)
    const ext = count(external)
    const lost = truth.filter((id) => !tx.set.has(id)).length
    const position = yield* Effect.either(Inbox.position(inbox).pipe(Effect.provide(db)))
    const unreadablePositions = secret === undefined && (position._tag === "Left" || Option.isNone(position.right))
      ? 1
      : 0

    const failoverMs: Array<number> = []
    const handOverMs: Array<number> = []
    const disruptions: Array<Result["disruptions"][number]> = []
    let overlapped = 0
    for (const [k, d] of disrupted.entries()) {
      const first = secret === undefined ? yield* firstIngestAfter(d.at) : null
      const grant = secret === undefined ? yield* firstGrantAfter(d.at) : null
      disruptions.push({
        signal: d.signal,
        at: d.at - started,
        gapMs: first === null ? null : first - d.at,
        exitMs: d.exitMs,
        grantMs: grant === null ? null : grant - d.at
      })
      if (first === null) continue
      // The next disruption came before anything was stored: this gap holds two failovers, not one.
      const next = disrupted[k + 1]
      if (next !== undefined && next.at < first) overlapped++
      else (d.signal === "SIGKILL" ? failoverMs : handOverMs).push(first - d.at)
    }
    const rates = yield* query<{ first: number; last: number; n: number; firstDone: number; lastDone: number }>(
      `SELECT (extract(epoch FROM min(received_at)) * 1000)::float8 AS first, (extract(epoch FROM max(received_at)) * 1000)::float8 AS last,
        count(*)::int AS n, (extract(epoch FROM min(done_at)) * 1000)::float8 AS "firstDone", (extract(epoch FROM max(done_at)) * 1000)::float8 AS "lastDone"
       FROM effect_exa_inbox`
    )
    const r = rates[0]!
    const acks = proxy?.answers() ?? []
    return {
      events: truth.length,
      lost,
      transactionalDuplicates: tx.total - tx.distinct,
      externalDuplicates: ext.total - ext.distinct,
      unreadablePositions,
      kills: disrupted.filter((d) => d.signal === "SIGKILL").length,
      disruptions,
      failoverMs,
      handOverMs,
      overlapped,
      ackMs: acks.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.ms),
      acks: acks.map((a) => ({
        status: a.status,
        ms: a.ms,
        atMs: a.at - started,
        servingMs: a.target === undefined ? null : a.at - a.ms - (serving.get(a.target) ?? a.at)
      })),
      firstTry204: acks.filter((a) => a.status === 204).length,
      deliveries: acks.length,
      drainPerSecond: r.n / Math.max(0.001, (r.lastDone - r.firstDone) / 1000),
      ingestPerSecond: r.n / Math.max(0.001, (r.last - r.first) / 1000),
      load
    } satisfies Result
  }))

/** The same counts for a backlog already in the inbox: how fast `replicas` × `workers` drain `events` rows. */
export const drain = (
  options: {
    readonly replicas: number
    readonly workers: number
    readonly events: number
    readonly batchSize: number
    /** Whether the handler writes to the database (default true); without, only its external effect counts. */
    readonly sqlWrite?: boolean
  }
) =>
  Effect.scoped(Effect.gen(function*() {
    const { cluster, database, db, dir } = yield* setting("drain")
    const event = JSON.stringify(
      Fixtures.make("webset.item.created", { id: "ev_template", createdAt: new Date().toISOString() })
    )
    yield* Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Inbox.setup
      yield* sql.unsafe(
        `CREATE TABLE IF NOT EXISTS handled (event_id text NOT NULL, replica text NOT NULL, at timestamptz NOT NULL DEFAULT now())`
      )
      // The rows as the poller writes them, made in the database at once.
      yield* sql.unsafe(
        `INSERT INTO effect_exa_inbox (inbox, event_id, event_type, created_at, event)
         SELECT $1, 'ev_' || lpad(g::text, 7, '0'), 'webset.item.created', now(),
           jsonb_set($2::jsonb, '{id}', to_jsonb('ev_' || lpad(g::text, 7, '0')))
         FROM generate_series(0, $3 - 1) AS g`,
        [inbox, event, options.events]
      )
    }).pipe(Effect.provide(db))
    const children: Array<Child> = []
    yield* Effect.addFinalizer(() =>
      Effect.forEach(children, (child) => stopChild(child, "SIGKILL"), { discard: true })
    )
    for (let i = 0; i < options.replicas; i++) {
      const child = launch(
        "replica",
        {
          id: `replica-${i}`,
          inbox,
          apiUrl: "http://127.0.0.1:9",
          apiKey: "unused",
          pg: { host: cluster.host, port: cluster.port, database },
          external: join(dir, `external-${i}`),
          leaseMs: 2000,
          renewMs: 500,
          retryMs: 200,
          pollMs: 1000,
          lookbackMs: 30_000,
          workers: options.workers,
          batchSize: options.batchSize,
          poll: false,
          sqlWrite: options.sqlWrite ?? true
        } satisfies ReplicaSettings
      )
      children.push(child)
    }
    const query = <A extends object>(text: string) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text)).pipe(Effect.provide(db))
    for (let i = 0; i < 1200; i++) {
      const rows = yield* query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM effect_exa_inbox WHERE done_at IS NULL`
      )
      if ((rows[0]?.pending ?? 1) === 0) break
      yield* sleep(100)
    }
    // The times are of the claiming transactions (`now()`): the handled table's, or without it the done marks'.
    // Duplicates: rows of the handled table, or lines of the external effect, beyond one per event.
    const rows = yield* query<{ n: number; distinct: number; first: number; last: number }>(
      options.sqlWrite === false
        ? `SELECT count(*)::int AS n, count(*)::int AS distinct, (extract(epoch FROM min(done_at)) * 1000)::float8 AS first,
            (extract(epoch FROM max(done_at)) * 1000)::float8 AS last FROM effect_exa_inbox WHERE done_at IS NOT NULL`
        : `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct,
            (extract(epoch FROM min(at)) * 1000)::float8 AS first, (extract(epoch FROM max(at)) * 1000)::float8 AS last FROM handled`
    )
    const r = rows[0]!
    const external = children.flatMap((_, i) =>
      readFileSync(join(dir, `external-${i}`), "utf8").split("\n").filter((line) => line !== "")
    )
    return {
      handled: r.distinct,
      duplicates: options.sqlWrite === false ? external.length - new Set(external).size : r.n - r.distinct,
      perSecond: r.n / Math.max(0.001, (r.last - r.first) / 1000),
      load: loadavg().map((n) => n.toFixed(2)).join(" ")
    }
  }))

export { quantile }
