// Speed parity of the two lines, in one process under the Effect 4 line's Node: `getEvent` of the Effect 3 line
// (packages/client/dist) and of the Effect 4 line (effect4/packages/client/dist) over each transport, against one
// loopback server (a child process, so that its work is not the client's), medium and large events, c=1 and c=16;
// then the two lines' decoders (bench-decode.mjs, in this same process).
//
// Rounds are interleaved: each round runs a slice of every client back to back, so that load on the machine hits
// them alike; ratios are taken round by round, then their median. Calls are started from outside Effect
// (`runtime.runPromise` per call, how most applications call a client), the same for both lines.
//
//   corepack pnpm exec tsc -b                                             # repository root: the Effect 3 line's dist
//   scripts/node.sh corepack pnpm exec tsc -b && scripts/node.sh node scripts/bench-parity.mjs   # in effect4/
//
// ROUNDS (default 7) and SLICE_MS (default 300) tune the round trip; bench-decode.mjs reads ROUNDS too.
import { fork } from "node:child_process"
import { realpathSync } from "node:fs"
import { createServer } from "node:http"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
// The events of the Effect 3 line's `pnpm bench` (packages/testing/bench, built by the root `tsc -b`), so that these
// figures sit beside the earlier ones in docs/performance.md: medium is a `webset.created` with nested searches
// (about 4.5 KiB), large an enriched item with a long page text (about 53 KiB).
const { samples } = await import(
  pathToFileURL(join(here, "../../packages/testing/bench/dist/samples.js")).href
)
const sample = (name) => samples.find((s) => s.name === name)
const bodies = { medium: Buffer.from(sample("medium").text), large: Buffer.from(sample("large").text) }

// The server: `GET /websets/v0/events/ev_<size>` answers that size's event, as cheaply as possible.
if (process.argv[2] === "--server") {
  const server = createServer((request, response) => {
    request.resume()
    const body = bodies[request.url.slice(request.url.lastIndexOf("_") + 1)]
    if (body === undefined) {
      response.writeHead(404, { "content-type": "application/json" })
      response.end("{\"error\":\"not found\"}")
      return
    }
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": body.length,
      "x-request-id": "req_bench"
    })
    response.end(body)
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => process.send(server.address().port))
  process.on("disconnect", () => process.exit(0))
} else {
  await main()
}

async function main() {
  // Each line's modules from its own install (realpaths, so that a client and the runtime built here share one copy
  // of `effect`).
  const from = (pkgDir, file) => import(pathToFileURL(join(realpathSync(join(here, pkgDir)), file)).href)
  const v3 = {
    client: await from("../../packages/client", "dist/esm/index.js"),
    FetchTransport: await from("../../packages/client", "dist/esm/FetchTransport.js"),
    NodeTransport: await from("../../packages/client", "dist/esm/NodeTransport.js"),
    Layer: await from("../../packages/client/node_modules/effect", "dist/esm/Layer.js"),
    ManagedRuntime: await from("../../packages/client/node_modules/effect", "dist/esm/ManagedRuntime.js"),
    Redacted: await from("../../packages/client/node_modules/effect", "dist/esm/Redacted.js"),
    FetchHttpClient: await from("../../packages/client/node_modules/@effect/platform", "dist/esm/FetchHttpClient.js")
  }
  const v4 = {
    client: await from("../packages/client", "dist/index.js"),
    Layer: await from("../packages/client/node_modules/effect", "dist/Layer.js"),
    ManagedRuntime: await from("../packages/client/node_modules/effect", "dist/ManagedRuntime.js"),
    Redacted: await from("../packages/client/node_modules/effect", "dist/Redacted.js"),
    FetchHttpClient: await from("../packages/client/node_modules/effect", "dist/http/FetchHttpClient.js"),
    FetchTransport: await from("../packages/client", "dist/FetchTransport.js"),
    NodeTransport: await from("../packages/client", "dist/NodeTransport.js")
  }

  const server = fork(fileURLToPath(import.meta.url), ["--server"], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
  const port = await new Promise((resolve) => server.once("message", resolve))
  const baseUrl = `http://127.0.0.1:${port}`
  const apiKey = "bench-key"

  const runtimeOf = (line, http) =>
    line.ManagedRuntime.make(
      line.client.EventsClient.Default.pipe(
        line.Layer.provide(line.client.ExaClient.layer({ apiKey: line.Redacted.make(apiKey), baseUrl })),
        line.Layer.orDie,
        line.Layer.provide(http)
      )
    )
  const raw = "raw fetch + JSON.parse (no validation; reference)"
  const clients = [
    {
      name: raw,
      make: () => ({
        call: async (id) => {
          const response = await fetch(`${baseUrl}/websets/v0/events/${id}`, { headers: { "x-api-key": apiKey } })
          return JSON.parse(await response.text())
        },
        dispose: async () => {}
      })
    },
    ...[
      ["effect 3 line: getEvent, @effect/platform FetchHttpClient", v3, v3.FetchHttpClient.layer],
      ["effect 3 line: getEvent, its FetchTransport", v3, v3.FetchTransport.layer],
      ["effect 3 line: getEvent, its NodeTransport (undici)", v3, v3.NodeTransport.layer],
      ["effect 4 line: getEvent, effect/http FetchHttpClient", v4, v4.FetchHttpClient.layer],
      ["effect 4 line: getEvent, its FetchTransport", v4, v4.FetchTransport.layer],
      ["effect 4 line: getEvent, its NodeTransport (undici)", v4, v4.NodeTransport.layer]
    ].map(([name, line, http]) => ({
      name,
      make: () => {
        const runtime = runtimeOf(line, http)
        return {
          call: (id) => runtime.runPromise(line.client.EventsClient.getEvent(id)),
          dispose: () => runtime.dispose()
        }
      }
    }))
  ]
  const notPorted = []

  // `concurrency` calls in flight for `ms`: calls per second, and client CPU µs per call (this process only).
  const slice = async (call, id, concurrency, ms) => {
    let done = 0
    const end = performance.now() + ms
    const worker = async () => {
      while (performance.now() < end) {
        await call(id)
        done++
      }
    }
    const cpu = process.cpuUsage()
    const start = performance.now()
    await Promise.all(Array.from({ length: concurrency }, worker))
    const seconds = (performance.now() - start) / 1000
    const used = process.cpuUsage(cpu)
    return { rate: done / seconds, cpu: (used.user + used.system) / done }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

  const rounds = Number(process.env.ROUNDS ?? 7)
  const sliceMs = Number(process.env.SLICE_MS ?? 300)
  const built = clients.map((c) => ({ name: c.name, ...c.make() }))
  console.log(
    `Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at start; ` +
      `${rounds} rounds x ${sliceMs} ms slices, interleaved`
  )
  const rows = []
  for (const size of ["medium", "large"]) {
    const id = `ev_${size}`
    console.log(`${size}: ${bodies[size].length} bytes`)
    for (const c of built) {
      const value = await c.call(id) // warm, and check that every client decodes the event
      if (value?.type !== sample(size).type) {
        throw new Error(`${c.name}: unexpected answer`)
      }
    }
    for (const concurrency of [1, 16]) {
      for (const c of built) await slice(c.call, id, concurrency, sliceMs / 3) // warm at this concurrency
      const results = built.map(() => [])
      for (let r = 0; r < rounds; r++) {
        for (const [i, c] of built.entries()) results[i].push(await slice(c.call, id, concurrency, sliceMs))
      }
      const ratio = (i, to) => median(results[i].map((x, r) => x.rate / results[to][r].rate))
      const e3Fetch = built.findIndex((c) => c.name.startsWith("effect 3 line: getEvent, @effect"))
      for (const [i, c] of built.entries()) {
        rows.push({
          size,
          concurrency,
          name: c.name,
          rate: median(results[i].map((x) => x.rate)),
          cpu: median(results[i].map((x) => x.cpu)),
          xRaw: ratio(i, 0),
          xE3Fetch: ratio(i, e3Fetch),
          xEach: built.map((_, j) => ratio(i, j))
        })
      }
    }
  }
  for (const c of built) await c.dispose()
  server.kill()

  console.log(`\nLoopback getEvent (load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end)\n`)
  console.log(
    "| client | size | c | req/s | client CPU µs/call | x raw fetch | x effect 3 line over FetchHttpClient |"
  )
  console.log("| --- | --- | --- | --- | --- | --- | --- |")
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.size} | ${row.concurrency} | ${Math.round(row.rate).toLocaleString("en")} | ` +
        `${Math.round(row.cpu)} | ${row.xRaw.toFixed(2)} | ${row.xE3Fetch.toFixed(2)} |`
    )
  }
  for (const name of notPorted) console.log(`| ${name} | - | - | not ported yet | | | |`)
  // The bar: the Effect 4 line within 10% of the Effect 3 line, per transport and against the Effect 3
  // line's best.
  for (const e4 of built.filter((c) => c.name.startsWith("effect 4 line"))) {
    console.log(`\n${e4.name.slice(25)} (Effect 4 line), x each Effect 3 client (median of per-round ratios):`)
    for (const row of rows.filter((r) => r.name === e4.name)) {
      const versus = built.map((c, j) => [c.name, row.xEach[j]]).filter(([n]) => n.startsWith("effect 3"))
      console.log(
        `  ${row.size} c=${row.concurrency}: ` + versus.map(([n, x]) => `${x.toFixed(2)} x ${n.slice(25)}`).join("; ")
      )
    }
  }

  console.log("\nDecoders (bench-decode.mjs), same process:")
  await import("./bench-decode.mjs")
}
