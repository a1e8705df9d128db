/**
 * An enrichment configured on a webset (nested in `Webset.enrichments`; no event carries it alone).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Metadata } from "./Metadata.js"
import { Timestamp } from "./Timestamp.js"

/**
 * An enrichment's status: `pending`, `canceled` or `completed`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetEnrichmentStatus: Schema.Literal<["pending", "canceled", "completed"]> = Schema.Literal(
  "pending",
  "canceled",
  "completed"
)

/**
 * The type the `WebsetEnrichmentStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetEnrichmentStatus = typeof WebsetEnrichmentStatus.Type

/**
 * The format of an enrichment's results.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetEnrichmentFormat: Schema.Literal<["text", "date", "number", "options", "email", "phone", "url"]> =
  Schema.Literal("text", "date", "number", "options", "email", "phone", "url")

/**
 * The type the `WebsetEnrichmentFormat` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetEnrichmentFormat = typeof WebsetEnrichmentFormat.Type

/**
 * One choice of an `options` enrichment.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetEnrichmentOption = Schema.Struct({ label: Schema.String }).annotations({
  identifier: "WebsetEnrichmentOption"
})

const WebsetEnrichment_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("webset_enrichment"),
  status: WebsetEnrichmentStatus,
  websetId: Schema.String,
  title: Schema.NullOr(Schema.String),
  description: Schema.String,
  format: Schema.NullOr(WebsetEnrichmentFormat),
  options: Schema.NullOr(Schema.Array(WebsetEnrichmentOption)),
  instructions: Schema.NullOr(Schema.String),
  metadata: Schema.optionalWith(Metadata, { exact: true }),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * An enrichment.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetEnrichment extends Schema.Schema.Type<typeof WebsetEnrichment_> {}

/**
 * The JSON form of a {@link WebsetEnrichment}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetEnrichmentEncoded extends Schema.Schema.Encoded<typeof WebsetEnrichment_> {}

/**
 * The `WebsetEnrichment` schema: decodes the API's JSON to a `WebsetEnrichment`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetEnrichment: Schema.Schema<WebsetEnrichment, WebsetEnrichmentEncoded> = WebsetEnrichment_
  .annotations({ identifier: "WebsetEnrichment" })
