// The CommonJS twin of esm.mjs.
const { Errors, EventsClient, FetchTransport, WebhookSignature } = require("@effect-exa/client")
const { Event } = require("@effect-exa/schema")
const { ExaApiServer, Fixtures, Webhooks } = require("@effect-exa/testing")
const { Effect, Redacted } = require("effect")

const events = [Fixtures.make("webset.idle", { id: "ev_1" })]
const program = Effect.gen(function*() {
  const event = yield* EventsClient.getEvent("ev_1")
  const missing = yield* Effect.flip(EventsClient.getEvent("ev_missing"))
  const page = yield* EventsClient.listEvents({ limit: 5 })
  const body = JSON.stringify(events[0])
  const header = yield* Webhooks.sign(body, { secret: "whsec_smoke" })
  const delivered = yield* WebhookSignature.verify({ secret: Redacted.make("whsec_smoke"), header, body })
  return [event.type, Event.isKnown(event), missing._tag, Errors.isExaError(missing), page.data.length, delivered.id]
    .join(" ")
})
// Over @effect/platform's FetchHttpClient, then over effect-exa's FetchTransport: the same line from both.
const run = (layer) => Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped))
Promise.all([
  run(ExaApiServer.layerClient({ events })),
  run(ExaApiServer.layerClient({ events, httpClient: FetchTransport.layer }))
])
  .then(([a, b]) => console.log(a === b ? a : `transports disagree: ${a} / ${b}`))
