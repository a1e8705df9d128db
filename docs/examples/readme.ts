// The example in the README, type-checked by the build (and kept identical by docs/test/docs.test.ts). Not run by
// the tests: it would call the real API.
// #region readme
import { EventsClient, Exa } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Event } from "@effect-exa/schema"
import { Effect, Layer } from "effect"

// On Node (with undici installed), NodeTransport is the fastest transport; on Deno, Bun, browsers and edge runtimes
// use FetchTransport.layer (from "@effect-exa/client") instead.
const ExaLive = Exa.layerConfig().pipe(Layer.provide(NodeTransport.layer)) // reads EXA_API_KEY

const program = EventsClient.getEvent("ev_123").pipe(
  Effect.map((event) => Event.match(event, {
    "webset.item.enriched": (e) => `item ${e.data.id} enriched`,
    orElse: (e) => e.type
  })),
  Effect.catchTag("NotFound", (e) => Effect.succeed(`no event ${e.id}`))
)

Effect.runPromise(program.pipe(Effect.provide(ExaLive))).then(console.log)
// #endregion readme
