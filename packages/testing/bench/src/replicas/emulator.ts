/**
 * The emulator as a process of its own, for the replica runs: it serves the Exa API on loopback, prints
 * `URL <base url>` on its first line, then adds `rate` events a second (dated now) for at least `seconds` and until it
 * gets SIGUSR1 (the run's disruptions are over: on a busy machine they can come late, and each must be followed by
 * events), appending each id to the truth file as it adds it (the ground truth of what must be handled), and prints
 * `DONE <count>`. With a
 * webhook URL it first creates a webhook there (its secret printed as `SECRET <secret>`), and every event is
 * delivered to it, retried as Exa would. It adds events only once it gets SIGUSR2 (when the replicas are up), and
 * serves until it gets SIGTERM.
 *
 * Settings come as one JSON argument: { rate, seconds, truth, webhookUrl?, deliveryTimeoutMs?, retryMs? }.
 */
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { appendFileSync } from "node:fs"

interface Settings {
  readonly rate: number
  readonly seconds: number
  readonly truth: string
  readonly webhookUrl?: string
  readonly deliveryTimeoutMs?: number
  readonly retryMs?: number
}

const settings = JSON.parse(process.argv[2] ?? "{}") as Settings
const tick = 50

const program = Effect.gen(function*() {
  const api = yield* ExaApi.ExaApi
  const { url } = yield* ExaApiServer.ExaApiServer
  process.stdout.write(`URL ${url}\n`)
  if (settings.webhookUrl !== undefined) {
    const outcome = yield* api.handle({
      method: "POST",
      url: new URL("/websets/v0/webhooks", url),
      headers: { "x-api-key": Redacted.value(api.apiKey), "content-type": "application/json" },
      body: JSON.stringify({ url: settings.webhookUrl, events: ["webset.item.created"] })
    })
    if (outcome._tag !== "Reply" || outcome.reply.status !== 200) {
      return yield* Effect.dieMessage("could not create the webhook")
    }
    const secret = (JSON.parse(outcome.reply.body) as { secret: string }).secret
    process.stdout.write(`SECRET ${secret}\n`)
  }
  let enough = false
  process.once("SIGUSR1", () => (enough = true))
  yield* Effect.async<void>((resume) => void process.once("SIGUSR2", () => resume(Effect.void)))
  const total = Math.round(settings.rate * settings.seconds)
  const started = Date.now()
  let added = 0
  while (added < total || !enough) {
    const due = Math.floor(((Date.now() - started) / 1000) * settings.rate)
    if (due > added) {
      const now = new Date().toISOString()
      const events = Array.from(
        { length: due - added },
        (_, k) =>
          Fixtures.make("webset.item.created", { id: `ev_${String(added + k).padStart(7, "0")}`, createdAt: now })
      )
      yield* api.addEvents(events)
      appendFileSync(settings.truth, events.map((e) => `${e.id}\n`).join(""))
      added = due
    }
    yield* Effect.sleep(Duration.millis(tick))
  }
  process.stdout.write(`DONE ${added}\n`)
  yield* Effect.never
})

const delivery = {
  timeout: Duration.millis(settings.deliveryTimeoutMs ?? 2_000),
  retry: Schedule.spaced(Duration.millis(settings.retryMs ?? 1_000)).pipe(Schedule.intersect(Schedule.recurs(20)))
}

process.on("SIGTERM", () => process.exit(0))
Effect.runFork(program.pipe(
  Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ delivery })))),
  Effect.scoped
))
