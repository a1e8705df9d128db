/**
 * Three of the Effect 3 line's sample events (the schema package's `test/fixtures.json`, cut down), a webhook and a
 * delivery attempt, as JSON values.
 */
import type { Event, Webhook, WebhookAttempt } from "@effect-exa/schema"
import snapshot from "./fixtures.json" with { type: "json" }

type Encoded<T extends string> = Extract<Event.Encoded, { readonly type: T }>

export const idle = snapshot.events["webset.idle"] as unknown as Encoded<"webset.idle">
export const created = snapshot.events["webset.created"] as unknown as Encoded<"webset.created">

/** The sample idle event under another id. */
export const idleWith = (id: string): Encoded<"webset.idle"> => ({ ...idle, id })

/** A webhook as `GET /v0/webhooks/{id}` returns it (the Effect 3 line's `Fixtures.webhook`): no secret. */
export const webhook: Webhook.WebhookEncoded = {
  id: "webhook_01jx4mf5g6h7j8k9l0m1n2p3q4",
  object: "webhook",
  status: "active",
  events: ["webset.item.enriched", "webset.idle"],
  url: "https://hooks.example.com/exa",
  secret: null,
  metadata: { team: "growth" },
  createdAt: "2025-11-12T21:30:00.000Z",
  updatedAt: "2025-11-12T21:30:00.000Z"
}

/** A failed delivery attempt to the sample webhook (the Effect 3 line's `Fixtures.webhookAttempt`). */
export const webhookAttempt: WebhookAttempt.WebhookAttemptEncoded = {
  id: "wattempt_01jx4mg6h7j8k9l0m1n2p3q4r5",
  object: "webhook_attempt",
  eventId: "ev_enriched",
  eventType: "webset.item.enriched",
  webhookId: webhook.id,
  url: webhook.url,
  successful: false,
  responseHeaders: { "content-type": "text/plain", "retry-after": "30" },
  responseBody: "Service Unavailable",
  responseStatusCode: 503,
  attempt: 1,
  attemptedAt: "2025-11-13T09:04:11.000Z"
}

/** The sample `webset.item.enriched` event (the one the Effect 3 line's signature tests sign). */
export const enriched = snapshot.events["webset.item.enriched"] as unknown as Encoded<"webset.item.enriched">
