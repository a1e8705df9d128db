import { Event, ListEventsResponse } from "@effect-exa/schema"
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const roundTrips = <A, I>(schema: Schema.Schema<A, I>, runs: number) => {
  const arbitrary = Arbitrary.make(schema)
  const equivalence = Schema.equivalence(schema)
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema)
  FastCheck.assert(
    FastCheck.property(arbitrary, (value) => {
      const encoded = encode(value)
      // Through JSON text too, as on the wire.
      const decoded = decode(JSON.parse(JSON.stringify(encoded)))
      expect(equivalence(decoded, value)).toBe(true)
      // Compared as JSON text: -0 and 0 are the same number on the wire.
      expect(JSON.stringify(encode(decoded))).toBe(JSON.stringify(encoded))
    }),
    { numRuns: runs }
  )
}

describe("Event properties", () => {
  it("every generated event encodes, survives JSON, and decodes back to an equal value", { timeout: 120_000 }, () => {
    roundTrips(Event.Event, 300)
  })

  it("every generated known event keeps its variant", { timeout: 120_000 }, () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Event.KnownEvent), (event) => {
        const decoded = Schema.decodeUnknownSync(Event.Event)(Schema.encodeSync(Event.Event)(event))
        expect(decoded.constructor).toBe(event.constructor)
        expect(Event.isKnown(decoded)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it("every generated page round-trips", { timeout: 120_000 }, () => {
    roundTrips(ListEventsResponse.ListEventsResponse, 30)
  })
})
