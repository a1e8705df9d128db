// #region replay
import { WebhooksClient } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { type DateTime, Effect, Stream } from "effect"

// After an outage: run the receiver's own handler on every event the webhook failed to deliver since `since`
// (events a later retry did deliver are left out). Each event comes once; keep the handler idempotent anyway,
// since Exa may still be retrying one of them. Returns how many were replayed.
export const replay = <E>(
  webhookId: string,
  since: DateTime.DateTime,
  handle: (event: Event.Event) => Effect.Effect<void, E>
) =>
  WebhooksClient.failedDeliveries(webhookId, { since }).pipe(
    Stream.runFoldEffect(0, (count, event) => Effect.as(handle(event), count + 1))
  )
// #endregion
