/**
 * Files that survive `kill -9` at any moment and are never seen half written, for the on-disk stores (checkpoints,
 * dedupe): content goes to a temporary file with an unguessable name, created exclusively (`wx`: a planted file or
 * symlink is never followed), is `fsync`ed, and is then published whole, by `rename` (replace) or by `link`
 * (create only if absent: the compare-and-set of the stores). A short exclusive lock file, with stale-lock
 * recovery, serialises read-modify-write cycles between processes. Reads are bounded. Ported from the Effect 3 line,
 * over `node:fs` (`nodeFs.ts`) instead of `@effect/platform`'s `FileSystem`; paths are joined with `/`.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as PlatformError from "effect/PlatformError"
import type { Fs } from "./nodeFs.js"
import { isReason } from "./nodeFs.js"

/** 128 random bits as hex, for names nobody can guess (temporary files, tokens). */
export const randomHex = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  let hex = ""
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0")
  return hex
}

export { isReason }

/** `directory/name`. */
export const join = (directory: string, name: string): string =>
  directory.endsWith("/") ? `${directory}${name}` : `${directory}/${name}`

/** The directory of a path (`.` for a bare name). */
export const dirname = (file: string): string => {
  const at = file.replace(/\/+$/, "").lastIndexOf("/")
  return at < 0 ? "." : at === 0 ? "/" : file.slice(0, at)
}

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
const syncDirectory = (fs: Fs, directory: string) =>
  Effect.scoped(Effect.flatMap(fs.open(directory, "r"), (dir) => dir.sync)).pipe(Effect.ignore)

/** Writes `text` to a fresh temporary file in `directory` (exclusive create, then `fsync`), and returns its path. */
const writeTemporary = (fs: Fs, directory: string, text: string) =>
  Effect.gen(function*() {
    const temporary = join(directory, `${temporaryPrefix}${randomHex()}`)
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(temporary, "wx")
      yield* file.writeAll(encoder.encode(text))
      yield* file.sync
    })).pipe(Effect.tapError(() => fs.remove(temporary).pipe(Effect.ignore)))
    return temporary
  })

/** Replaces `target` with `text` whole: a reader sees the old content or the new one, never a mix. */
export const replace = (fs: Fs, target: string, text: string) =>
  Effect.gen(function*() {
    const directory = dirname(target)
    const temporary = yield* writeTemporary(fs, directory, text)
    yield* fs.rename(temporary, target).pipe(Effect.tapError(() => fs.remove(temporary).pipe(Effect.ignore)))
    yield* syncDirectory(fs, directory)
  })

/**
 * Creates `target` with `text` whole, only if nothing is there (a file, a directory, a symlink): `true` when this
 * call created it, `false` when something already was. Atomic across processes.
 */
export const create = (fs: Fs, target: string, text: string) =>
  Effect.gen(function*() {
    const directory = dirname(target)
    const temporary = yield* writeTemporary(fs, directory, text)
    const created = yield* fs.link(temporary, target).pipe(
      Effect.as(true),
      Effect.catchIf((error) => isReason(error, "AlreadyExists"), () => Effect.succeed(false)),
      Effect.ensuring(fs.remove(temporary).pipe(Effect.ignore))
    )
    if (created) yield* syncDirectory(fs, directory)
    return created
  })

/**
 * The text of a file, or `None` when there is none. A file larger than `maxBytes` fails with `InvalidData`: the
 * stores never write one that large, and reading a planted or runaway file whole could exhaust memory. So does
 * anything but a regular file (a directory, a FIFO).
 */
export const readIfExists = (
  fs: Fs,
  file: string,
  maxBytes: number
): Effect.Effect<Option.Option<string>, PlatformError.PlatformError> =>
  Effect.scoped(Effect.gen(function*() {
    // Only a regular file is read: opening a FIFO planted at the path would wait for a writer, forever.
    if (!(yield* fs.isFile(file))) {
      return yield* PlatformError.systemError({
        _tag: "InvalidData",
        module: "FileSystem",
        method: "readFile",
        pathOrDescriptor: file,
        description: `${file} is not a regular file`
      })
    }
    const handle = yield* fs.open(file, "r")
    const size = yield* handle.size
    const tooLarge = (bytes: number) =>
      PlatformError.systemError({
        _tag: "InvalidData",
        module: "FileSystem",
        method: "readFile",
        pathOrDescriptor: file,
        description: `${file} holds ${
          bytes > size ? "more than " : ""
        }${bytes} bytes, more than the ${maxBytes} this store reads`
      })
    if (size > maxBytes) return yield* tooLarge(size)
    const chunks: Array<Uint8Array> = []
    let total = 0
    while (true) {
      // One byte more than the file should still hold, to see the end (or that it grew).
      const chunk = yield* handle.readAlloc(Math.max(1, size - total + 1))
      if (Option.isNone(chunk)) break
      chunks.push(chunk.value)
      total += chunk.value.length
      if (total > maxBytes) return yield* tooLarge(total)
    }
    const bytes = new Uint8Array(total)
    let at = 0
    for (const chunk of chunks) {
      bytes.set(chunk, at)
      at += chunk.length
    }
    return Option.some(decoder.decode(bytes))
  })).pipe(Effect.catchIf((error) => isReason(error, "NotFound"), () => Effect.succeedNone))

const decoder = new TextDecoder()

/** How long a lock may be held before another process may take it over (its holder crashed, or hangs). */
const staleLockAfter = 10_000
/** How long to wait for a lock before failing. */
const lockWait = 60_000
/** How long the guard of a lock's removal may be held before it is taken over (its holder crashed in between). */
const staleGuardAfter = 30_000
/** A lock file is a short JSON object: anything larger is not one. */
const maxLockBytes = 4096

const lockTimedOut = (file: string) =>
  PlatformError.systemError({
    _tag: "TimedOut",
    module: "FileSystem",
    method: "lock",
    pathOrDescriptor: file,
    description: `the lock ${file} was held for longer than ${lockWait / 1000} seconds`
  })

/**
 * Runs `effect` while holding the lock file `file` (created exclusively, holding a random token, the time it was
 * taken on the Effect clock, the process id and its pid namespace where there is one). A lock older than 10 seconds,
 * or whose process is gone, is taken over.
 *
 * Taking a lock is an exclusive create; removing one (a release, or a take-over) happens only under a second,
 * short-lived lock, the guard (`<file>.guard`), and only if the lock file still holds what the remover expects.
 * With removals one at a time, nothing can change the lock file between that check and the removal (it can only
 * be created when absent), so a take-over never removes a lock taken in between, however many processes race.
 */
export const withLock = <A, E, R>(
  fs: Fs,
  file: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | PlatformError.PlatformError, R> => {
  const token = randomHex()
  // Interruptible while it waits (a shutdown does not wait for a lock), never between taking the lock and running
  // `effect` under the release.
  return Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const namespace = yield* pidNamespace(fs)
      for (let attempt = 0;; attempt++) {
        const now = yield* Clock.currentTimeMillis
        if (yield* create(fs, file, JSON.stringify({ token, at: now, pid: ownPid(), namespace }))) break
        const held = yield* readIfExists(fs, file, maxLockBytes).pipe(Effect.orElseSucceed(() => Option.some("")))
        if (Option.isSome(held)) {
          const holder = lockHolder(held.value)
          if (holder === undefined || now - holder.at > staleLockAfter || goneHere(holder, namespace)) {
            yield* removeIf(fs, file, namespace, (text) => text === held.value)
          }
        }
        if (now - started > lockWait) return yield* lockTimedOut(file)
        yield* restore(Effect.sleep(Math.min(2 + attempt, 20)))
      }
      const exit = yield* Effect.exit(restore(effect))
      yield* removeIf(fs, file, namespace, (text) => lockHolder(text)?.token === token).pipe(Effect.ignore)
      return yield* exit
    })
  )
}

const lockHolder = (
  text: string
):
  | {
    readonly token: unknown
    readonly at: number
    readonly pid: unknown
    readonly namespace: string | undefined
    readonly mark: unknown
  }
  | undefined =>
{
  try {
    const parsed: unknown = JSON.parse(text)
    const { at, mark, namespace, pid, token } = typeof parsed === "object" && parsed !== null
      ? parsed as { at?: unknown; pid?: unknown; token?: unknown; namespace?: unknown; mark?: unknown }
      : {}
    return typeof at === "number" && Number.isFinite(at)
      ? { token, at, pid, namespace: typeof namespace === "string" ? namespace : undefined, mark }
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Removes `file` if its content passes `expected`, under the guard `<file>.guard` (see `withLock`). A guard whose
 * process is gone (in this pid namespace: killed between two file operations) is removed at once, any other after
 * 30 seconds.
 */
const removeIf = (fs: Fs, file: string, namespace: string | undefined, expected: (text: string) => boolean) =>
  Effect.gen(function*() {
    const guard = `${file}.guard`
    const started = yield* Clock.currentTimeMillis
    for (let attempt = 0;; attempt++) {
      const now = yield* Clock.currentTimeMillis
      const mark = randomHex()
      const taken = yield* fs.writeFileString(guard, JSON.stringify({ at: now, pid: ownPid(), namespace, mark }), {
        flag: "wx"
      }).pipe(
        Effect.as(true),
        Effect.catchIf((error) => isReason(error, "AlreadyExists"), () => Effect.succeed(false))
      )
      if (taken) {
        return yield* Effect.gen(function*() {
          const text = yield* readIfExists(fs, file, maxLockBytes).pipe(Effect.orElseSucceed(() => Option.some("")))
          if (Option.isSome(text) && expected(text.value) && (yield* stillOurs(fs, guard, mark))) yield* fs.remove(file)
        }).pipe(Effect.ensuring(fs.remove(guard).pipe(Effect.ignore)))
      }
      // A guard's holder killed with `kill -9` between taking it and removing it would otherwise stall every other
      // writer of the file for 30 seconds. Removed only if it still holds what was read, as a stale guard is: the
      // same window as the 30-second take-over, sooner.
      const held = yield* readIfExists(fs, guard, maxLockBytes).pipe(Effect.orElseSucceed(() => Option.none<string>()))
      const holder = Option.isSome(held) ? lockHolder(held.value) : undefined
      if (Option.isSome(held) && holder !== undefined && goneHere(holder, namespace)) {
        yield* removeIfStill(fs, guard, held.value)
      } else {
        const since = yield* fs.mtime(guard).pipe(
          Effect.map((mtime) => Option.getOrElse(Option.map(mtime, (date) => date.getTime()), () => now)),
          Effect.orElseSucceed(() => now)
        )
        if (now - since > staleGuardAfter) yield* fs.remove(guard).pipe(Effect.ignore)
      }
      if (now - started > lockWait) return yield* lockTimedOut(guard)
      yield* Effect.sleep(Math.min(1 + attempt, 10))
    }
  })

// Whether the guard is still the one this remover took: another process that took a guard it thought dead (or
// stale) over meanwhile would make two removers, so the lock file is then left alone. Narrows that window to the
// two file operations below; closing it needs an advisory lock (flock), which the stores do not rely on.
const stillOurs = (fs: Fs, guard: string, mark: string) =>
  readIfExists(fs, guard, maxLockBytes).pipe(
    Effect.map((text) => Option.isSome(text) && lockHolder(text.value)?.mark === mark),
    Effect.orElseSucceed(() => false)
  )

// Whether the process that wrote a lock or a guard is known to be gone: it ran in this pid namespace (`namespace`)
// and no process has its id any more.
const goneHere = (
  holder: { readonly pid: unknown; readonly namespace: string | undefined },
  namespace: string | undefined
): boolean => holder.namespace !== undefined && holder.namespace === namespace && !alive(holder.pid)

// Removes `file` if it still holds `text` (a guard left by a process that is gone).
const removeIfStill = (fs: Fs, file: string, text: string) =>
  readIfExists(fs, file, maxLockBytes).pipe(
    Effect.flatMap((now) => Option.isSome(now) && now.value === text ? fs.remove(file) : Effect.void),
    Effect.ignore
  )

// The process id, where there is one (Node, Bun, Deno's Node layer).
const ownPid = (): number | undefined => {
  const pid = (globalThis as { process?: { pid?: unknown } }).process?.pid
  return typeof pid === "number" ? pid : undefined
}

/**
 * This process's pid namespace (Linux: the target of `/proc/self/ns/pid`), or undefined where it cannot be told. Two
 * processes sharing a directory from different containers see each other's ids as meaningless: a lock's process is
 * checked for liveness only when it was taken in this namespace.
 */
const pidNamespace = (fs: Fs) =>
  fs.readLink("/proc/self/ns/pid").pipe(
    Effect.map((target): string | undefined => target),
    Effect.orElseSucceed(() => undefined)
  )

/**
 * Whether the process holding a lock may still be running: `false` only when this runtime can tell that no process
 * has that id (a holder killed with `kill -9` then releases its lock at once instead of after 10 seconds). Used only
 * for a lock taken in this process's pid namespace; a reused id only makes the lock wait its 10 seconds.
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
