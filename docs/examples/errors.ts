// #region errors
import { type Errors, EventsClient } from "@effect-exa/client"
import { Effect } from "effect"

// Every failure is a tagged error in the type: handle some by tag, let the rest through, or handle all.
export const fetchOrExplain = (id: string) =>
  EventsClient.getEvent(id).pipe(
    Effect.map((event) => `${event.type} ${event.id}`),
    Effect.catchTags({
      NotFound: (e) => Effect.succeed(`no event ${e.id}`),
      Unauthorized: (e) => Effect.succeed(`check EXA_API_KEY (${e.status}: ${e.apiMessage})`),
      RateLimited: (e) => Effect.succeed(`rate limited; retry after ${e.retryAfter?.toString() ?? "a while"}`),
      Decode: (e) => Effect.succeed(`unexpected response: ${e.reason} (${e.body.length} bytes kept)`)
    })
    // ApiError, Transport, Timeout and InvalidRequest remain in the error channel.
  )

// A log line for any of them, e.g. at the edge of a program. Each message names its kind ("Transport error: …",
// "Rate limited: …"), so the tag is left out: it would say it twice.
export const describeError = (error: Errors.ExaError): string =>
  error.message + ("requestId" in error && error.requestId ? ` [${error.requestId}]` : "")
// #endregion errors
