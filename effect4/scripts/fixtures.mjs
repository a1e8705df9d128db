// Writes the Effect 3 line's sample payloads (packages/testing's Fixtures: plain JSON, as the API sends it) to
// packages/schema/test/fixtures.json, so that the Effect 4 line's tests decode exactly the same payloads.
// Run it after changing the Effect 3 fixtures, from the repository root, once the Effect 3 line is built:
//   corepack pnpm exec tsc -b && node effect4/scripts/fixtures.mjs
// `test/fixtures.test.ts` (Effect 4 side) checks the snapshot's shape; the Effect 3 tests check the source.
import { writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const { Fixtures } = await import(join(here, "../../packages/testing/dist/esm/index.js"))
const names = [
  "events",
  "webset",
  "search",
  "importData",
  "monitor",
  "monitorRun",
  "enrichment",
  "companyItem",
  "personItem",
  "articleItem",
  "webhook",
  "webhookAttempt"
]
const snapshot = Object.fromEntries(names.map((name) => {
  if (Fixtures[name] === undefined) throw new Error(`Fixtures.${name} is missing`)
  return [name, Fixtures[name]]
}))
const target = join(here, "../packages/schema/test/fixtures.json")
writeFileSync(target, JSON.stringify(snapshot, null, 2) + "\n")
console.log(`wrote ${target}`)
