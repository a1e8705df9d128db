// The quickstart against the real API (docs/quickstart.md). Run it with EXA_API_KEY set:
//   EXA_API_KEY=… node docs/dist/quickstart.js
// The test suite runs `main` against the emulator instead (docs/test/examples.test.ts).
// #region quickstart
import { Errors, EventsClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { FetchHttpClient } from "@effect/platform"
import { Console, DateTime, Effect, Layer, Stream } from "effect"

// Reads EXA_API_KEY (and EXA_BASE_URL, when set). On Node, NodeHttpClient.layer() is faster (see configuration).
export const EventsLive = EventsClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

// The ten newest events, then the first one again by id.
export const main = Effect.gen(function*() {
  const newest = yield* EventsClient.streamEvents({ limit: 10 }).pipe(Stream.take(10), Stream.runCollect)
  if (newest.length === 0) return yield* Console.log("No events yet: create a webset, and come back.")
  for (const event of newest) {
    const what = Event.match(event, {
      "webset.item.enriched": (e) => `item ${e.data.id} enriched`,
      "webset.search.completed": (e) => `search ${e.data.id} found ${e.data.progress.found}`,
      orElse: (e) => e.type
    })
    yield* Console.log(`${DateTime.formatIso(event.createdAt)}  ${event.id}  ${what}`)
  }
  const [first] = newest
  const again = yield* EventsClient.getEvent(first!.id)
  yield* Console.log(`fetched ${again.id} again: ${again.type}`)
}).pipe(
  // Every failure is typed: say what to do about the likely ones, and the tag and message of any other.
  Effect.catchTags({
    Unauthorized: (e) => Console.error(`EXA_API_KEY was refused (${e.status}): ${e.apiMessage}`),
    RateLimited: (e) => Console.error(`rate limited even after retries; wait ${e.retryAfter?.toString() ?? "a moment"}`)
  }),
  Effect.catchAll((e: Errors.EventsError) => Console.error(`${e._tag}: ${e.message}`))
)

if (process.argv[1]?.endsWith("quickstart.js")) {
  const program = main.pipe(
    Effect.provide(EventsLive),
    // Only a bad configuration gets here (no EXA_API_KEY, say): the layer could not be built.
    Effect.catchAll((error) => Effect.zipRight(Console.error(`Could not start: ${error}`), Effect.sync(() => (process.exitCode = 1))))
  )
  Effect.runPromise(program)
}
// #endregion quickstart
