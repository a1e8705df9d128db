/**
 * Events given to the testing helpers may be decoded `Event`s or their JSON; this turns either into the JSON the
 * API would send.
 *
 * @internal
 */
import * as Event from "@effect-exa/schema/Event"
import * as Schema from "effect/Schema"

const isEvent = Schema.is(Event.Event)
const encodeEvent = Schema.encodeSync(Event.Event)

export const toJson = (
  event: Event.Event | Event.Encoded
): Event.Encoded => (isEvent(event) ? encodeEvent(event) : event)
