// #region rotate-secret
import { WebhooksClient } from "@effect-exa/client"
import type { Webhook } from "@effect-exa/schema"
import { Effect } from "effect"

// The API cannot change a secret: rotate by creating a second webhook with the same subscription, accepting both
// secrets at the receiver while the first drains (`WebhookSignature.verify({ secret: [next, previous] })`), then deleting
// the first. In between, events reach the receiver twice (once per webhook): deduplicate by event id.
export const rotate = (
  previous: Webhook.Webhook,
  acceptBoth: (next: Webhook.CreatedWebhook) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const next = yield* WebhooksClient.createWebhook({
      events: previous.events,
      url: previous.url,
      ...(previous.metadata === undefined ? {} : { metadata: previous.metadata })
    })
    yield* acceptBoth(next)
    yield* WebhooksClient.deleteWebhook(previous.id)
    return next
  })
// #endregion
