// The events source of Replica.process.test.ts, a child process: the Effect 3 line's emulator (`ExaApi` behind
// `ExaApiServer` of packages/testing, run from the build the root `tsc -b` makes, as the conformance suite also uses
// it). It speaks HTTP on loopback, so the Effect 4 replicas talk to it as to the real API. It prints
// `URL <base url>`, then adds `rate` events a second (dated now), appending each id to the truth file once it is
// served (the ground truth of what must be handled), until SIGUSR1; then it prints `DONE <count>` and serves until
// killed.
//
// Settings come as one JSON argument: { apiKey, rate, truth }.
import { appendFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"

const settings = JSON.parse(process.argv[2] ?? "{}")
const testing = join(import.meta.dirname, "..", "..", "..", "..", "packages", "testing")
// Effect 3 as the testing package resolves it (this file would get Effect 4): its ESM build, one instance with the
// one the testing package's build imports.
const effect = dirname(createRequire(join(testing, "package.json")).resolve("effect/package.json"))
const load = (path) => import(pathToFileURL(path).href)
const { ExaApi, ExaApiServer, Fixtures } = await load(join(testing, "dist", "esm", "index.js"))
const Effect = await load(join(effect, "dist", "esm", "Effect.js"))
const Layer = await load(join(effect, "dist", "esm", "Layer.js"))

let enough = false
process.once("SIGUSR1", () => (enough = true))

const program = Effect.gen(function*() {
  const api = yield* ExaApi.ExaApi
  const { url } = yield* ExaApiServer.ExaApiServer
  process.stdout.write(`URL ${url}\n`)
  const started = Date.now()
  let added = 0
  while (!enough) {
    const due = Math.floor(((Date.now() - started) / 1000) * settings.rate)
    if (due > added) {
      const createdAt = new Date().toISOString()
      const events = Array.from(
        { length: due - added },
        (_, k) => Fixtures.make("webset.item.created", { id: `ev_${String(added + k).padStart(7, "0")}`, createdAt })
      )
      yield* api.addEvents(events)
      appendFileSync(settings.truth, events.map((e) => `${e.id}\n`).join(""))
      added = due
    }
    yield* Effect.sleep(50)
  }
  process.stdout.write(`DONE ${added}\n`)
  return yield* Effect.never
})

Effect.runFork(program.pipe(
  Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ apiKey: settings.apiKey })))),
  Effect.scoped
))
