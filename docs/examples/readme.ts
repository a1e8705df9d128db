// The example in the README, type-checked by the build (and kept identical by docs/test/docs.test.ts). Not run by
// the tests: it would call the real API.
// #region readme
import { EventsClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer } from "effect"

const EventsLive = EventsClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)) // reads EXA_API_KEY

const program = EventsClient.getEvent("ev_123").pipe(
  Effect.map((event) => Event.match(event, {
    "webset.item.enriched": (e) => `item ${e.data.id} enriched`,
    orElse: (e) => e.type
  })),
  Effect.catchTag("NotFound", (e) => Effect.succeed(`no event ${e.id}`))
)

Effect.runPromise(program.pipe(Effect.provide(EventsLive))).then(console.log)
// #endregion readme
