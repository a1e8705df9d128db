/**
 * Webhook delivery attempts (`GET /websets/v0/webhooks/{id}/attempts`): one record per try of one event to one
 * webhook.
 *
 * @since 0.2.0
 */
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { AnyEventType } from "./EventType.js"
import { registerClass } from "./internal/compile.js"
import * as Decoder from "./internal/decoder.js"
import { stringRecord } from "./internal/stringRecord.js"
import { Timestamp } from "./Timestamp.js"

/**
 * Response headers as the receiver sent them: names to values, every key kept (`__proto__` included).
 *
 * @since 0.2.0
 * @category schemas
 */
export const ResponseHeaders: Schema.declare<{ readonly [x: string]: string }> = stringRecord(
  "ResponseHeaders",
  "header names to values"
)

const WebhookAttempt_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("webhook_attempt"),
  /** The event delivered (`Event.id`). */
  eventId: Schema.String,
  /** One of the 19 types this version knows, or a type the API added since (an `UnrecognizedEventType`). */
  eventType: AnyEventType,
  webhookId: Schema.String,
  /** The URL used for this try (the webhook's URL at the time). */
  url: Schema.String,
  /** Whether the receiver accepted it. */
  successful: Schema.Boolean,
  responseHeaders: ResponseHeaders,
  responseBody: Schema.NullOr(Schema.String),
  /** What the receiver answered. What Exa records when no response arrived is not documented. */
  responseStatusCode: Schema.Number,
  /** The attempt number for this event and webhook. */
  attempt: Schema.Number,
  attemptedAt: Timestamp
})

/**
 * One delivery attempt.
 *
 * @since 0.2.0
 * @category models
 */
export interface WebhookAttempt extends Schema.Schema.Type<typeof WebhookAttempt_> {}

/**
 * The JSON form of a {@link WebhookAttempt}.
 *
 * @since 0.2.0
 * @category models
 */
export interface WebhookAttemptEncoded extends Schema.Codec.Encoded<typeof WebhookAttempt_> {}

/**
 * The attempt schema.
 *
 * @since 0.2.0
 * @category schemas
 */
export const WebhookAttempt: Schema.Codec<WebhookAttempt, WebhookAttemptEncoded> = WebhookAttempt_.annotate({
  identifier: "WebhookAttempt"
})

/**
 * One page of attempts, newest first (as the API documents).
 *
 * @since 0.2.0
 * @category models
 */
export class ListWebhookAttemptsResponse
  extends Schema.Class<ListWebhookAttemptsResponse>("ListWebhookAttemptsResponse")({
    data: Schema.Array(WebhookAttempt),
    hasMore: Schema.Boolean,
    nextCursor: Schema.NullOr(Schema.String)
  })
{}

// No constructor, field or accessor of its own: the compiled decoder may build its instances.
registerClass(ListWebhookAttemptsResponse)

const page = Decoder.make(ListWebhookAttemptsResponse)

/**
 * Decodes parsed JSON into a {@link ListWebhookAttemptsResponse}.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeListResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<ListWebhookAttemptsResponse, Schema.SchemaError> = page.result
