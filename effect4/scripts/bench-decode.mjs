// Decoding speed of the two lines side by side, in one process under one Node: the Effect 3 line's
// Event.decodeSync (its compiled decoder) and Effect Schema 3's own decoder, against the Effect 4 line's decoders
// (its own compiled decoder, packages/schema/src/internal/compile.ts, with Effect 4's Schema parser for what that does
// not settle) and Effect 4's own `Schema.decodeUnknownSync` of the same schemas (compiled by its JIT compiler,
// effect/schema/SchemaJITCompiler, which the package enables on them). Each figure is JSON.parse of the payload text
// plus the decode, in microseconds of this process's CPU time per payload (median of rounds interleaved across
// decoders, so that load on the machine hits them alike; CPU time, so that waiting for a core on a loaded machine is
// not counted).
//
//   corepack pnpm exec tsc -b                                        # repository root: the Effect 3 line's dist
//                                                                    # (and its bench's samples)
//   scripts/node.sh corepack pnpm exec tsc -b && scripts/node.sh node scripts/bench-decode.mjs   # in effect4/
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const load = (path) => import(pathToFileURL(join(here, path)).href)
const v3 = await load("../../packages/schema/dist/esm/index.js")
const v3Schema = await load("../../node_modules/effect/dist/esm/Schema.js")
const v4 = await load("../packages/schema/dist/index.js")
const v4Schema = await load("../node_modules/effect/dist/Schema.js")
const fixtures = JSON.parse(
  (await import("node:fs")).readFileSync(join(here, "../packages/schema/test/fixtures.json"), "utf8")
)

const all = Object.values(fixtures.events)
const samples = {
  "small (monitor.run.completed)": { text: JSON.stringify(fixtures.events["monitor.run.completed"]), page: false },
  "medium (webset.created)": { text: JSON.stringify(fixtures.events["webset.created"]), page: false },
  // The fixture is a short item (about 2 KiB); the large event is the Effect 3 line's bench sample (about 53 KiB).
  "webset.item.enriched (the fixture)": {
    text: JSON.stringify(fixtures.events["webset.item.enriched"]),
    page: false
  },
  "large (webset.item.enriched, long page text)": {
    text: (await load("../../packages/testing/bench/dist/samples.js")).samples.find((s) => s.name === "large").text,
    page: false
  },
  "page of 200 events": {
    text: JSON.stringify({
      data: Array.from({ length: 200 }, (_, i) => all[i % all.length]),
      hasMore: false,
      nextCursor: null
    }),
    page: true
  }
}

const v4Plain = {
  event: v4Schema.decodeUnknownSync(v4.Event.Event),
  page: v4Schema.decodeUnknownSync(v4.ListEventsResponse.ListEventsResponse)
}
const decoders = {
  "JSON.parse alone": { event: (u) => u, page: (u) => u },
  "effect 3: Event.decodeSync (compiled)": {
    event: v3.Event.decodeSync,
    page: (u) => {
      const r = v3.ListEventsResponse.decodeEither(u)
      if (r._tag !== "Right") throw r.left
      return r.right
    }
  },
  "effect 3: Schema.decodeUnknownSync": {
    event: v3Schema.decodeUnknownSync(v3.Event.Event),
    page: v3Schema.decodeUnknownSync(v3.ListEventsResponse.ListEventsResponse)
  },
  "effect 4 line: Event.decodeSync (this package)": {
    event: v4.Event.decodeSync,
    page: (u) => {
      const r = v4.ListEventsResponse.decodeResult(u)
      if (r._tag !== "Success") throw r.failure
      return r.success
    }
  },
  "effect 4: Schema.decodeUnknownSync (same compiled schema)": v4Plain
}

const cpu = () => {
  const { system, user } = process.cpuUsage()
  return user + system
}
const time = (fn, text, budgetMs) => {
  let n = 0
  const start = cpu()
  let elapsed = 0
  while (elapsed < budgetMs * 1000) {
    for (let i = 0; i < 20; i++) fn(JSON.parse(text))
    n += 20
    elapsed = cpu() - start
  }
  return elapsed / n
}

const rounds = Number(process.env.ROUNDS ?? 7)
for (const [name, sample] of Object.entries(samples)) {
  const results = Object.fromEntries(Object.keys(decoders).map((d) => [d, []]))
  // Warm (V8's JIT, and Effect's, which compiles each schema node when it first decodes) and check.
  for (const d of Object.values(decoders)) time(sample.page ? d.page : d.event, sample.text, 100)
  for (let r = 0; r < rounds; r++) {
    for (const [d, decoder] of Object.entries(decoders)) {
      results[d].push(time(sample.page ? decoder.page : decoder.event, sample.text, sample.page ? 300 : 150))
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  // Ratios are taken round by round (the decoders of one round ran back to back), then their median.
  const ratio = (d, to) => median(results[d].map((x, r) => x / results[to][r]))
  console.log(`\n${name}: ${sample.text.length} bytes`)
  for (const d of Object.keys(results)) {
    console.log(
      `  ${d.padEnd(58)} ${median(results[d]).toFixed(2).padStart(9)} µs  ${
        ratio(d, "JSON.parse alone").toFixed(2)
      }x JSON.parse  ` +
        `${ratio(d, "effect 3: Event.decodeSync (compiled)").toFixed(2)}x effect 3 compiled`
    )
  }
}
