// #region getting-started
import { EventsClient, Exa, FetchTransport } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { DateTime, Effect, Layer } from "effect"

// The clients, configured from EXA_API_KEY (and EXA_BASE_URL, when set), over fetch (on Node, NodeTransport.layer
// is faster: see configuration).
export const EventsLive = Exa.layerConfig().pipe(Layer.provide(FetchTransport.layer))

export const describe = (id: string) =>
  Effect.gen(function*() {
    const event = yield* EventsClient.getEvent(id)
    if (Event.isType("webset.item.enriched")(event)) {
      const results = (event.data.enrichments ?? []).map((r) => r.result?.join(", "))
      return `item ${event.data.id} enriched: ${results.join("; ")}`
    }
    return `${event.type} at ${DateTime.formatIso(event.createdAt)}`
  }).pipe(
    Effect.catchTag("NotFound", (error) => Effect.succeed(`no event ${error.id}`))
  )

// Effect.runPromise(describe("ev_123").pipe(Effect.provide(EventsLive))).then(console.log)
// #endregion getting-started
