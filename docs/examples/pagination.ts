// #region pagination
import { EventsClient } from "@effect-exa/client"
import { Effect, Stream } from "effect"

// One page at a time: pass nextCursor back while hasMore.
export const firstTwoPages = Effect.gen(function*() {
  const first = yield* EventsClient.listEvents({ limit: 50, types: ["webset.item.enriched"] })
  if (!first.hasMore || first.nextCursor === null) return first.data
  const second = yield* EventsClient.listEvents({ limit: 50, types: ["webset.item.enriched"], cursor: first.nextCursor })
  return [...first.data, ...second.data]
})

// Or a stream: pages are fetched as it is pulled, one in memory at a time, each retried by the client's policy.
export const recentSearches = EventsClient.streamEvents({
  types: ["webset.search.completed"],
  createdAfter: "2025-11-01T00:00:00Z",
  limit: 100
}).pipe(
  Stream.map((event) => event.id),
  Stream.take(500),
  Stream.runCollect
)
// #endregion pagination
