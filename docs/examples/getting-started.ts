// #region getting-started
import { EventsClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { FetchHttpClient } from "@effect/platform"
import { DateTime, Effect, Layer } from "effect"

// The client, configured from EXA_API_KEY (and EXA_BASE_URL, when set), over the platform's fetch client.
export const EventsLive = EventsClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

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
