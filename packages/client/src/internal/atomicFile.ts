/**
 * Files that survive `kill -9` at any moment and are never seen half written, for the on-disk stores (checkpoints,
 * dedupe): content goes to a temporary file with an unguessable name, created exclusively (`wx`: a planted file or
 * symlink is never followed), is `fsync`ed, and is then published whole, by `rename` (replace) or by `link`
 * (create only if absent: the compare-and-set of the stores). A short exclusive lock file, with stale-lock
 * recovery, serialises read-modify-write cycles between processes.
 *
 * @internal
 */
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** 128 random bits as hex, for names nobody can guess (temporary files, tokens). */
export const randomHex = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  let hex = ""
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0")
  return hex
}

/** Whether a platform error is this reason (`NotFound` for ENOENT, `AlreadyExists` for EEXIST). */
export const isReason = (error: PlatformError.PlatformError, reason: PlatformError.SystemErrorReason): boolean =>
  error._tag === "SystemError" && error.reason === reason

/** The prefix of every temporary file the stores write (a sweep may remove old ones left by a crash). */
export const temporaryPrefix = ".tmp-"

const encoder = new TextEncoder()

/**
 * A file name for any non-empty string: letters, digits, `_` and `-` as they are, every other UTF-8 byte as `%XX`
 * (so no name is hidden, `.`/`..`, or holds a separator). `None` when the result would be too long for a file
 * system (over 200 characters).
 */
export const fileNameOf = (name: string): Option.Option<string> => {
  let out = ""
  for (const byte of encoder.encode(name)) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out.length === 0 || out.length > 200 ? Option.none() : Option.some(out)
}

/** The directory's entries made durable (a rename or link in it survives a power cut); best effort. */
const syncDirectory = (fs: FileSystem.FileSystem, directory: string) =>
  Effect.scoped(Effect.flatMap(fs.open(directory, { flag: "r" }), (dir) => dir.sync)).pipe(Effect.ignore)

/** Writes `text` to a fresh temporary file in `directory` (exclusive create, then `fsync`), and returns its path. */
const writeTemporary = (fs: FileSystem.FileSystem, path: Path.Path, directory: string, text: string) =>
  Effect.gen(function*() {
    const temporary = path.join(directory, `${temporaryPrefix}${randomHex()}`)
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(temporary, { flag: "wx" })
      yield* file.writeAll(encoder.encode(text))
      yield* file.sync
    })).pipe(Effect.tapError(() => fs.remove(temporary).pipe(Effect.ignore)))
    return temporary
  })

/** Replaces `target` with `text` whole: a reader sees the old content or the new one, never a mix. */
export const replace = (fs: FileSystem.FileSystem, path: Path.Path, target: string, text: string) =>
  Effect.gen(function*() {
    const directory = path.dirname(target)
    const temporary = yield* writeTemporary(fs, path, directory, text)
    yield* fs.rename(temporary, target).pipe(Effect.tapError(() => fs.remove(temporary).pipe(Effect.ignore)))
    yield* syncDirectory(fs, directory)
  })

/**
 * Creates `target` with `text` whole, only if nothing is there (a file, a directory, a symlink): `true` when this
 * call created it, `false` when something already was. Atomic across processes.
 */
export const create = (fs: FileSystem.FileSystem, path: Path.Path, target: string, text: string) =>
  Effect.gen(function*() {
    const directory = path.dirname(target)
    const temporary = yield* writeTemporary(fs, path, directory, text)
    const created = yield* fs.link(temporary, target).pipe(
      Effect.as(true),
      Effect.catchIf((error) => isReason(error, "AlreadyExists"), () => Effect.succeed(false)),
      Effect.ensuring(fs.remove(temporary).pipe(Effect.ignore))
    )
    if (created) yield* syncDirectory(fs, directory)
    return created
  })

/** The text of a file, or `None` when there is none. */
export const readIfExists = (fs: FileSystem.FileSystem, file: string) =>
  fs.readFileString(file).pipe(
    Effect.map(Option.some),
    Effect.catchIf((error) => isReason(error, "NotFound"), () => Effect.succeedNone)
  )

/** How long a lock may be held before another process may take it over (its holder crashed, or hangs). */
const staleLockAfter = 10_000
/** How long to wait for a lock before failing. */
const lockWait = 60_000

const lockTimedOut = (file: string) =>
  new PlatformError.SystemError({
    reason: "TimedOut",
    module: "FileSystem",
    method: "lock",
    pathOrDescriptor: file,
    description: `the lock ${file} was held for longer than ${lockWait / 1000} seconds`
  })

/**
 * Runs `effect` while holding the lock file `file` (created exclusively, holding a random token, the time it was
 * taken on the Effect clock and the process id). A lock older than 10 seconds, or whose process is gone, is taken
 * over: it is renamed away (atomic) and, if the renamed file is not the stale one seen (another process took the
 * lock in between), put back.
 */
export const withLock = <A, E, R>(
  fs: FileSystem.FileSystem,
  path: Path.Path,
  file: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | PlatformError.PlatformError, R> => {
  const token = randomHex()
  const acquire = Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    for (let attempt = 0;; attempt++) {
      const now = yield* Clock.currentTimeMillis
      if (yield* create(fs, path, file, JSON.stringify({ token, at: now, pid: ownPid() }))) return
      const held = yield* readIfExists(fs, file)
      if (Option.isSome(held)) {
        const holder = lockHolder(held.value)
        if (holder === undefined || now - holder.at > staleLockAfter || !alive(holder.pid)) {
          yield* breakLock(fs, path, file, held.value)
        }
      }
      if (now - started > lockWait) return yield* lockTimedOut(file)
      yield* Effect.sleep(Math.min(2 + attempt, 20))
    }
  })
  const release = readIfExists(fs, file).pipe(
    Effect.flatMap((held) =>
      Option.isSome(held) && held.value.includes(token) ? fs.remove(file) : Effect.void
    ),
    Effect.ignore
  )
  return Effect.acquireUseRelease(acquire, () => effect, () => release)
}

const lockHolder = (text: string): { readonly at: number; readonly pid: unknown } | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    const { at, pid } = typeof parsed === "object" && parsed !== null ? parsed as { at?: unknown; pid?: unknown } : {}
    return typeof at === "number" && Number.isFinite(at) ? { at, pid } : undefined
  } catch {
    return undefined
  }
}

// The process id, where there is one (Node, Bun, Deno's Node layer).
const ownPid = (): number | undefined => {
  const pid = (globalThis as { process?: { pid?: unknown } }).process?.pid
  return typeof pid === "number" ? pid : undefined
}

/**
 * Whether the process holding a lock may still be running: `false` only when this runtime can tell that no process
 * has that id (a holder killed with `kill -9` then releases its lock at once instead of after 10 seconds). The
 * stores are for one machine, so the id names a process here; a reused id only makes the lock wait its 10 seconds.
 */
const alive = (pid: unknown): boolean => {
  const kill = (globalThis as { process?: { kill?: unknown } }).process?.kill
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0 || typeof kill !== "function") return true
  try {
    kill.call((globalThis as { process?: unknown }).process, pid, 0)
    return true
  } catch (error) {
    return (error as { code?: unknown }).code !== "ESRCH"
  }
}

const breakLock = (fs: FileSystem.FileSystem, path: Path.Path, file: string, seen: string) =>
  Effect.gen(function*() {
    const aside = path.join(path.dirname(file), `${temporaryPrefix}${randomHex()}`)
    const moved = yield* fs.rename(file, aside).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
    if (!moved) return
    const text = yield* readIfExists(fs, aside)
    // Another process took the lock between our read and the rename: give it back.
    if (Option.isSome(text) && text.value !== seen) yield* fs.link(aside, file).pipe(Effect.ignore)
    yield* fs.remove(aside).pipe(Effect.ignore)
  }).pipe(Effect.ignore)
