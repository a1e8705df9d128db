// The quickstart against the real API (docs/quickstart.md): the whole file is the program the page shows, and it
// runs whatever the file is called (`npx tsx quickstart.ts`, `node quickstart.js`). The test suite runs it as a
// separate process against the emulator (docs/test/quickstart.test.ts).
// #region quickstart
import { type Errors, EventsClient, Exa, FetchTransport } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { ConfigError, Console, DateTime, Effect, Layer, Stream } from "effect"

// Reads EXA_API_KEY (and EXA_BASE_URL, when set). On Node, NodeTransport.layer is faster (see configuration).
const EventsLive = Exa.layerConfig().pipe(Layer.provide(FetchTransport.layer))

// The ten newest events, then the first one again by id.
const main = Effect.gen(function*() {
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
})

// Every failure is typed: say what to do about the likely ones. Any other's message names what failed (its tag
// is in the message already: `Transport error: …`, `The request timed out after …`).
const explain = (error: Errors.ExaError | ConfigError.ConfigError): string => {
  if (ConfigError.isConfigError(error)) {
    return ConfigError.isMissingDataOnly(error)
      ? "EXA_API_KEY is not set: export it first (keys are at https://dashboard.exa.ai/api-keys)"
      : `Invalid setting: ${error}`
  }
  switch (error._tag) {
    case "Unauthorized":
      return `EXA_API_KEY was refused (${error.status}): ${error.apiMessage}`
    case "RateLimited":
      return `rate limited even after retries; wait ${error.retryAfter?.toString() ?? "a moment"}`
    default:
      return error.message
  }
}

Effect.runPromise(
  main.pipe(
    Effect.provide(EventsLive),
    Effect.catchAll((error) => Effect.zipRight(Console.error(explain(error)), Effect.sync(() => (process.exitCode = 1))))
  )
)
// #endregion quickstart
