/**
 * Runs `effect-exa` as users do, as a subprocess of Node (the built program, through its `bin` file), against a
 * loopback emulator; and a webhook receiver on loopback built on the library's `WebhookReceiver.make`.
 */
import { WebhookReceiver } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { type ChildProcess, spawn } from "node:child_process"
import * as Http from "node:http"
import { fileURLToPath } from "node:url"

export const bin = fileURLToPath(new URL("../bin/effect-exa.js", import.meta.url))

export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves once stdout satisfies the test (or rejects when the process ends first). */
  readonly until: (test: (stdout: string) => boolean) => Promise<void>
  readonly done: Promise<Ran>
}

/** Starts the program with these arguments and environment (nothing inherited but PATH). */
export const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}, input?: string): Running => {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  const waiters: Array<() => void> = []
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    for (const wake of waiters.splice(0)) wake()
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  if (input !== undefined) child.stdin!.end(input)
  else child.stdin!.end()
  const done = new Promise<Ran>((resolve) => {
    child.on("close", (code, signal) => {
      for (const wake of waiters.splice(0)) wake()
      resolve({ code, signal, stdout, stderr })
    })
  })
  let ended = false
  void done.then(() => {
    ended = true
  })
  const until = (test: (stdout: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test(stdout)) return resolve()
        if (ended) return reject(new Error(`the program ended first:\n${stdout}\n${stderr}`))
        waiters.push(check)
      }
      check()
    })
  return { child, stdout: () => stdout, stderr: () => stderr, until, done }
}

/** Runs the program to its end. */
export const run = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  input?: string
): Effect.Effect<Ran> => Effect.promise(() => start(args, env, input).done)

/** One JSON object per line. */
export const records = (text: string): Array<any> =>
  text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line))

/** An emulator on loopback, for the scope; with the environment the program needs to reach it. */
export const emulator = (options: ExaApi.Options = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer(options))))
    const api = Context.get(context, ExaApi.ExaApi)
    const server = Context.get(context, ExaApiServer.ExaApiServer)
    const env = { EXA_API_KEY: Redacted.value(api.apiKey), EXA_BASE_URL: server.url, NO_COLOR: "1" }
    return { api, url: server.url, env }
  })

/** A loopback port nothing listens on (bound, then released). */
export const freePort: Effect.Effect<number> = Effect.async((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

export interface Receiver {
  readonly url: string
  /** The verified events handled, in order. */
  readonly handled: Array<Event.Event>
  /** How many requests arrived (verified or not). */
  readonly requests: () => number
}

/**
 * A webhook receiver on loopback (on `port`, or any), built on the library's `WebhookReceiver.make`: it verifies each
 * delivery with `secret` and records the events. Stopped when the scope closes.
 */
export const receiver = (secret: string, port = 0): Effect.Effect<Receiver, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Receiver & { server: Http.Server; dispose: () => Promise<void> }>((resume) => {
      const handled: Array<Event.Event> = []
      let requests = 0
      const web = WebhookReceiver.webHandler({
        secret: Redacted.make(secret),
        handle: (event) => Effect.sync(() => void handled.push(event))
      }, Layer.empty)
      const server = Http.createServer((request, response) => {
        requests++
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", async () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(request.headers)) {
            if (typeof value === "string") headers.set(name, value)
          }
          const answer = await web.handler(
            new Request(`http://127.0.0.1${request.url}`, {
              method: request.method!,
              headers,
              body: Buffer.concat(chunks)
            })
          )
          response.writeHead(answer.status, Object.fromEntries(answer.headers))
          response.end(Buffer.from(await answer.arrayBuffer()))
        })
      })
      server.listen(port, "127.0.0.1", () => {
        const address = server.address()
        const bound = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${bound}/hook`,
            handled,
            requests: () => requests,
            server,
            dispose: web.dispose
          })
        )
      })
    }),
    (state) =>
      Effect.promise(async () => {
        state.server.closeAllConnections()
        await new Promise<void>((resolve) => state.server.close(() => resolve()))
        await state.dispose()
      })
  )

/** Events a minute apart from `from`, alternating two types (the API lists them newest first). */
export const series = (count: number, from = Date.parse("2026-11-01T00:00:00Z")) =>
  Array.from({ length: count }, (_, i) =>
    Fixtures.make(i % 2 === 0 ? "webset.item.created" : "webset.idle", {
      id: `ev_${String(i).padStart(4, "0")}`,
      createdAt: new Date(from + i * 60_000).toISOString()
    }))

/** Output that shows no stack trace. */
export const hasNoStack = (text: string): boolean => !/\n\s+at /.test(text)
