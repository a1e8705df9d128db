// Run by ../packed.sh in a scratch npm project where the packed Effect 4 packages are installed beside `effect` (and
// nothing else; undici too on a second run), under Node >= 22.19: the imports a user writes, then getEvent and listEvents against the Effect 3
// line's emulator on loopback (EXA_BASE_URL, EXA_API_KEY; it serves the sample events ev_sample_000000 to
// ev_sample_000002). Each decoded event is compared with the JSON the emulator sends for it. Prints one line and
// exits 0, or throws (exit 1) with what differed.
import { Errors, EventsClient, Exa } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { existsSync } from "node:fs"

const baseUrl = process.env.EXA_BASE_URL
const apiKey = process.env.EXA_API_KEY
if (!baseUrl || !apiKey) throw new Error("smoke.mjs: set EXA_BASE_URL and EXA_API_KEY")

const check = (ok, what) => {
  if (!ok) throw new Error(what)
}

// @effect/sql-pg is an optional peer: npm does not install it, and Inbox and Lease (built on effect/sql's SqlClient,
// which the user provides from @effect/sql-pg) still import without it. Were it installed, this would prove nothing.
check(!existsSync("node_modules/@effect/sql-pg"), "npm installed the optional peer @effect/sql-pg")
const Inbox = await import("@effect-exa/client/Inbox")
const Lease = await import("@effect-exa/client/Lease")
check(typeof Inbox.consume === "function" && typeof Lease.acquire === "function", "Inbox or Lease lacks its exports")
// The package's internals are closed to importers (`"./internal/*": null`).
const internal = await import("@effect-exa/client/internal/params.js").then(() => "loaded", (e) => e.code)
check(internal === "ERR_PACKAGE_PATH_NOT_EXPORTED", `@effect-exa/client/internal/params.js: ${internal}`)

/** The emulator's own JSON for a path, fetched without the client: what the decoded values are compared with. */
const raw = async (path) => {
  const response = await fetch(new URL(path, baseUrl), { headers: { "x-api-key": apiKey } })
  check(response.ok, `GET ${path} (raw): ${response.status}`)
  return response.json()
}
const same = (decoded, json, where) => {
  check(decoded.id === json.id, `${where}: id ${decoded.id}, the emulator sent ${json.id}`)
  check(decoded.type === json.type, `${where}: type ${decoded.type}, the emulator sent ${json.type}`)
  check(Event.isKnown(decoded), `${where}: ${decoded.type} decoded as an unknown event type`)
}

const ExaLive = Exa.layer({ apiKey: Redacted.make(apiKey), baseUrl, retry: false }).pipe(
  Layer.provide(FetchHttpClient.layer)
)
const [event, page, missing] = await Effect.runPromise(
  Effect.all([
    EventsClient.getEvent("ev_sample_000001"),
    EventsClient.listEvents({ limit: 2 }),
    Effect.flip(EventsClient.getEvent("ev_missing"))
  ]).pipe(Effect.provide(ExaLive))
)

same(event, await raw("/websets/v0/events/ev_sample_000001"), "getEvent")
const rawPage = await raw("/websets/v0/events?limit=2")
check(page.data.length === 2, `listEvents: ${page.data.length} events, expected 2`)
page.data.forEach((decoded, i) => same(decoded, rawPage.data[i], `listEvents[${i}]`))
check(page.data[0].id === "ev_sample_000002", `listEvents: newest ${page.data[0].id}, expected ev_sample_000002`)
check(page.hasMore === true && page.nextCursor === rawPage.nextCursor, "listEvents: hasMore or nextCursor differs")
check(missing._tag === "NotFound" && missing instanceof Errors.NotFound, `getEvent(ev_missing): ${missing._tag}`)

// NodeTransport is its own entry point, on undici, an optional peer: without undici the package root above loaded
// all the same, and the entry fails to load; with it (packed.sh's second run), getEvent runs over it.
let overUndici
if (existsSync("node_modules/undici")) {
  const NodeTransport = await import("@effect-exa/client/NodeTransport")
  const again = await Effect.runPromise(
    EventsClient.getEvent("ev_sample_000001").pipe(
      Effect.provide(Exa.layer({ apiKey: Redacted.make(apiKey), baseUrl, retry: false })),
      Effect.provide(NodeTransport.layer)
    )
  )
  same(again, await raw("/websets/v0/events/ev_sample_000001"), "getEvent over NodeTransport")
  overUndici = `getEvent ${again.id} over NodeTransport (undici)`
} else {
  const failed = await import("@effect-exa/client/NodeTransport").then(() => "loaded", (e) => e.code)
  check(failed === "ERR_MODULE_NOT_FOUND", `@effect-exa/client/NodeTransport without undici: ${failed}`)
  overUndici = "the NodeTransport entry needs undici"
}

console.log(
  `getEvent ${event.id} (${event.type}), listEvents ${
    page.data.map((e) => e.id).join(" ")
  }, NotFound, Inbox and Lease without @effect/sql-pg, ${overUndici}`
)
