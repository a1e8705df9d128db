/**
 * Free-form metadata attached to websets, searches, imports, enrichments and monitors.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import { stringRecord } from "./internal/stringRecord.js"

/**
 * String keys to string values (each at most 1000 characters when written through the API). Every key survives
 * decoding and encoding, `__proto__` included.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Metadata: Schema.declare<
  { readonly [x: string]: string },
  { readonly [x: string]: string },
  readonly []
> = stringRecord("Metadata", "string keys to string values")

/**
 * The type the `Metadata` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type Metadata = typeof Metadata.Type
