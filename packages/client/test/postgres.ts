/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a fresh temp dir (as the `postgres` OS user when run as
 * root, since the server refuses to run as root), trust authentication, started on a free loopback port with
 * `fsync=off`, and stopped by the pid in `postmaster.pid` when the scope closes (the dir is removed after). One
 * cluster per test file; `database()` gives each test a fresh database in it.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { execFile } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Where Debian puts the server binaries: `/usr/lib/postgresql/<major>/bin`, newest major first. */
export const binaries = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return undefined
  const majors = readdirSync(root).filter((d) => existsSync(join(root, d, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a))
  return majors.length === 0 ? undefined : join(root, majors[0]!, "bin")
}

/** A running cluster. */
export interface Cluster {
  readonly host: string
  readonly port: number
  /** Its data directory (holds `postmaster.pid`). */
  readonly dataDir: string
  /** The postmaster's pid. */
  readonly pid: number
  /** A client layer for a fresh, empty database of this cluster. */
  readonly database: (options?: { readonly maxConnections?: number }) => Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError>
}

/** The cluster of a test file. */
export class Postgres extends Context.Tag("test/Postgres")<Postgres, Cluster>() {}

const run = (file: string, args: ReadonlyArray<string>, options: { readonly uid?: number; readonly gid?: number; readonly cwd: string }) =>
  Effect.async<string, Error>((resume) => {
    const child = execFile(file, args, { ...options, timeout: 120_000, env: { ...process.env, LC_ALL: "C" } }, (error, stdout, stderr) =>
      resume(error ? Effect.fail(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`)) : Effect.succeed(stdout))
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const freePort = Effect.async<number, Error>((resume) => {
  const server = createServer()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Stops the postmaster by its pid: SIGINT (fast shutdown), then SIGQUIT, then SIGKILL, each after a bounded wait.
const stop = (pid: number) =>
  Effect.gen(function*() {
    for (const signal of ["SIGINT", "SIGQUIT", "SIGKILL"] as const) {
      if (!alive(pid)) return
      try {
        process.kill(pid, signal)
      } catch {
        return
      }
      // Real time, whatever clock the test runs with.
      for (let i = 0; i < 100 && alive(pid); i++) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
    }
  })

/** Starts a cluster for the life of the scope. */
export const start: Effect.Effect<Cluster, Error, import("effect/Scope").Scope> = Effect.gen(function*() {
  const bin = binaries()
  if (bin === undefined) {
    return yield* Effect.fail(new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install -y postgresql)"))
  }
  const root = process.getuid?.() === 0
  const owner: { uid?: number; gid?: number } = root ? yield* Effect.try({ try: () => account("postgres"), catch: (e) => e as Error }) : {}
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(join(tmpdir(), "effect-exa-pg-"))
      if (root) chownSync(dir, owner.uid!, owner.gid!)
      return dir
    }),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )
  const dataDir = join(dir, "data")
  yield* run(join(bin, "initdb"), ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"], { ...owner, cwd: dir })
  const port = yield* freePort
  const pidFile = join(dataDir, "postmaster.pid")
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -k ${dir}`
  yield* Effect.acquireRelease(
    run(join(bin, "pg_ctl"), ["start", "-D", dataDir, "-l", join(dir, "log"), "-w", "-t", "90", "-o", options], { ...owner, cwd: dir }),
    () => Effect.suspend(() => existsSync(pidFile) ? stop(Number(readFileSync(pidFile, "utf8").split("\n")[0])) : Effect.void)
  )
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
  // A test process that dies without closing the scope still takes its cluster down.
  const onExit = () => {
    if (alive(pid)) process.kill(pid, "SIGQUIT")
  }
  process.once("exit", onExit)
  yield* Effect.addFinalizer(() => Effect.sync(() => process.removeListener("exit", onExit)))
  let databases = 0
  const admin = PgClient.layer({ host: "127.0.0.1", port, username: "postgres", database: "postgres", maxConnections: 1 })
  const database = (options?: { readonly maxConnections?: number }) =>
    Layer.unwrapEffect(Effect.gen(function*() {
      const name = `test_${++databases}`
      yield* Effect.flatMap(PgClient.PgClient, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(Effect.provide(admin))
      return PgClient.layer({
        host: "127.0.0.1",
        port,
        username: "postgres",
        database: name,
        maxConnections: options?.maxConnections ?? 10
      })
    }))
  return { host: "127.0.0.1", port, dataDir, pid, database }
})

/** The cluster of a test file, as a layer. */
export const layer: Layer.Layer<Postgres, Error> = Layer.scoped(Postgres, start)

// The uid and gid of an OS user (the server refuses to run as root).
function account(user: string): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${user}:`))
  if (line === undefined) throw new Error(`no ${user} OS user to run the PostgreSQL server as`)
  const [, , uid, gid] = line.split(":")
  return { uid: Number(uid), gid: Number(gid) }
}
