/**
 * Free-form metadata attached to websets, searches, imports, enrichments and monitors.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * String keys to string values (each at most 1000 characters when written through the API).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Metadata: Schema.Record$<typeof Schema.String, typeof Schema.String> = Schema.Record({
  key: Schema.String,
  value: Schema.String
}).annotations({ identifier: "Metadata" })

/**
 * @since 0.1.0
 * @category models
 */
export type Metadata = typeof Metadata.Type
