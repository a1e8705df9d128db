// Where one client's `getEvent` spends its CPU: one line, one transport, one event size, against a loopback server in
// a child process, `CONCURRENCY` calls in flight for `SECONDS`, with V8's CPU profiler on for the measured loop only
// (node:inspector's Profiler, the profiler `--cpu-prof` drives; the warm-up and the imports are left out). Writes a
// .cpuprofile (open it in Chrome DevTools) and prints client CPU µs per call plus the self time by module and by
// function (scripts/prof-summary.mjs).
//
//   corepack pnpm exec tsc -b                                                  # repository root: the Effect 3 dist
//   scripts/node.sh corepack pnpm exec tsc -b                                  # in effect4/
//   scripts/node.sh node scripts/prof-getevent.mjs <3|4> <platform|fetch|node|memory> <medium|large> [out.cpuprofile]
//
// `memory` is each line's FetchTransport over an in-memory `fetch` (a `Response` built from the event's bytes, no
// socket): the same work for both lines outside the pipeline and the decoder, so what differs is ours or Effect's.
//
// SECONDS (default 4), CONCURRENCY (default 16), TOP (default 40 functions). `PROFILE=0` measures without the
// profiler (its sampling costs a few percent).
import { fork } from "node:child_process"
import { realpathSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { Session } from "node:inspector/promises"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { summarize } from "./prof-summary.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const { samples } = await import(pathToFileURL(join(here, "../../packages/testing/bench/dist/samples.js")).href)
const sample = (name) => samples.find((s) => s.name === name)

if (process.argv[2] === "--server") {
  const bodies = { medium: Buffer.from(sample("medium").text), large: Buffer.from(sample("large").text) }
  const server = createServer((request, response) => {
    request.resume()
    const body = bodies[request.url.slice(request.url.lastIndexOf("_") + 1)]
    response.writeHead(body === undefined ? 404 : 200, {
      "content-type": "application/json",
      "content-length": body === undefined ? 2 : body.length,
      "x-request-id": "req_prof"
    })
    response.end(body ?? "{}")
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => process.send(server.address().port))
  process.on("disconnect", () => process.exit(0))
} else {
  const [line, transport, size, out] = process.argv.slice(2)
  if (!["3", "4"].includes(line) || !["platform", "fetch", "node", "memory"].includes(transport) || !sample(size)) {
    console.error("usage: prof-getevent.mjs <3|4> <platform|fetch|node|memory> <medium|large> [out.cpuprofile]")
    process.exit(2)
  }
  const bytes = Buffer.from(sample(size).text)
  const headers = { "content-type": "application/json", "content-length": String(bytes.length), "x-request-id": "r" }
  const memoryFetch = async () => new Response(bytes, { status: 200, headers })
  const from = (pkgDir, file) => import(pathToFileURL(join(realpathSync(join(here, pkgDir)), file)).href)
  const lib = line === "3"
    ? {
      client: await from("../../packages/client", "dist/esm/index.js"),
      Layer: await from("../../packages/client/node_modules/effect", "dist/esm/Layer.js"),
      ManagedRuntime: await from("../../packages/client/node_modules/effect", "dist/esm/ManagedRuntime.js"),
      Redacted: await from("../../packages/client/node_modules/effect", "dist/esm/Redacted.js"),
      http: transport === "platform"
        ? (await from("../../packages/client/node_modules/@effect/platform", "dist/esm/FetchHttpClient.js")).layer
        : transport === "fetch"
        ? (await from("../../packages/client", "dist/esm/FetchTransport.js")).layer
        : transport === "memory"
        ? (await from("../../packages/client", "dist/esm/FetchTransport.js")).layerWith({ fetch: memoryFetch })
        : (await from("../../packages/client", "dist/esm/NodeTransport.js")).layer
    }
    : {
      client: await from("../packages/client", "dist/index.js"),
      Layer: await from("../packages/client/node_modules/effect", "dist/Layer.js"),
      ManagedRuntime: await from("../packages/client/node_modules/effect", "dist/ManagedRuntime.js"),
      Redacted: await from("../packages/client/node_modules/effect", "dist/Redacted.js"),
      http: transport === "platform"
        ? (await from("../packages/client/node_modules/effect", "dist/http/FetchHttpClient.js")).layer
        : transport === "fetch"
        ? (await from("../packages/client", "dist/FetchTransport.js")).layer
        : transport === "memory"
        ? (await from("../packages/client", "dist/FetchTransport.js")).layerWith({ fetch: memoryFetch })
        : (await from("../packages/client", "dist/NodeTransport.js")).layer
    }

  const server = fork(fileURLToPath(import.meta.url), ["--server"], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
  const port = await new Promise((resolve) => server.once("message", resolve))
  const runtime = lib.ManagedRuntime.make(
    lib.client.EventsClient.Default.pipe(
      lib.Layer.provide(
        lib.client.ExaClient.layer({ apiKey: lib.Redacted.make("prof-key"), baseUrl: `http://127.0.0.1:${port}` })
      ),
      lib.Layer.orDie,
      lib.Layer.provide(lib.http)
    )
  )
  const id = `ev_${size}`
  const call = () => runtime.runPromise(lib.client.EventsClient.getEvent(id))
  const concurrency = Number(process.env.CONCURRENCY ?? 16)
  const loop = async (ms) => {
    let done = 0
    const end = performance.now() + ms
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const event = await call()
        if (event.type !== sample(size).type) throw new Error("unexpected answer")
        done++
      }
    }))
    return done
  }
  await loop(1500) // warm: the JIT, the connection pool
  const profile = process.env.PROFILE !== "0"
  const session = new Session()
  if (profile) {
    session.connect()
    await session.post("Profiler.enable")
    await session.post("Profiler.setSamplingInterval", { interval: 200 })
    await session.post("Profiler.start")
  }
  const load = loadavg()[0]
  const cpu = process.cpuUsage()
  const start = performance.now()
  const done = await loop(Number(process.env.SECONDS ?? 4) * 1000)
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const result = profile ? (await session.post("Profiler.stop")).profile : undefined
  await runtime.dispose()
  server.kill()
  console.log(
    `effect ${line} line, ${transport}, ${size}, c=${concurrency}: ${Math.round(done / seconds)} req/s, ` +
      `client CPU ${Math.round((used.user + used.system) / done)} µs/call, load ${load.toFixed(2)}`
  )
  if (result !== undefined) {
    const file = out ?? `/tmp/getevent-${line}-${transport}-${size}.cpuprofile`
    writeFileSync(file, JSON.stringify(result))
    console.log(`profile: ${file}`)
    console.log(summarize(result, { calls: done, top: Number(process.env.TOP ?? 40) }))
  }
}
