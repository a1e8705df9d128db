/**
 * One page of `GET /websets/v0/events`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Event } from "./Event.js"

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
