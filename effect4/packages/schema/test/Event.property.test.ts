import { Event, ListEventsResponse } from "@effect-exa/schema"
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"

// Encode, through JSON text (as on the wire), decode: an equal value, and the same JSON again (compared as text:
// -0 and 0 are the same number on the wire).
const roundTrips = <A, I>(schema: Schema.Codec<A, I>) => {
  const equivalence = Schema.toEquivalence(schema)
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema)
  return (value: A) => {
    const encoded = encode(value)
    const decoded = decode(JSON.parse(JSON.stringify(encoded)))
    expect(equivalence(decoded, value)).toBe(true)
    expect(JSON.stringify(encode(decoded))).toBe(JSON.stringify(encoded))
  }
}

describe("Event properties", () => {
  const event = roundTrips(Event.Event)
  it.prop(
    "every generated event encodes, survives JSON, and decodes back to an equal value",
    { value: Event.Event },
    ({ value }) => event(value),
    { timeout: 120_000, arbitrary: { runs: 300 } }
  )

  it.prop("every generated known event keeps its variant", { event: Event.KnownEvent }, ({ event }) => {
    const decoded = Schema.decodeUnknownSync(Event.Event)(Schema.encodeSync(Event.Event)(event))
    expect(decoded.constructor).toBe(event.constructor)
    expect(Event.isKnown(decoded)).toBe(true)
  }, { timeout: 120_000, arbitrary: { runs: 200 } })

  const page = roundTrips(ListEventsResponse.ListEventsResponse)
  it.prop(
    "every generated page round-trips",
    { page: ListEventsResponse.ListEventsResponse },
    ({ page: value }) => page(value),
    { timeout: 120_000, arbitrary: { runs: 30 } }
  )
})
