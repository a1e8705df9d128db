// #region create-webhook
import { WebhooksClient } from "@effect-exa/client"
import { Effect } from "effect"

// Subscribe a receiver to two event types. The result carries the signing secret (`Redacted`), which the API
// shows only now: keep it in your secret store, the receiver needs it to verify deliveries.
export const subscribe = (url: string) =>
  WebhooksClient.createWebhook({
    events: ["webset.item.enriched", "webset.idle"],
    url,
    metadata: { team: "growth" }
  }).pipe(Effect.tap((webhook) => Effect.log(`webhook ${webhook.id} delivers to ${webhook.url}`)))
// #endregion
