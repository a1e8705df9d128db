// The Effect 4 line's decoders alone (`Event.decodeResult`, `ListEventsResponse.decodeResult`) beside the Effect 3
// line's compiled ones, in a process of their own: µs per payload (JSON.parse + decode) in CPU time, median of
// interleaved rounds, and the median of per-round ratios. PROFILE=<prefix> also writes a .cpuprofile per payload
// (read it with scripts/prof-summary.mjs).
//
//   corepack pnpm exec tsc -b                                          # repository root: the Effect 3 line's dist
//   scripts/node.sh corepack pnpm exec tsc -b && scripts/node.sh node scripts/prof-decode.mjs    # in effect4/
//
// ROUNDS (default 7).
import { readFileSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const load = (path) => import(pathToFileURL(join(here, path)).href)
const v3 = await load("../../packages/schema/dist/esm/index.js")
const v4 = await load("../packages/schema/dist/index.js")
const fixtures = JSON.parse(readFileSync(join(here, "../packages/schema/test/fixtures.json"), "utf8"))
const all = Object.values(fixtures.events)
const large = (await load("../../packages/testing/bench/dist/samples.js")).samples
const samples = {
  small: [JSON.stringify(fixtures.events["monitor.run.completed"]), false],
  medium: [JSON.stringify(fixtures.events["webset.created"]), false],
  bench_medium: [large.find((s) => s.name === "medium").text, false],
  enriched: [JSON.stringify(fixtures.events["webset.item.enriched"]), false],
  large: [large.find((s) => s.name === "large").text, false],
  page200: [
    JSON.stringify({
      data: Array.from({ length: 200 }, (_, i) => all[i % all.length]),
      hasMore: false,
      nextCursor: null
    }),
    true
  ]
}
const unwrap4 = (r) => {
  if (r._tag !== "Success") throw r.failure
  return r.success
}
const unwrap3 = (r) => {
  if (r._tag !== "Right") throw r.left
  return r.right
}
const decoders = {
  e3: [v3.Event.decodeSync, (u) => unwrap3(v3.ListEventsResponse.decodeEither(u))],
  e4: [(u) => unwrap4(v4.Event.decodeResult(u)), (u) => unwrap4(v4.ListEventsResponse.decodeResult(u))]
}
// CPU time of this process (not wall time): on a loaded machine a wall clock also counts the time the process waited
// for a core.
const cpu = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}
const time = (fn, text, ms) => {
  let n = 0
  const start = cpu()
  while (cpu() - start < ms * 1000) {
    for (let i = 0; i < 10; i++) fn(JSON.parse(text))
    n += 10
  }
  return (cpu() - start) / n
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rounds = Number(process.env.ROUNDS ?? 7)
let session
if (process.env.PROFILE) {
  session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 100 })
}
for (const [name, [text, page]] of Object.entries(samples)) {
  const e3 = [], e4 = []
  const f3 = decoders.e3[page ? 1 : 0], f4 = decoders.e4[page ? 1 : 0]
  // Warm: V8's JIT, and Effect's, which compiles each schema node when it first decodes.
  time(f3, text, 150)
  time(f4, text, 150)

  if (session) await session.post("Profiler.start")
  for (let r = 0; r < rounds; r++) {
    e3.push(time(f3, text, 100))
    e4.push(time(f4, text, 100))
  }
  if (session) {
    writeFileSync(
      `${process.env.PROFILE}-${name}.cpuprofile`,
      JSON.stringify((await session.post("Profiler.stop")).profile)
    )
  }
  console.log(
    `${name.padEnd(14)} ${String(text.length).padStart(7)} B  e3 ${median(e3).toFixed(1).padStart(8)} µs  e4 ${
      median(e4).toFixed(1).padStart(8)
    } µs  e4/e3 ${median(e4.map((x, i) => x / e3[i])).toFixed(2)}`
  )
}
