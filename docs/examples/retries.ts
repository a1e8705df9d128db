// #region retry-options
import { Exa, Retry } from "@effect-exa/client"
import { FetchHttpClient } from "@effect/platform"
import { Layer, Redacted, Schedule } from "effect"

const apiKey = Redacted.make("exa-key")

// The default: 2 retries of 429/408/409/5xx/transport/timeouts, 0.5 s doubling (jittered), Retry-After honoured.
export const Default = Exa.layer({ apiKey })

// Tuned: more retries, a shorter per-attempt timeout.
export const Patient = Exa.layer({
  apiKey,
  timeout: "10 seconds",
  retry: { maxRetries: 5, initialDelay: "200 millis", maxDelay: "5 seconds" }
}).pipe(Layer.provide(FetchHttpClient.layer))

// Your own schedule: its input is the failed attempt's error.
export const Custom = Exa.layer({
  apiKey,
  retry: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(3)), Schedule.whileInput(Retry.isRetryable))
})
// #endregion retry-options
