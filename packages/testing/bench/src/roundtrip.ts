/**
 * Round trip over loopback HTTP: our client against raw fetch + JSON.parse and the official exa-js SDK, on the
 * same server (a child process), interleaved in one run, at concurrency 1 and 16.
 */
import { EventsClient } from "@effect-exa/client"
import * as NodeHttpClient from "@effect-exa/client/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import ExaModule from "exa-js"
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Agent } from "undici"
import { fmt, table } from "./harness.js"

interface Contender {
  readonly name: string
  /** One call, started from outside Effect (a Promise per call). */
  readonly call?: () => Promise<unknown>
  /** Or: runs `concurrency` calls in flight for `ms`, its own way, and returns completed calls per second. */
  readonly slice?: (concurrency: number, ms: number) => Promise<number>
}

const startServer = (size: string) =>
  new Promise<{ port: number; stop: () => void }>((resolve) => {
    const child = fork(fileURLToPath(new URL("./server.js", import.meta.url)), [size], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
    child.once("message", (port) => resolve({ port: port as number, stop: () => child.kill() }))
  })

// Runs `call` with `concurrency` calls in flight for `ms`, and returns completed calls per second.
const promiseSlice = async (call: () => Promise<unknown>, concurrency: number, ms: number): Promise<number> => {
  let done = 0
  const end = performance.now() + ms
  const worker = async () => {
    while (performance.now() < end) {
      await call()
      done++
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return done / ((performance.now() - start) / 1000)
}

const slice = (c: Contender, concurrency: number, ms: number): Promise<number> =>
  c.slice !== undefined ? c.slice(concurrency, ms) : promiseSlice(c.call!, concurrency, ms)

// The same measure from inside one Effect program: `concurrency` fibers calling `effect` in a loop until the time
// is up (how an Effect application calls the client; no Promise or root fiber per call).
const effectSlice = <R>(runtime: ManagedRuntime.ManagedRuntime<R, never>, effect: Effect.Effect<unknown, unknown, R>) =>
  async (concurrency: number, ms: number): Promise<number> => {
    let done = 0
    const end = performance.now() + ms
    const loop: Effect.Effect<void, unknown, R> = Effect.suspend(() =>
      performance.now() < end ? Effect.flatMap(effect, () => (done++, loop)) : Effect.void
    )
    const start = performance.now()
    await runtime.runPromise(Effect.forEach(Array.from({ length: concurrency }), () => loop, { concurrency: "unbounded", discard: true }))
    return done / ((performance.now() - start) / 1000)
  }

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export const contenders = (port: number, extra: ReadonlyArray<Contender> = []) => {
  const baseUrl = `http://127.0.0.1:${port}`
  const id = "ev_bench"
  const apiKey = "bench-key"
  const fetchRuntime = ManagedRuntime.make(
    EventsClient.layer({ apiKey: Redacted.make(apiKey), baseUrl }).pipe(Layer.provide(FetchHttpClient.layer))
  )
  // exa-js is CommonJS with a default export.
  const Exa = ((ExaModule as any).default ?? ExaModule) as new(key: string, url: string) => {
    websets: { events: { get: (id: string) => Promise<unknown> } }
  }
  const exa = new Exa(apiKey, baseUrl)
  const agent = new Agent()
  const nodeRuntime = ManagedRuntime.make(
    EventsClient.layer({ apiKey: Redacted.make(apiKey), baseUrl }).pipe(Layer.provide(NodeHttpClient.layer()))
  )
  const list: Array<Contender> = [
    {
      name: "raw fetch + JSON.parse (no validation)",
      call: async () => {
        const response = await fetch(`${baseUrl}/websets/v0/events/${id}`, { headers: { "x-api-key": apiKey } })
        return JSON.parse(await response.text())
      }
    },
    { name: "exa-js 2.23 websets.events.get (no validation)", call: () => exa.websets.events.get(id) },
    {
      name: "undici dispatch + JSON.parse (the transport's limit, no validation)",
      call: () =>
        new Promise((resolve, reject) => {
          const chunks: Array<Buffer> = []
          agent.dispatch({ origin: baseUrl, path: `/websets/v0/events/${id}`, method: "GET", headers: { "x-api-key": apiKey } }, {
            onRequestStart: () => {},
            onResponseData: (_, chunk) => void chunks.push(chunk),
            onResponseEnd: () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))),
            onResponseError: (_, error) => reject(error)
          })
        })
    },
    {
      name: "effect-exa getEvent, FetchHttpClient",
      call: () => fetchRuntime.runPromise(EventsClient.getEvent(id))
    },
    {
      name: "effect-exa getEvent, NodeHttpClient",
      call: () => nodeRuntime.runPromise(EventsClient.getEvent(id))
    },
    {
      name: "effect-exa getEvent, NodeHttpClient, inside one Effect program",
      slice: effectSlice(nodeRuntime, EventsClient.getEvent(id))
    },
    ...extra
  ]
  return { list, dispose: () => Promise.all([fetchRuntime.dispose(), nodeRuntime.dispose(), agent.close()]) }
}

export const runRoundTrip = async (extra: (port: number) => ReadonlyArray<Contender> = () => []): Promise<string> => {
  const out: Array<string> = [
    "## Round trip over loopback HTTP (server in a child process; 7 interleaved rounds of 300 ms slices, medians)",
    ""
  ]
  for (const size of ["small", "medium", "large"]) {
    const server = await startServer(size)
    const { list, dispose } = contenders(server.port, extra(server.port))
    const results = new Map<string, { c1: Array<number>; c16: Array<number> }>()
    for (const c of list) {
      results.set(c.name, { c1: [], c16: [] })
      await slice(c, 4, 300) // warm up
    }
    for (let round = 0; round < 7; round++) {
      for (const c of list) {
        results.get(c.name)!.c1.push(await slice(c, 1, 300))
        results.get(c.name)!.c16.push(await slice(c, 16, 300))
      }
    }
    const base = results.get(list[0]!.name)!
    const exa = results.get(list[1]!.name)!
    out.push(`### ${size} event`, "")
    out.push(table(
      ["client", "c=1 req/s", "c=16 req/s", "c=1 x fetch", "c=16 x fetch", "c=1 x exa-js", "c=16 x exa-js"],
      list.map((c) => {
        const r = results.get(c.name)!
        return [
          c.name,
          fmt(median(r.c1)),
          fmt(median(r.c16)),
          fmt(median(r.c1) / median(base.c1), 2),
          fmt(median(r.c16) / median(base.c16), 2),
          fmt(median(r.c1) / median(exa.c1), 2),
          fmt(median(r.c16) / median(exa.c16), 2)
        ]
      })
    ), "")
    await dispose()
    server.stop()
  }
  return out.join("\n")
}
