// #region program-under-test
import { EventsClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { Effect, Stream } from "effect"

// Your program: count the enriched items of a webset, newest first, retrying what the client retries.
export const countEnriched = (websetId: string) =>
  EventsClient.streamEvents({ types: ["webset.item.enriched"] }).pipe(
    Stream.filter((event) => Event.isType("webset.item.enriched")(event) && event.data.websetId === websetId),
    Stream.runCount
  )

// And one that falls back when an event is gone.
export const titleOf = (eventId: string) =>
  EventsClient.getEvent(eventId).pipe(
    Effect.map((event) => (Event.isType("webset.created")(event) ? event.data.title : null)),
    Effect.catchTag("NotFound", () => Effect.succeed(null))
  )
// #endregion program-under-test
