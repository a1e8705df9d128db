// Run against the packed tarballs installed in a scratch project (see ../check-packages.sh), on Node, Bun and
// Deno: the loopback emulator, getEvent, a NotFound, a page, a webhook delivery verified, over both fetch
// transports. ESM; cjs.cjs is the same with require (Node only).
import { Errors, EventsClient, FetchTransport, WebhookSignature } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { ExaApiServer, Fixtures, Webhooks } from "@effect-exa/testing"
import { Effect, Redacted } from "effect"

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
const viaPlatform = await Effect.runPromise(
  program.pipe(Effect.provide(ExaApiServer.layerClient({ events })), Effect.scoped)
)
const viaOurs = await Effect.runPromise(
  program.pipe(Effect.provide(ExaApiServer.layerClient({ events, httpClient: FetchTransport.layer })), Effect.scoped)
)
console.log(viaPlatform === viaOurs ? viaPlatform : `transports disagree: ${viaPlatform} / ${viaOurs}`)
