/**
 * An import of external data (CSV or another webset): `data` of the `import.*` events.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Entity } from "./Entity.js"
import { Metadata } from "./Metadata.js"
import { NullableTimestamp, Timestamp } from "./Timestamp.js"

/**
 * An import's status: `pending`, `processing`, `completed`, `failed` or `canceled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportStatus: Schema.Literal<["pending", "processing", "completed", "failed", "canceled"]> = Schema
  .Literal("pending", "processing", "completed", "failed", "canceled")

/**
 * The type the `ImportStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type ImportStatus = typeof ImportStatus.Type

/**
 * What an import reads: `csv` or `webset`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportFormat: Schema.Literal<["csv", "webset"]> = Schema.Literal("csv", "webset")

/**
 * The type the `ImportFormat` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type ImportFormat = typeof ImportFormat.Type

/**
 * Why an import failed: `invalid_format`, `invalid_file_content` or `missing_identifier`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportFailedReason: Schema.Literal<["invalid_format", "invalid_file_content", "missing_identifier"]> =
  Schema.Literal("invalid_format", "invalid_file_content", "missing_identifier")

/**
 * The type the `ImportFailedReason` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type ImportFailedReason = typeof ImportFailedReason.Type

const Import_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("import"),
  status: ImportStatus,
  format: ImportFormat,
  entity: Schema.NullOr(Entity),
  title: Schema.String,
  count: Schema.Finite,
  metadata: Metadata,
  failedReason: Schema.NullOr(ImportFailedReason),
  failedAt: NullableTimestamp,
  failedMessage: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * An import.
 *
 * @since 0.1.0
 * @category models
 */
export interface Import extends Schema.Schema.Type<typeof Import_> {}

/**
 * The JSON form of an {@link Import}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportEncoded extends Schema.Schema.Encoded<typeof Import_> {}

/**
 * The `Import` schema: decodes the API's JSON to an `Import`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Import: Schema.Schema<Import, ImportEncoded> = Import_.annotations({ identifier: "Import" })
