// Self time of a V8 .cpuprofile (from `node --cpu-prof` or scripts/prof-getevent.mjs), by package, by module and by
// function, in µs per call when the number of calls is known.
//
//   scripts/node.sh node scripts/prof-summary.mjs <file.cpuprofile> [calls]
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

// A short name for the file a function is in: which package (and which copy of `effect`), then the module.
const where = (url) => {
  if (url === "") return "(native/vm)"
  if (url.startsWith("node:")) return `node ${url.slice(5)}`
  const store = url.match(/\/\.pnpm\/([^/]+)\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/)
  if (store !== null) {
    const version = store[1].match(/@(\d[^_]*)/)?.[1] ?? "?"
    return `${store[2]}@${version} ${store[3].replace(/^dist\/(esm\/|cjs\/)?/, "")}`
  }
  const ours = url.match(/\/(effect4\/)?packages\/([^/]+)\/(?:dist\/(?:esm\/)?|src\/)(.*)$/)
  if (ours !== null) return `${ours[1] ? "e4" : "e3"} @effect-exa/${ours[2]} ${ours[3]}`
  return url.replace(/^file:\/\//, "")
}

const packageOf = (module) => module.split(" ")[0]

/** The summary as text. */
export const summarize = (profile, { calls, top = 40 } = {}) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  // Each sample's time is the gap to the next one (the last sample gets the mean gap).
  const total = profile.endTime - profile.startTime
  const mean = total / Math.max(1, profile.samples.length)
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : mean
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us)
  const byPackage = new Map()
  const byModule = new Map()
  const byFunction = new Map()
  for (const [id, us] of self) {
    const frame = byId.get(id).callFrame
    const module = where(frame.url)
    add(byPackage, packageOf(module), us)
    add(byModule, module, us)
    add(byFunction, `${frame.functionName || "(anonymous)"}  ${module}:${frame.lineNumber + 1}`, us)
  }
  const busy = total - (byFunction.get("(idle)  (native/vm):0") ?? 0)
  const unit = calls === undefined ? "ms" : "µs/call"
  const show = (us) => (calls === undefined ? (us / 1000).toFixed(1) : (us / calls).toFixed(1)).padStart(8)
  const table = (title, map, n) => {
    const rows = [...map].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, n)
    return [
      `\n${title} (self time, ${unit}, % of busy)`,
      ...rows.map(([k, us]) => `${show(us)}  ${(100 * us / busy).toFixed(1).padStart(5)}%  ${k}`)
    ].join("\n")
  }
  return [
    `busy ${show(busy)} ${unit} of ${show(total)} ${unit} profiled`,
    table("by package", byPackage, 15),
    table("by module", byModule, 25),
    table("by function", byFunction, top)
  ].join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, calls] = process.argv.slice(2)
  console.log(
    summarize(JSON.parse(readFileSync(file, "utf8")), {
      calls: calls === undefined ? undefined : Number(calls),
      top: Number(process.env.TOP ?? 40)
    })
  )
}
