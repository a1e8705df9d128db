/**
 * One page of `GET /websets/v0/events`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { Event } from "./Event.js"
import { registerClass } from "./internal/compile.js"
import * as Decoder from "./internal/decoder.js"

/**
 * A page of events, with `nextCursor` to pass to the next request while `hasMore` is true.
 *
 * @since 0.1.0
 * @category models
 */
export class ListEventsResponse extends Schema.Class<ListEventsResponse>("ListEventsResponse")({
  data: Schema.Array(Event),
  hasMore: Schema.Boolean,
  nextCursor: Schema.NullOr(Schema.String)
}) {}

// No constructor, field or accessor of its own: the compiled decoder may build its instances.
registerClass(ListEventsResponse)

const decoder = Decoder.make(ListEventsResponse)

/**
 * Decodes an unknown value (parsed JSON) into a {@link ListEventsResponse}, as `Event.decode` does.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Effect.Effect<ListEventsResponse, Schema.SchemaError> = decoder.effect

/**
 * Decodes an unknown value into a {@link ListEventsResponse}, as a `Result`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<ListEventsResponse, Schema.SchemaError> = decoder.result
