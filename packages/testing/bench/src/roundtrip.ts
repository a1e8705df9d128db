/**
 * Round trip over loopback HTTP: our client against raw fetch + JSON.parse and the official exa-js SDK, on the
 * same server (a child process), interleaved in one run, at concurrency 1 and 16.
 *
 * Each client runs in a process of its own (this module, forked with `--contender`), so that no client pays for
 * another's garbage or JIT state; the parent interleaves the rounds, asking one process at a time to run a slice,
 * so drift (CPU frequency, the other core) hits every client alike.
 */
import { EventsClient, ExaClient } from "@effect-exa/client"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Event } from "@effect-exa/schema"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import ExaModule from "exa-js"
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Agent } from "undici"
import { fmt, table } from "./harness.js"

/** Runs `concurrency` calls in flight for `ms`, and returns completed calls per second. */
type Slice = (concurrency: number, ms: number) => Promise<number>

// A child process of this bench (the server, or a contender), once it has sent its first message.
const forkReady = (module: URL, args: ReadonlyArray<string>) =>
  new Promise<{ child: ChildProcess; message: unknown }>((resolve) => {
    const child = fork(fileURLToPath(module), args, { stdio: ["ignore", "inherit", "inherit", "ipc"] })
    child.once("message", (message) => resolve({ child, message }))
  })

const startServer = async (size: string) => {
  const { child, message } = await forkReady(new URL("./server.js", import.meta.url), [size])
  return { port: message as number, stop: () => child.kill() }
}

// Calls started from outside Effect: a Promise per call.
const promiseSlice = (call: () => Promise<unknown>): Slice => async (concurrency, ms) => {
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

// The same measure from inside one Effect program: `concurrency` fibers calling `effect` in a loop until the time
// is up (how an Effect application calls the client; no Promise or root fiber per call).
const effectSlice =
  <R>(runtime: ManagedRuntime.ManagedRuntime<R, never>, effect: Effect.Effect<unknown, unknown, R>): Slice =>
  async (concurrency, ms) => {
    let done = 0
    const end = performance.now() + ms
    const loop: Effect.Effect<void, unknown, R> = Effect.suspend(() =>
      performance.now() < end ? Effect.flatMap(effect, () => (done++, loop)) : Effect.void
    )
    const start = performance.now()
    await runtime.runPromise(
      Effect.forEach(Array.from({ length: concurrency }), () => loop, { concurrency: "unbounded", discard: true })
    )
    return done / ((performance.now() - start) / 1000)
  }

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const id = "ev_bench"
const apiKey = "bench-key"

// The floor for any validating client over fetch: an abort signal, our headers, a decoded event.
const validatingFetch = async (baseUrl: string) => {
  const response = await fetch(`${baseUrl}/websets/v0/events/${id}`, {
    headers: { "x-api-key": apiKey, accept: "application/json", "user-agent": "effect-exa/0.1.0" },
    redirect: "manual",
    signal: new AbortController().signal
  })
  return Event.decodeSync(JSON.parse(await response.text()))
}

const eventsRuntime = (baseUrl: string, http: Layer.Layer<HttpClient.HttpClient>) =>
  ManagedRuntime.make(
    EventsClient.Default.pipe(
      Layer.provide(ExaClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.orDie,
      Layer.provide(http)
    )
  )

// Every client measured, in table order: a name, and how to build it against the server at `baseUrl`.
const definitions: ReadonlyArray<{
  readonly name: string
  readonly make: (baseUrl: string) => { readonly slice: Slice; readonly dispose: () => Promise<unknown> }
}> = [
  {
    name: "raw fetch + JSON.parse (no validation)",
    make: (baseUrl) => ({
      slice: promiseSlice(async () => {
        const response = await fetch(`${baseUrl}/websets/v0/events/${id}`, { headers: { "x-api-key": apiKey } })
        return JSON.parse(await response.text())
      }),
      dispose: async () => {}
    })
  },
  {
    name: "exa-js 2.23 websets.events.get (no validation)",
    make: (baseUrl) => {
      // exa-js is CommonJS with a default export.
      const Exa = ((ExaModule as any).default ?? ExaModule) as new(key: string, url: string) => {
        websets: { events: { get: (id: string) => Promise<unknown> } }
      }
      const exa = new Exa(apiKey, baseUrl)
      return { slice: promiseSlice(() => exa.websets.events.get(id)), dispose: async () => {} }
    }
  },
  {
    name: "undici dispatch + JSON.parse (the transport's limit, no validation)",
    make: (baseUrl) => {
      const agent = new Agent()
      const call = () =>
        new Promise((resolve, reject) => {
          const chunks: Array<Buffer> = []
          agent.dispatch({
            origin: baseUrl,
            path: `/websets/v0/events/${id}`,
            method: "GET",
            headers: { "x-api-key": apiKey }
          }, {
            onRequestStart: () => {},
            onResponseData: (_, chunk) => void chunks.push(chunk),
            onResponseEnd: () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))),
            onResponseError: (_, error) => reject(error)
          })
        })
      return { slice: promiseSlice(call), dispose: () => agent.close() }
    }
  },
  {
    name: "fetch + Event.decodeSync (an abort signal, our headers: the floor for a validating fetch client)",
    make: (baseUrl) => ({ slice: promiseSlice(() => validatingFetch(baseUrl)), dispose: async () => {} })
  },
  {
    name: "@effect/platform FetchHttpClient alone (execute + text + JSON.parse, tracer off)",
    make: (baseUrl) => {
      const runtime = ManagedRuntime.make(FetchHttpClient.layer)
      const request = HttpClientRequest.get(`${baseUrl}/websets/v0/events/${id}`).pipe(
        HttpClientRequest.setHeader("x-api-key", apiKey)
      )
      const call = Effect.flatMap(
        HttpClient.HttpClient,
        (client) =>
          Effect.flatMap(client.execute(request), (response) => Effect.map(response.text, (text) => JSON.parse(text)))
      ).pipe(
        Effect.withTracerEnabled(false)
      )
      return { slice: promiseSlice(() => runtime.runPromise(call)), dispose: () => runtime.dispose() }
    }
  },
  {
    name: "effect-exa getEvent, @effect/platform's FetchHttpClient",
    make: (baseUrl) => {
      const runtime = eventsRuntime(baseUrl, FetchHttpClient.layer)
      return {
        slice: promiseSlice(() => runtime.runPromise(EventsClient.getEvent(id))),
        dispose: () => runtime.dispose()
      }
    }
  },
  {
    name: "effect-exa getEvent, FetchTransport",
    make: (baseUrl) => {
      const runtime = eventsRuntime(baseUrl, FetchTransport.layer)
      return {
        slice: promiseSlice(() => runtime.runPromise(EventsClient.getEvent(id))),
        dispose: () => runtime.dispose()
      }
    }
  },
  {
    name: "effect-exa getEvent, FetchTransport, inside one Effect program",
    make: (baseUrl) => {
      const runtime = eventsRuntime(baseUrl, FetchTransport.layer)
      return { slice: effectSlice(runtime, EventsClient.getEvent(id)), dispose: () => runtime.dispose() }
    }
  },
  {
    name: "runtime.runPromise(Effect.promise(the floor above)): what one fiber per call costs",
    make: (baseUrl) => {
      const runtime = ManagedRuntime.make(Layer.empty)
      const floor = Effect.promise(() => validatingFetch(baseUrl))
      return { slice: promiseSlice(() => runtime.runPromise(floor)), dispose: () => runtime.dispose() }
    }
  },
  {
    name: "effect-exa getEvent, NodeTransport",
    make: (baseUrl) => {
      const runtime = eventsRuntime(baseUrl, NodeTransport.layer)
      return {
        slice: promiseSlice(() => runtime.runPromise(EventsClient.getEvent(id))),
        dispose: () => runtime.dispose()
      }
    }
  },
  {
    name: "effect-exa getEvent, NodeTransport, inside one Effect program",
    make: (baseUrl) => {
      const runtime = eventsRuntime(baseUrl, NodeTransport.layer)
      return { slice: effectSlice(runtime, EventsClient.getEvent(id)), dispose: () => runtime.dispose() }
    }
  }
]

// A contender's process: waits for `{ concurrency, ms }` messages and answers each with the rate it measured.
const serveContender = (port: number, index: number) => {
  const { slice, dispose } = definitions[index]!.make(`http://127.0.0.1:${port}`)
  process.on("message", (message: { concurrency: number; ms: number } | "exit") => {
    if (message === "exit") {
      void dispose().then(() => process.exit(0))
      return
    }
    void slice(message.concurrency, message.ms).then((rate) => process.send!(rate))
  })
  process.send!("ready")
}

interface Runner {
  readonly run: (concurrency: number, ms: number) => Promise<number>
  readonly stop: () => void
}

const startContender = async (port: number, index: number): Promise<Runner> => {
  const { child } = await forkReady(new URL(import.meta.url), ["--contender", String(port), String(index)])
  return {
    run: (concurrency, ms) =>
      new Promise((done) => {
        child.once("message", (rate) => done(rate as number))
        child.send({ concurrency, ms })
      }),
    stop: () => void child.send("exit")
  }
}

export const runRoundTrip = async (): Promise<string> => {
  const out: Array<string> = [
    "## Round trip over loopback HTTP (server in a child process, each client in its own process; 7 interleaved rounds of 300 ms slices, medians)",
    ""
  ]
  // BENCH_SIZES=medium,large runs only those.
  const sizes = process.env.BENCH_SIZES?.split(",") ?? ["small", "medium", "large"]
  for (const size of sizes) {
    const server = await startServer(size)
    const runners = await Promise.all(definitions.map((_, index) => startContender(server.port, index)))
    const results = definitions.map(() => ({ c1: [] as Array<number>, c16: [] as Array<number> }))
    // Warm up: JIT, and V8's heap sizing, which takes a couple of seconds of steady load to settle.
    for (const runner of runners) {
      await runner.run(16, 1500)
      await runner.run(1, 500)
    }
    for (let round = 0; round < 7; round++) {
      for (const [index, runner] of runners.entries()) {
        results[index]!.c1.push(await runner.run(1, 300))
        results[index]!.c16.push(await runner.run(16, 300))
      }
    }
    const base = results[0]!
    const exa = results[1]!
    const undici = results[2]!
    const floor = results[3]!
    out.push(`### ${size} event`, "")
    out.push(
      table(
        [
          "client",
          "c=1 req/s",
          "c=16 req/s",
          "× fetch (c=1 / c=16)",
          "× validating fetch (c=1 / c=16)",
          "× undici (c=1 / c=16)",
          "× exa-js (c=1 / c=16)"
        ],
        definitions.map(({ name }, index) => {
          const r = results[index]!
          return [
            name,
            fmt(median(r.c1)),
            fmt(median(r.c16)),
            `${fmt(median(r.c1) / median(base.c1), 2)} / ${fmt(median(r.c16) / median(base.c16), 2)}`,
            `${fmt(median(r.c1) / median(floor.c1), 2)} / ${fmt(median(r.c16) / median(floor.c16), 2)}`,
            `${fmt(median(r.c1) / median(undici.c1), 2)} / ${fmt(median(r.c16) / median(undici.c16), 2)}`,
            `${fmt(median(r.c1) / median(exa.c1), 2)} / ${fmt(median(r.c16) / median(exa.c16), 2)}`
          ]
        })
      ),
      ""
    )
    for (const runner of runners) runner.stop()
    server.stop()
  }
  return out.join("\n")
}

if (process.argv[2] === "--contender") serveContender(Number(process.argv[3]), Number(process.argv[4]))
