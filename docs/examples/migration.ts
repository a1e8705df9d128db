// The migration guide's example (docs/migrating-from-exa-js.md), run by docs/test/examples.test.ts.
// #region migration
import { EventsClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { Chunk, DateTime, Effect, Option, Stream } from "effect"

// exa-js:
//   const exa = new Exa(process.env.EXA_API_KEY)
//   try {
//     const event = await exa.websets.events.get(id)
//     return `${event.type} at ${event.createdAt}`
//   } catch (e) {
//     if (e instanceof ExaError && e.statusCode === 404) return "gone"
//     throw e
//   }
export const describeEvent = (id: string) =>
  EventsClient.getEvent(id).pipe(
    Effect.map((event) => `${event.type} at ${DateTime.formatIso(event.createdAt)}`),
    Effect.catchTag("NotFound", () => Effect.succeed("gone"))
  )

// exa-js:
//   const ids = []
//   for await (const event of exa.websets.events.listAll({ types: ["webset.item.enriched"], limit: 100 })) {
//     if (event.data.websetId === websetId) ids.push(event.data.id)
//   }
export const enrichedItems = (websetId: string) =>
  EventsClient.streamEvents({ types: ["webset.item.enriched"], limit: 100 }).pipe(
    Stream.filterMap((event) =>
      Event.isType("webset.item.enriched")(event) && event.data.websetId === websetId
        ? Option.some(event.data.id)
        : Option.none()
    ),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )
// #endregion migration
