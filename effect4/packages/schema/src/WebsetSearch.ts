/**
 * A search run on a webset: `data` of the `webset.search.*` events, and nested in `Webset.searches`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Entity } from "./Entity.js"
import { Metadata } from "./Metadata.js"
import { SourceKind, SourceRef } from "./SourceRef.js"
import { NullableTimestamp, Timestamp } from "./Timestamp.js"

/**
 * A search's status: `created`, `pending`, `running`, `completed` or `canceled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchStatus: Schema.Literals<["created", "pending", "running", "completed", "canceled"]> = Schema
  .Literals(["created", "pending", "running", "completed", "canceled"])

/**
 * The type the `WebsetSearchStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetSearchStatus = typeof WebsetSearchStatus.Type

/**
 * Why a search was canceled.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchCanceledReason: Schema.Literals<["webset_deleted", "webset_canceled", "out_of_credits"]> =
  Schema.Literals(["webset_deleted", "webset_canceled", "out_of_credits"])

/**
 * The type the `WebsetSearchCanceledReason` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetSearchCanceledReason = typeof WebsetSearchCanceledReason.Type

/**
 * How a search treats the webset's existing items: `override` re-evaluates them, `append` only adds.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchBehavior: Schema.Literals<["override", "append"]> = Schema.Literals(["override", "append"])

/**
 * The type the `WebsetSearchBehavior` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetSearchBehavior = typeof WebsetSearchBehavior.Type

/**
 * A criterion items are evaluated against, with the share of items (0 to 100) that met it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchCriterion = Schema.Struct({
  description: Schema.String,
  successRate: Schema.Finite
}).annotate({ identifier: "WebsetSearchCriterion" })

/**
 * A source the search is limited to, optionally through a relationship.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchScope = Schema.Struct({
  source: SourceKind,
  id: Schema.String,
  relationship: Schema.optionalKey(Schema.Struct({ definition: Schema.String, limit: Schema.Finite }))
}).annotate({ identifier: "WebsetSearchScope" })

/**
 * How far the search has got; `timeLeft` is in seconds, `null` when unknown.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchProgress = Schema.Struct({
  found: Schema.Finite,
  analyzed: Schema.Finite,
  completion: Schema.Finite,
  timeLeft: Schema.NullOr(Schema.Finite)
}).annotate({ identifier: "WebsetSearchProgress" })

/**
 * The expected number of matching items, with a confidence and bounds.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearchRecall = Schema.Struct({
  expected: Schema.Struct({
    total: Schema.Finite,
    confidence: Schema.Literals(["high", "medium", "low"]),
    bounds: Schema.Struct({ min: Schema.Finite, max: Schema.Finite })
  }),
  reasoning: Schema.String
}).annotate({ identifier: "WebsetSearchRecall" })

const WebsetSearch_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("webset_search"),
  status: WebsetSearchStatus,
  websetId: Schema.String,
  query: Schema.String,
  entity: Schema.NullOr(Entity),
  criteria: Schema.Array(WebsetSearchCriterion),
  count: Schema.Finite,
  // Added in 2026: absent from searches stored before then, `null` when no cap was asked for.
  maxPeoplePerCompany: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  behavior: Schema.optionalKey(WebsetSearchBehavior),
  exclude: Schema.Array(SourceRef),
  scope: Schema.Array(WebsetSearchScope),
  progress: WebsetSearchProgress,
  recall: Schema.NullOr(WebsetSearchRecall),
  metadata: Schema.optionalKey(Metadata),
  canceledAt: NullableTimestamp,
  canceledReason: Schema.NullOr(WebsetSearchCanceledReason),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * A search on a webset.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetSearch extends Schema.Schema.Type<typeof WebsetSearch_> {}

/**
 * The JSON form of a {@link WebsetSearch}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetSearchEncoded extends Schema.Codec.Encoded<typeof WebsetSearch_> {}

/**
 * The `WebsetSearch` schema: decodes the API's JSON to a `WebsetSearch`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetSearch: Schema.Codec<WebsetSearch, WebsetSearchEncoded> = WebsetSearch_.annotate({
  identifier: "WebsetSearch"
})
