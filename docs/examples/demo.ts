/**
 * The demo: `corepack pnpm example`.
 *
 * Without `EXA_API_KEY` it starts the in-memory Exa Events API from `@effect-exa/testing` on 127.0.0.1 and talks to
 * it over real HTTP; with `EXA_API_KEY` set (and optionally `EXA_BASE_URL`) the same program talks to that server
 * instead, skipping the parts that need a scripted server (and the webhooks part, which would create a webhook on
 * that account).
 */
import { Checkpoint, Errors, EventsClient, Exa, ExaClient, Handlers, Tail, WebhooksClient } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Event, type EventType } from "@effect-exa/schema"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { spawn } from "node:child_process"
import { listen, webHandler } from "./webhook-server.js"

/** One line per event: its type, ids, and what is interesting about it. */
export const describeEvent = (event: Event.Event): string => {
  const at = DateTime.formatIso(event.createdAt)
  const detail = Event.match(event, {
    "webset.created": (e) => websetLine(e.data),
    "webset.idle": (e) => websetLine(e.data),
    "webset.paused": (e) => websetLine(e.data),
    "webset.deleted": (e) => websetLine(e.data),
    "webset.item.created": (e) => itemLine(e.data),
    "webset.item.enriched": (e) => itemLine(e.data),
    "webset.search.created": (e) => searchLine(e.data),
    "webset.search.updated": (e) => searchLine(e.data),
    "webset.search.canceled": (e) => `${searchLine(e.data)}, canceled: ${e.data.canceledReason}`,
    "webset.search.completed": (e) => searchLine(e.data),
    "import.created": (e) => `import ${e.data.id} "${e.data.title}" ${e.data.status}, ${e.data.count} rows`,
    "import.completed": (e) =>
      `import ${e.data.id} "${e.data.title}" ${e.data.status}` +
      (e.data.failedReason === null ? "" : ` (${e.data.failedReason}: ${e.data.failedMessage})`),
    "monitor.created": (e) => monitorLine(e.data),
    "monitor.updated": (e) => monitorLine(e.data),
    "monitor.deleted": (e) => monitorLine(e.data),
    "monitor.run.created": (e) => `run ${e.data.id} of ${e.data.monitorId}: ${e.data.type}, ${e.data.status}`,
    "monitor.run.completed": (e) =>
      `run ${e.data.id} of ${e.data.monitorId}: ${e.data.status}` +
      (e.data.completedAt === null ? "" : ` at ${DateTime.formatIso(e.data.completedAt)}`),
    unknown: (e) => `no published schema; raw data keys: ${Object.keys(e.data ?? {}).join(", ")}`
  })
  return `${event.type.padEnd(24)} ${event.id}  ${at}\n${" ".repeat(25)}${detail}`
}

const websetLine = (w: Event.WebsetCreatedEvent["data"]) =>
  `webset ${w.id} "${w.title ?? "(untitled)"}" ${w.status}: ${w.searches.length} search(es), ` +
  `${w.enrichments.length} enrichment(s), ${w.monitors.length} monitor(s)`

const itemLine = (item: Event.WebsetItemCreatedEvent["data"]) => {
  const p = item.properties
  const name = p.type === "person"
    ? p.person.name
    : p.type === "company"
    ? p.company.name
    : p.type === "article"
    ? p.article.title
    : p.type === "research_paper"
    ? p.researchPaper.title
    : p.custom.title
  const done = (item.enrichments ?? []).filter((r) => r.status === "completed")
  const results = done.map((r) => r.result?.join("/") ?? "-").join("; ")
  return `item ${item.id}: ${p.type} "${name}" in ${item.websetId}` +
    (done.length > 0 ? `, enriched: ${results}` : "")
}

const searchLine = (s: Event.WebsetSearchCreatedEvent["data"]) =>
  `search ${s.id} "${s.query.slice(0, 48)}…" ${s.status}, found ${s.progress.found} (${s.progress.completion}%)`

const monitorLine = (m: Event.MonitorCreatedEvent["data"]) =>
  `monitor ${m.id} ${m.status}, cron "${m.cadence.cron}" ${m.cadence.timezone ?? "Etc/UTC"}` +
  (m.nextRunAt === null ? "" : `, next run ${DateTime.formatIso(m.nextRunAt)}`)

const section = (title: string) => Console.log(`\n== ${title}`)

/** Where the demo talks to, and (for the embedded server) how to script it. */
export interface Target {
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
  readonly api: Option.Option<ExaApi.Service>
}

// On Node, NodeTransport (undici's connection pools); FetchTransport.layer works too, more slowly.
// Both services share the options and the transport.
const clientFor = (target: Target, options: Partial<ExaClient.Options> = {}) => {
  const settings = { apiKey: target.apiKey, baseUrl: target.baseUrl, ...options }
  return Exa.layer(settings).pipe(
    Layer.provide(NodeTransport.layer)
  )
}

// The webhooks part, on the emulator: a webhook for a local receiver (the guide's, docs/examples/webhook-server.ts),
// one delivery verified and handled, one failed while the receiver was down, and its replay.
const webhooksPart = (api: ExaApi.Service) =>
  Effect.gen(function*() {
    yield* section("webhooks: a webhook on the emulator, deliveries to a local receiver, one missed and replayed")
    let up = true
    let secret = Redacted.make("set once the webhook exists")
    // The receiver runs on its own server; what it handled is printed here, in order, after each delivery.
    const handled: Array<string> = []
    const handle = (event: Event.Event, how: string) => Effect.sync(() => void handled.push(`  ${how} ${event.type} ${event.id}`))
    const printHandled = Effect.suspend(() => Effect.forEach(handled.splice(0), (line) => Console.log(line), { discard: true }))
    const receiver = yield* Effect.acquireRelease(
      Effect.promise(() =>
        listen((request) =>
          up
            ? webHandler(secret, (event) => handle(event, "receiver: verified and handled"))(request)
            : Promise.resolve(new Response("down for maintenance", { status: 503 }))
        )
      ),
      (server) => Effect.sync(server.close)
    )
    const webhook = yield* WebhooksClient.createWebhook({ events: ["webset.item.enriched", "webset.idle"], url: receiver.url })
    secret = webhook.secret
    yield* Console.log(`created ${webhook.id} (${webhook.status}) for ${webhook.events.join(", ")}; its secret prints as ${webhook.secret}`)
    const since = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
    yield* api.addEvents([Fixtures.make("webset.item.enriched", { id: "ev_demo_enriched" })])
    yield* api.flush
    yield* printHandled
    up = false
    yield* Console.log("  (the receiver goes down)")
    yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_demo_idle" })])
    yield* api.flush
    up = true
    for (const attempt of (yield* WebhooksClient.listAttempts(webhook.id)).data) {
      yield* Console.log(
        `  attempt ${attempt.attempt}: ${attempt.eventType} ${attempt.eventId} -> HTTP ${attempt.responseStatusCode}, ` +
          (attempt.successful ? "delivered" : "failed")
      )
    }
    const replayed = yield* WebhooksClient.failedDeliveries(webhook.id, { since }).pipe(
      Stream.runFoldEffect(0, (count, event) => Effect.as(handle(event, "replay: handled"), count + 1))
    )
    yield* printHandled
    yield* WebhooksClient.deleteWebhook(webhook.id)
    yield* Console.log(`replayed ${replayed} missed event(s); deleted ${webhook.id}`)
  })

// A consumer that polls, handles each new event, records its position after each one, and after a restart
// resumes where it left off (positions in memory here; Checkpoint.layerKeyValueStore keeps them on disk).
const consumerPart = (api: ExaApi.Service) =>
  Effect.gen(function*() {
    yield* section("Tail.consume: a consumer stopped and started again resumes where it left off")
    const handled: Array<string> = []
    const handle = Handlers.make({
      "webset.item.enriched": (event) => Effect.sync(() => void handled.push(`  handled ${event.type} ${event.id}`)),
      orElse: (event) => Effect.sync(() => void handled.push(`  handled ${event.type} ${event.id}`))
    })
    const since = Date.now()
    const fresh = (id: string, offset: number) =>
      Fixtures.make("webset.item.enriched", { id, createdAt: new Date(since + offset).toISOString() })
    const run = Tail.consume("demo-consumer", handle, { since: new Date(since), poll: Schedule.spaced("50 millis") })
    const handledCount = (n: number) =>
      Effect.repeat(Effect.sleep("10 millis"), { until: () => handled.length >= n }).pipe(Effect.timeout("10 seconds"))
    yield* api.addEvents([fresh("ev_tail_1", 1), fresh("ev_tail_2", 2)])
    const first = yield* Effect.fork(run)
    yield* handledCount(2)
    yield* Fiber.interrupt(first)
    handled.push("  (the consumer stops; an event arrives meanwhile; it starts again)")
    yield* api.addEvents([fresh("ev_tail_3", 3)])
    const second = yield* Effect.fork(run)
    yield* handledCount(4)
    yield* Fiber.interrupt(second)
    for (const line of handled) yield* Console.log(line)
  }).pipe(Effect.provide(Checkpoint.layerMemory))

// The command line's `listen`, as a subprocess: new events forwarded, signed, to a local receiver (the guide's), which
// verifies them as it would a delivery from Exa.
const cli = new URL("../../packages/cli/bin/effect-exa.js", import.meta.url).pathname

const listenPart = (api: ExaApi.Service, target: Target) =>
  Effect.gen(function*() {
    yield* section("the command line: effect-exa listen forwards new events to a local receiver")
    const secret = Redacted.make("whsec_demo_listen")
    const handled: Array<string> = []
    const receiver = yield* Effect.acquireRelease(
      Effect.promise(() =>
        listen(webHandler(secret, (event) => Effect.sync(() => void handled.push(`  receiver: verified and handled ${event.type} ${event.id}`))))
      ),
      (server) => Effect.sync(server.close)
    )
    const since = new Date(yield* Clock.currentTimeMillis)
    const args = ["listen", "--forward-to", receiver.url, "--secret", "whsec_demo_listen", "--poll", "100ms", "--limit", "2"]
    yield* Console.log(`  $ effect-exa ${args.join(" ").replace("whsec_demo_listen", "$EXA_WEBHOOK_SECRET")}`)
    const output = yield* Effect.async<string>((resume) => {
      const child = spawn(process.execPath, [cli, ...args, "--since", since.toISOString()], {
        env: { ...process.env, EXA_API_KEY: Redacted.value(target.apiKey), EXA_BASE_URL: target.baseUrl, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let text = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk))
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (text += chunk))
      child.on("close", () => resume(Effect.succeed(text)))
      return Effect.sync(() => void child.kill())
    }).pipe(
      Effect.fork,
      Effect.tap(() =>
        api.addEvents([
          Fixtures.make("webset.item.enriched", { id: "ev_listen_1", createdAt: new Date(since.getTime() + 1).toISOString() }),
          Fixtures.make("webset.idle", { id: "ev_listen_2", createdAt: new Date(since.getTime() + 2).toISOString() })
        ])
      ),
      Effect.flatMap(Fiber.join),
      Effect.timeout("30 seconds")
    )
    for (const line of output.trimEnd().split("\n")) yield* Console.log(`  ${line}`)
    for (const line of handled) yield* Console.log(line)
  })

/** The demo program, against a target. */
export const demo = (target: Target) =>
  Effect.gen(function*() {
    const live = Option.isNone(target.api)
    yield* Console.log(
      live
        ? `Talking to ${target.baseUrl} (EXA_API_KEY is set).`
        : `Started the in-memory Exa Events API on ${target.baseUrl}; talking to it over HTTP.`
    )

    yield* section("getEvent: one event of each of several types")
    const wanted: ReadonlyArray<EventType.EventType> = [
      "webset.created",
      "webset.search.completed",
      "webset.item.enriched",
      "import.completed",
      "monitor.updated",
      "monitor.run.completed",
      "webset.export.completed"
    ]
    // Find the newest event id of each type, then fetch each event by id.
    const picks: Array<Event.Event> = []
    for (const type of wanted) {
      const page = yield* EventsClient.listEvents({ types: [type], limit: 1 })
      picks.push(...page.data)
    }
    for (const pick of picks) {
      const event = yield* EventsClient.getEvent(pick.id)
      yield* Console.log(describeEvent(event))
    }
    if (picks.length === 0) yield* Console.log("(no events of those types yet)")

    yield* section("typed errors, caught by tag")
    const missing = yield* EventsClient.getEvent("ev_does_not_exist").pipe(
      Effect.as("found?!"),
      Effect.catchTag("NotFound", (e) => Effect.succeed(`NotFound: no event ${e.id} (request ${e.requestId ?? "-"})`))
    )
    yield* Console.log(missing)
    const wrongKey = yield* EventsClient.getEvent(picks[0]?.id ?? "ev_1").pipe(
      Effect.as("authorized?!"),
      Effect.catchTag("Unauthorized", (e) => Effect.succeed(`Unauthorized (${e.status}): ${e.apiMessage}`)),
      Effect.provide(clientFor(target, { apiKey: Redacted.make("not-a-valid-key"), retry: false }))
    )
    yield* Console.log(wrongKey)

    if (Option.isSome(target.api)) {
      const api = target.api.value
      yield* section("a 429 with Retry-After: 1, retried by the default policy")
      yield* api.failNext({ _tag: "RateLimited", retryAfter: "1 second" })
      const start = Date.now()
      const event = yield* EventsClient.getEvent(picks[0]?.id ?? "ev_1")
      yield* Console.log(`got ${event.id} after ${((Date.now() - start) / 1000).toFixed(1)} s (2 requests)`)

      yield* section("a timeout: the server takes 2 s, this client allows 300 ms per attempt")
      yield* api.failNext({ _tag: "Delay", delay: "2 seconds" })
      const timedOut = yield* EventsClient.getEvent(picks[0]?.id ?? "ev_1").pipe(
        Effect.as("answered?!"),
        Effect.catchTag("Timeout", (e) => Effect.succeed(`Timeout after ${Duration.format(e.timeout)}; the request was aborted`)),
        Effect.provide(clientFor(target, { timeout: "300 millis", retry: false }))
      )
      yield* Console.log(timedOut)

      yield* webhooksPart(api)
      yield* consumerPart(api)
      yield* listenPart(api, target)
    }

    yield* section("streamEvents: item events, 10 per page, fetched as the stream is pulled")
    const items = yield* EventsClient.streamEvents({ types: ["webset.item.created", "webset.item.enriched"], limit: 10 }).pipe(
      Stream.take(25),
      Stream.runCollect
    )
    const byType = Chunk.reduce(items, {} as Record<string, number>, (acc, e) => ({ ...acc, [e.type]: (acc[e.type] ?? 0) + 1 }))
    yield* Console.log(`${items.length} events over ${Math.ceil(items.length / 10)} pages: ${JSON.stringify(byType)}`)
    yield* Console.log("\nDone.")
  })

// A few hundred events for the embedded server: every sample type, and items to page through.
const seed = [
  ...Fixtures.allEvents,
  ...Array.from({ length: 30 }, (_, i) =>
    Fixtures.make(i % 2 === 0 ? "webset.item.created" : "webset.item.enriched", {
      id: `ev_item_${String(i).padStart(2, "0")}`,
      createdAt: new Date(Date.UTC(2025, 10, 13, 9, i)).toISOString(),
      data: { id: `witem_${i}` }
    }))
]

/** Runs the demo against `EXA_BASE_URL` with `EXA_API_KEY`, or else against the embedded server. */
export const main = Effect.gen(function*() {
  const key = yield* Config.option(Config.redacted("EXA_API_KEY"))
  if (Option.isSome(key)) {
    const baseUrl = yield* Config.string("EXA_BASE_URL").pipe(Config.withDefault(ExaClient.defaultBaseUrl))
    const target: Target = { baseUrl, apiKey: key.value, api: Option.none() }
    return yield* demo(target).pipe(Effect.provide(clientFor(target)))
  }
  return yield* Effect.gen(function*() {
    const api = yield* ExaApi.ExaApi
    const { url } = yield* ExaApiServer.ExaApiServer
    const target: Target = { baseUrl: url, apiKey: api.apiKey, api: Option.some(api) }
    return yield* demo(target).pipe(Effect.provide(clientFor(target)))
  }).pipe(Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ events: seed })))))
})

const printError = (error: unknown) =>
  Console.error(`The demo failed: ${Errors.isExaError(error) ? error.message : String(error)}`)

// Run when executed directly (`node docs/dist/demo.js`), not when imported by the tests.
if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  Effect.runPromise(main.pipe(Effect.scoped, Effect.tapError(printError))).then(
    () => process.exit(0),
    () => process.exit(1)
  )
}
