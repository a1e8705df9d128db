/**
 * fast-check generators of events, derived from the schemas (so they follow every field, enum and nullability).
 * Import this module only in tests: it pulls in fast-check.
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as Arbitrary from "effect/Arbitrary"
import type * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/**
 * Any event: one of the 17 variants, or an `UnknownEvent` with a type string outside them.
 *
 * @since 0.1.0
 * @category generators
 */
export const event: FastCheck.Arbitrary<Event.Event> = Arbitrary.make(Event.Event)

/**
 * One of the 17 modelled variants.
 *
 * @since 0.1.0
 * @category generators
 */
export const knownEvent: FastCheck.Arbitrary<Event.KnownEvent> = Arbitrary.make(Event.KnownEvent)

/**
 * Events of one type.
 *
 * @since 0.1.0
 * @category generators
 */
export const eventOf = <T extends EventType.KnownEventType>(type: T): FastCheck.Arbitrary<Event.ByType<T>> =>
  Arbitrary.make(Event.variants[type])

/**
 * Events as the API sends them (JSON), for seeding the emulator or feeding decoders.
 *
 * @since 0.1.0
 * @category generators
 */
export const encodedEvent: FastCheck.Arbitrary<Event.Encoded> = event.map(Schema.encodeSync(Event.Event))
