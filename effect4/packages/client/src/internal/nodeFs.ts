/**
 * The few file operations the on-disk stores need (checkpoints, dedupe), over the runtime's `node:fs`, as effects
 * that fail with Effect 4's `PlatformError` (the error the Effect 3 line's stores had, from `@effect/platform`'s
 * `FileSystem`). Effect 4's own `FileSystem` needs a platform package to implement it, and it is marked unstable;
 * the stores need hard links, exclusive creates and `fsync`, which `node:fs` has wherever it exists (Node, Bun,
 * Deno). `node:fs` is reached through `process.getBuiltinModule` when a store is built, never imported, so that
 * bundles for the web do not try to include it.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as PlatformError from "effect/PlatformError"
import type * as Scope from "effect/Scope"

interface NodeFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>
  read(buffer: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesRead: number }>
  sync(): Promise<void>
  stat(): Promise<{ size: number | bigint }>
  close(): Promise<void>
}

interface NodeFsPromises {
  open(path: string, flags: string): Promise<NodeFileHandle>
  rename(from: string, to: string): Promise<void>
  link(from: string, to: string): Promise<void>
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>
  unlink(path: string): Promise<void>
  access(path: string): Promise<void>
  readdir(path: string): Promise<Array<string>>
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>
  stat(path: string): Promise<{ mtime: Date; isFile(): boolean }>
  readlink(path: string): Promise<string>
  writeFile(path: string, data: string, options: { flag: string }): Promise<void>
}

/** An open file. */
export interface Handle {
  /** The size of the file now, in bytes. */
  readonly size: Effect.Effect<number, PlatformError.PlatformError>
  /** Up to `size` bytes from the current position; `None` at the end. */
  readonly readAlloc: (size: number) => Effect.Effect<Option.Option<Uint8Array>, PlatformError.PlatformError>
  readonly writeAll: (bytes: Uint8Array) => Effect.Effect<void, PlatformError.PlatformError>
  readonly sync: Effect.Effect<void, PlatformError.PlatformError>
}

/** The operations, each failing with a `PlatformError` whose reason tells ENOENT (`NotFound`) and EEXIST apart. */
export interface Fs {
  readonly open: (path: string, flag: "r" | "wx") => Effect.Effect<Handle, PlatformError.PlatformError, Scope.Scope>
  readonly rename: (from: string, to: string) => Effect.Effect<void, PlatformError.PlatformError>
  /** A hard link: fails with `AlreadyExists` when `to` exists. */
  readonly link: (from: string, to: string) => Effect.Effect<void, PlatformError.PlatformError>
  readonly remove: (
    path: string,
    options?: { readonly recursive?: boolean }
  ) => Effect.Effect<void, PlatformError.PlatformError>
  readonly exists: (path: string) => Effect.Effect<boolean, PlatformError.PlatformError>
  readonly readDirectory: (path: string) => Effect.Effect<Array<string>, PlatformError.PlatformError>
  readonly makeDirectory: (
    path: string,
    options?: { readonly recursive?: boolean }
  ) => Effect.Effect<void, PlatformError.PlatformError>
  /** When the file was last modified, if the file system says. */
  readonly mtime: (path: string) => Effect.Effect<Option.Option<Date>, PlatformError.PlatformError>
  /** Whether the path (followed through links) is a regular file. */
  readonly isFile: (path: string) => Effect.Effect<boolean, PlatformError.PlatformError>
  readonly readLink: (path: string) => Effect.Effect<string, PlatformError.PlatformError>
  /** Writes a small file in one call; with flag `wx`, only if nothing is there (`AlreadyExists` otherwise). */
  readonly writeFileString: (
    path: string,
    text: string,
    options: { readonly flag: "w" | "wx" }
  ) => Effect.Effect<void, PlatformError.PlatformError>
}

const reasons: Record<string, PlatformError.SystemErrorTag> = {
  ENOENT: "NotFound",
  ENOTDIR: "NotFound",
  EEXIST: "AlreadyExists",
  ENOTEMPTY: "AlreadyExists",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
  EBUSY: "Busy",
  EBADF: "BadResource",
  EAGAIN: "WouldBlock",
  ETIMEDOUT: "TimedOut"
}

/** A `node:fs` failure as a `PlatformError` (the code's reason, the syscall and the path; never the file's content). */
const failure = (method: string, path: string) => (error: unknown): PlatformError.PlatformError => {
  const { code, syscall } = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown
    syscall?: unknown
  }
  return PlatformError.systemError({
    _tag: (typeof code === "string" ? reasons[code] : undefined) ?? "Unknown",
    module: "FileSystem",
    method,
    pathOrDescriptor: path,
    ...(typeof syscall === "string" ? { syscall } : {}),
    description: typeof code === "string" ? code : error instanceof Error ? error.message : String(error),
    cause: error
  })
}

const call = <A>(method: string, path: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: failure(method, path) })

// `node:fs` from the runtime, if it has `process.getBuiltinModule` (Node 20.16+, Bun, Deno).
const builtin = (): NodeFsPromises | undefined => {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    const module = typeof process?.getBuiltinModule === "function" ? process.getBuiltinModule("node:fs") : undefined
    const promises = (module as { promises?: NodeFsPromises } | undefined)?.promises
    return typeof promises?.open === "function" ? promises : undefined
  } catch {
    return undefined
  }
}

/** The runtime's file system; a `BadArgument` where it has no `node:fs` (a browser, an edge runtime). */
export const make = (store: string): Effect.Effect<Fs, PlatformError.PlatformError> =>
  Effect.suspend(() => {
    const fs = builtin()
    if (fs === undefined) {
      return Effect.fail(
        PlatformError.badArgument({
          module: "FileSystem",
          method: store,
          description: "this runtime has no node:fs (process.getBuiltinModule): the on-disk stores need one"
        })
      )
    }
    return Effect.succeed(fromNode(fs))
  })

const fromNode = (fs: NodeFsPromises): Fs => {
  const handleOf = (file: NodeFileHandle, path: string): Handle => ({
    size: Effect.map(call("stat", path, () => file.stat()), (info) => Number(info.size)),
    readAlloc: (size) =>
      Effect.map(
        call("read", path, async () => {
          const buffer = new Uint8Array(size)
          const { bytesRead } = await file.read(buffer, 0, size, null)
          return buffer.subarray(0, bytesRead)
        }),
        (bytes) => bytes.length === 0 ? Option.none() : Option.some(bytes)
      ),
    writeAll: (bytes) =>
      call("write", path, async () => {
        let at = 0
        while (at < bytes.length) at += (await file.write(bytes, at, bytes.length - at, null)).bytesWritten
      }),
    sync: call("sync", path, () => file.sync())
  })
  return {
    open: (path, flag) =>
      Effect.map(
        Effect.acquireRelease(
          call("open", path, () => fs.open(path, flag)),
          (file) => Effect.promise(() => file.close().catch(() => undefined))
        ),
        (file) => handleOf(file, path)
      ),
    rename: (from, to) => call("rename", from, () => fs.rename(from, to)),
    link: (from, to) => call("link", to, () => fs.link(from, to)),
    remove: (path, options) =>
      call(
        "remove",
        path,
        () => options?.recursive === true ? fs.rm(path, { recursive: true, force: false }) : fs.unlink(path)
      ),
    exists: (path) =>
      call("access", path, () =>
        fs.access(path).then(() => true, (error: { code?: unknown }) => {
          if (error?.code === "ENOENT" || error?.code === "ENOTDIR") return false
          throw error
        })),
    readDirectory: (path) => call("readDirectory", path, () => fs.readdir(path)),
    makeDirectory: (path, options) =>
      Effect.asVoid(call("makeDirectory", path, () => fs.mkdir(path, { recursive: options?.recursive === true }))),
    mtime: (path) => Effect.map(call("stat", path, () => fs.stat(path)), (info) => Option.fromNullishOr(info.mtime)),
    isFile: (path) => Effect.map(call("stat", path, () => fs.stat(path)), (info) => info.isFile()),
    readLink: (path) => call("readLink", path, () => fs.readlink(path)),
    writeFileString: (path, text, options) =>
      call("writeFile", path, () => fs.writeFile(path, text, { flag: options.flag }))
  }
}

/** Whether a platform error is this reason (`NotFound` for ENOENT, `AlreadyExists` for EEXIST). */
export const isReason = (error: PlatformError.PlatformError, reason: PlatformError.SystemErrorTag): boolean =>
  error.reason._tag === reason
