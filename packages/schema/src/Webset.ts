/**
 * A webset: `data` of the `webset.created|deleted|idle|paused` events.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Import } from "./Import.js"
import { Metadata } from "./Metadata.js"
import { Monitor } from "./Monitor.js"
import { SourceRef } from "./SourceRef.js"
import { Timestamp } from "./Timestamp.js"
import { WebsetEnrichment } from "./WebsetEnrichment.js"
import { WebsetSearch } from "./WebsetSearch.js"

/**
 * A webset's status: `idle`, `pending`, `running` or `paused`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetStatus: Schema.Literal<["idle", "pending", "running", "paused"]> = Schema.Literal(
  "idle",
  "pending",
  "running",
  "paused"
)

/**
 * The type the `WebsetStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetStatus = typeof WebsetStatus.Type

const Webset_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("webset"),
  status: WebsetStatus,
  externalId: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  searches: Schema.Array(WebsetSearch),
  imports: Schema.Array(Import),
  enrichments: Schema.Array(WebsetEnrichment),
  monitors: Schema.Array(Monitor),
  excludes: Schema.optionalWith(Schema.Array(SourceRef), { exact: true }),
  metadata: Schema.optionalWith(Metadata, { exact: true }),
  // Required since 2026; websets in events stored before then lack it.
  dashboardUrl: Schema.optionalWith(Schema.String, { exact: true }),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * A webset.
 *
 * @since 0.1.0
 * @category models
 */
export interface Webset extends Schema.Schema.Type<typeof Webset_> {}

/**
 * The JSON form of a {@link Webset}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetEncoded extends Schema.Schema.Encoded<typeof Webset_> {}

/**
 * The `Webset` schema: decodes the API's JSON to a `Webset`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Webset: Schema.Schema<Webset, WebsetEncoded> = Webset_.annotations({ identifier: "Webset" })
