// #region retry-compose
import { EventsClient, Exa, Retry } from "@effect-exa/client"
import { Effect, Redacted } from "effect"

const apiKey = Redacted.make("exa-key")

// Or no retries in the layer, and policies composed where you call it.
export const Bare = Exa.layer({ apiKey, retry: false })

export const fetchWithDeadline = (id: string) =>
  EventsClient.getEvent(id).pipe(
    Effect.retry(Retry.schedule({ maxRetries: 3 })),
    // An overall deadline around every attempt and wait.
    Effect.timeout("45 seconds")
  )
// #endregion retry-compose
