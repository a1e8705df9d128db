/**
 * A reference to an import or a webset, used by excludes and search scopes.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Where a reference points: an import or a webset.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SourceKind: Schema.Literals<["import", "webset"]> = Schema.Literals(["import", "webset"])

/**
 * The type the `SourceKind` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type SourceKind = typeof SourceKind.Type

const SourceRef_ = Schema.Struct({
  source: SourceKind,
  id: Schema.String
})

/**
 * `{ source, id }`: an import or webset whose results a webset or search excludes.
 *
 * @since 0.1.0
 * @category models
 */
export interface SourceRef extends Schema.Schema.Type<typeof SourceRef_> {}

/**
 * A `SourceRef` as the API sends it (JSON), before decoding.
 *
 * @since 0.1.0
 * @category models
 */
export interface SourceRefEncoded extends Schema.Codec.Encoded<typeof SourceRef_> {}

/**
 * The `SourceRef` schema: decodes the API's JSON to a `SourceRef`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SourceRef: Schema.Codec<SourceRef, SourceRefEncoded> = SourceRef_.annotate({ identifier: "SourceRef" })
