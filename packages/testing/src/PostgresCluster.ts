/**
 * A throwaway PostgreSQL cluster for tests of a consumer on the Postgres inbox (`@effect-exa/client/Inbox`): the
 * server binaries of the machine (`/usr/lib/postgresql/<major>/bin`, Debian's `postgresql` package) run `initdb`
 * into a fresh temp dir (as the `postgres` OS user when the test runs as root, since the server refuses root), trust
 * authentication, a free loopback port, `fsync=off`; the cluster is stopped by the pid in `postmaster.pid` when the
 * scope closes, and its directory removed. Needs `@effect/sql-pg` (an optional peer). Node only; not exported from
 * the package root.
 *
 * @since 0.3.0
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { execFile } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * The cluster could not be started: no server binaries, no OS user to run them as, or a step that failed (its
 * output in `reason`).
 *
 * @since 0.3.0
 * @category errors
 */
export class ClusterError extends Schema.TaggedError<ClusterError>("@effect-exa/testing/ClusterError")("ClusterError", {
  reason: Schema.String
}) {
  override get message(): string {
    return `The PostgreSQL test cluster could not be started: ${this.reason}`
  }
}

/**
 * Where the server binaries are: `/usr/lib/postgresql/<major>/bin` of the newest major installed, or `undefined`.
 *
 * @since 0.3.0
 * @category getters
 */
export const binaries = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return undefined
  const majors = readdirSync(root).filter((d) => existsSync(join(root, d, "bin", "initdb"))).sort((a, b) =>
    Number(b) - Number(a)
  )
  return majors.length === 0 ? undefined : join(root, majors[0]!, "bin")
}

/**
 * A running cluster: where it listens (user `postgres`, no password), its data directory and postmaster pid, and
 * databases in it.
 *
 * @since 0.3.0
 * @category models
 */
export interface Cluster {
  readonly host: string
  readonly port: number
  readonly dataDir: string
  readonly pid: number
  /** Creates a database. */
  readonly createDatabase: (name: string) => Effect.Effect<void, SqlError>
  /** A client of the database `name` (`postgres` is always there). */
  readonly client: (
    name: string,
    options?: { readonly maxConnections?: number | undefined }
  ) => Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError>
  /** A client of a fresh, empty database (`test_1`, `test_2`, …). */
  readonly freshDatabase: (
    options?: { readonly maxConnections?: number | undefined }
  ) => Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError>
}

/**
 * The cluster's tag, for `layer`.
 *
 * @since 0.3.0
 * @category tags
 */
export class PostgresCluster extends Context.Tag("@effect-exa/testing/PostgresCluster")<PostgresCluster, Cluster>() {}

const exec = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly uid?: number; readonly gid?: number; readonly cwd: string }
) =>
  Effect.async<string, ClusterError>((resume) => {
    const child = execFile(
      file,
      args,
      { ...options, timeout: 120_000, env: { ...process.env, LC_ALL: "C" } },
      (error, stdout, stderr) =>
        resume(
          error
            ? Effect.fail(
              new ClusterError({ reason: `${file} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}` })
            )
            : Effect.succeed(stdout)
        )
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const freePort = Effect.async<number, ClusterError>((resume) => {
  const server = createServer()
  server.once("error", (error) => resume(Effect.fail(new ClusterError({ reason: `no free port: ${error.message}` }))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

// Whether the server's log says it could not listen on its port (taken by another process meanwhile).
const portTaken = (log: string): boolean => {
  try {
    return /could not bind|could not create any TCP\/IP sockets|Address already in use/.test(readFileSync(log, "utf8"))
  } catch {
    return false
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Stops the postmaster by its pid: SIGINT (fast shutdown), then SIGQUIT, then SIGKILL, each after a bounded wait on
// the real clock (whatever clock the test runs with).
const stop = (pid: number) =>
  Effect.gen(function*() {
    for (const signal of ["SIGINT", "SIGQUIT", "SIGKILL"] as const) {
      if (!alive(pid)) return
      try {
        process.kill(pid, signal)
      } catch {
        return
      }
      for (let i = 0; i < 100 && alive(pid); i++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
      }
    }
  })

// The uid and gid of an OS user.
const account = (user: string): { uid: number; gid: number } | undefined => {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${user}:`))
  if (line === undefined) return undefined
  const [, , uid, gid] = line.split(":")
  return { uid: Number(uid), gid: Number(gid) }
}

const pidOf = (pidFile: string): number => Number(readFileSync(pidFile, "utf8").split("\n")[0])

/**
 * Starts a cluster for the life of the scope (about 1.5 s).
 *
 * @since 0.3.0
 * @category constructors
 */
export const start: Effect.Effect<Cluster, ClusterError, Scope.Scope> = Effect.gen(function*() {
  const bin = binaries()
  if (bin === undefined) {
    return yield* new ClusterError({
      reason: "no server binaries under /usr/lib/postgresql (apt-get install -y postgresql)"
    })
  }
  const root = process.getuid?.() === 0
  const owner: { readonly uid?: number; readonly gid?: number } | undefined = root ? account("postgres") : {}
  if (owner === undefined) {
    return yield* new ClusterError({ reason: "no postgres OS user to run the server as (it refuses root)" })
  }
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(join(tmpdir(), "effect-exa-pg-"))
      if (owner.uid !== undefined && owner.gid !== undefined) chownSync(dir, owner.uid, owner.gid)
      return dir
    }),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )
  const dataDir = join(dir, "data")
  yield* exec(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions"
  ], { ...owner, cwd: dir })
  const pidFile = join(dataDir, "postmaster.pid")
  // The postmaster a start left running, if any, stopped by its pid.
  const stopStarted = Effect.suspend(() => existsSync(pidFile) ? stop(pidOf(pidFile)) : Effect.void)
  // The port is free when picked, but another process (a parallel test, say) may bind it before the server does:
  // then the start fails, and is tried again on another port.
  const port = yield* Effect.gen(function*() {
    const port = yield* freePort
    const settings =
      `-p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -k ${dir}`
    yield* Effect.acquireRelease(
      exec(join(bin, "pg_ctl"), ["start", "-D", dataDir, "-l", join(dir, "log"), "-w", "-t", "90", "-o", settings], {
        ...owner,
        cwd: dir
      }),
      () => stopStarted
    )
    return port
  }).pipe(
    // Only a start that failed to bind its port is tried again (a server that timed out starting, say, is not: that
    // error is the one to see), and a postmaster it may have left is stopped first.
    Effect.tapError(() => stopStarted),
    Effect.retry({ times: 2, while: () => portTaken(join(dir, "log")) })
  )
  const pid = pidOf(pidFile)
  // A test process that dies without closing the scope still takes its cluster down.
  const onExit = () => {
    if (alive(pid)) process.kill(pid, "SIGQUIT")
  }
  process.once("exit", onExit)
  yield* Effect.addFinalizer(() => Effect.sync(() => process.removeListener("exit", onExit)))
  const host = "127.0.0.1"
  const client: Cluster["client"] = (name, options) =>
    PgClient.layer({ host, port, username: "postgres", database: name, maxConnections: options?.maxConnections ?? 10 })
  const createDatabase = (name: string) =>
    Effect.flatMap(PgClient.PgClient, (sql) => sql.unsafe(`CREATE DATABASE ${JSON.stringify(name)}`)).pipe(
      Effect.asVoid,
      Effect.provide(client("postgres", { maxConnections: 1 }))
    )
  let databases = 0
  const freshDatabase: Cluster["freshDatabase"] = (options) =>
    Layer.unwrapEffect(Effect.suspend(() => {
      const name = `test_${++databases}`
      return Effect.as(createDatabase(name), client(name, options))
    }))
  return { host, port, dataDir, pid, createDatabase, client, freshDatabase }
})

/**
 * A cluster for the life of the layer (one per test file).
 *
 * @since 0.3.0
 * @category layers
 */
export const layer: Layer.Layer<PostgresCluster, ClusterError> = Layer.scoped(PostgresCluster, start)
