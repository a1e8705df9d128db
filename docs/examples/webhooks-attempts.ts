// #region attempts
import { WebhooksClient } from "@effect-exa/client"
import { Console, Stream } from "effect"

// The twenty most recent failed deliveries of a webhook, newest first.
export const recentFailures = (webhookId: string) =>
  WebhooksClient.streamAttempts(webhookId, { successful: false }).pipe(
    Stream.take(20),
    Stream.runForEach((attempt) =>
      Console.log(`${attempt.eventType} ${attempt.eventId}: HTTP ${attempt.responseStatusCode} (attempt ${attempt.attempt})`)
    )
  )
// #endregion
