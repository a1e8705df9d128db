/**
 * Generators of events, derived from the schemas (so they follow every field, enum and nullability), on Effect 4's
 * own `effect/Arbitrary`: sample them with `Arbitrary.sampleEffect`, check properties with `Arbitrary.checkEffect`, or
 * pass the schemas themselves to `@effect/vitest`'s `it.prop`. The Effect 3 line typed these as fast-check
 * arbitraries; Effect 4 has no fast-check (a breaking change of this package's API, see the README).
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as Arbitrary from "effect/Arbitrary"
import * as Schema from "effect/Schema"

/**
 * Any event: one of the 17 variants, or an `UnknownEvent` with a type string outside them.
 *
 * @since 0.1.0
 * @category generators
 */
export const event: Arbitrary.Arbitrary<Event.Event> = Arbitrary.schema(Event.Event)

/**
 * One of the 17 modelled variants.
 *
 * @since 0.1.0
 * @category generators
 */
export const knownEvent: Arbitrary.Arbitrary<Event.KnownEvent> = Arbitrary.schema(Event.KnownEvent)

/**
 * Events of one type.
 *
 * @since 0.1.0
 * @category generators
 */
export const eventOf = <T extends EventType.KnownEventType>(type: T): Arbitrary.Arbitrary<Event.ByType<T>> =>
  Arbitrary.schema(Event.variants[type])

/**
 * Events as the API sends them (JSON), for seeding the emulator or feeding decoders.
 *
 * @since 0.1.0
 * @category generators
 */
export const encodedEvent: Arbitrary.Arbitrary<Event.Encoded> = Arbitrary.map(event, Schema.encodeSync(Event.Event))
