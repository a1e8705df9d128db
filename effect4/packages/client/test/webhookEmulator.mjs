// The events source of Replica.webhooks.process.test.ts, a child process: this line's own emulator (`ExaApi` with its
// webhooks part behind `ExaApiServer`, from @effect-exa/testing's build, which `tsc -b` makes) delivering every event
// to a webhook URL as Exa does: signed POSTs, a failed or late attempt (no 2xx within `deliveryTimeoutMs`) retried
// every `retryMs`. It creates the webhook through the API, prints `URL <base url>`, `WEBHOOK <id>` and
// `SECRET <secret>`, then waits for SIGUSR2 (the receivers are up) before it adds `rate` events a second (dated now),
// appending each id to the truth file once added (the ground truth of what must be handled), until SIGUSR1; then it
// prints `DONE <count>` and serves (and delivers, and retries) until killed.
//
// Settings come as one JSON argument: { apiKey, rate, truth, webhookUrl, deliveryTimeoutMs, retryMs }.
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { Duration, Effect, Layer, Redacted, Schedule } from "effect"
import { appendFileSync } from "node:fs"

const settings = JSON.parse(process.argv[2] ?? "{}")

let enough = false
process.once("SIGUSR1", () => (enough = true))
const go = new Promise((resolve) => process.once("SIGUSR2", resolve))

const program = Effect.gen(function*() {
  const api = yield* ExaApi.ExaApi
  const { url } = yield* ExaApiServer.ExaApiServer
  const created = yield* api.handle({
    method: "POST",
    url: new URL("/websets/v0/webhooks", url),
    headers: { "x-api-key": Redacted.value(api.apiKey), "content-type": "application/json" },
    body: JSON.stringify({ url: settings.webhookUrl, events: ["webset.item.created"] })
  })
  if (created._tag !== "Reply" || created.reply.status !== 200) {
    return yield* Effect.die(new Error(`could not create the webhook: ${JSON.stringify(created)}`))
  }
  const webhook = JSON.parse(created.reply.body)
  process.stdout.write(`URL ${url}\nWEBHOOK ${webhook.id}\nSECRET ${webhook.secret}\n`)
  yield* Effect.promise(() => go)
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
    yield* Effect.sleep(Duration.millis(50))
  }
  process.stdout.write(`DONE ${added}\n`)
  return yield* Effect.never
})

// Retried every `retryMs`, for far longer than the test waits: an event is never given up while the test runs.
const delivery = {
  timeout: Duration.millis(settings.deliveryTimeoutMs),
  retry: Schedule.max([Schedule.spaced(Duration.millis(settings.retryMs)), Schedule.recurs(1000)])
}

Effect.runFork(program.pipe(
  Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ apiKey: settings.apiKey, delivery })))),
  Effect.scoped,
  Effect.tapCause((cause) => Effect.sync(() => process.stderr.write(`emulator stopped: ${cause}\n`)))
))
