/**
 * One page of `GET /websets/v0/events`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
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

// No constructor or fields of its own: the fast decoder may build instances.
registerClass(ListEventsResponse)
const decoder = Decoder.make(ListEventsResponse)

/**
 * Decodes an unknown value (parsed JSON) into a {@link ListEventsResponse}, through the same fast path as
 * `Event.decode`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Effect.Effect<ListEventsResponse, ParseResult.ParseError> = decoder.effect

/**
 * Decodes an unknown value into a {@link ListEventsResponse}, as an `Either`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEither: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Either.Either<ListEventsResponse, ParseResult.ParseError> = decoder.either
