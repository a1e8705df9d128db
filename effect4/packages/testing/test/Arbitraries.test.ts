/**
 * The generators on Effect 4's `effect/Arbitrary`: what they generate decodes, and `eventOf` keeps to its type.
 * and generated events seed the emulator and come back equal through the client.
 */
import { EventsClient } from "@effect-exa/client"
import { Event, EventType } from "@effect-exa/schema"
import { Arbitraries, ExaApi } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"

describe("Arbitraries", () => {
  it.effect("encodedEvent generates JSON that decodes", () =>
    Effect.gen(function*() {
      const samples = yield* Arbitrary.sampleEffect(Arbitraries.encodedEvent, { count: 100, seed: 1 })
      expect(samples.length).toBe(100)
      for (const json of samples) {
        expect(Event.decodeSync(JSON.parse(JSON.stringify(json))).id).toBe(json.id)
      }
    }), 120_000)

  it.effect("event generates known and unknown events; knownEvent only known ones", () =>
    Effect.gen(function*() {
      const events = yield* Arbitrary.sampleEffect(Arbitraries.event, { count: 200, seed: 2 })
      expect(events.some(Event.isKnown)).toBe(true)
      expect(events.some(Event.isUnknown)).toBe(true)
      const known = yield* Arbitrary.sampleEffect(Arbitraries.knownEvent, { count: 50, seed: 3 })
      expect(known.every(Event.isKnown)).toBe(true)
    }), 120_000)

  it.effect("eventOf(type) generates only that type", () =>
    Effect.gen(function*() {
      for (const type of EventType.knownTypes) {
        for (const event of yield* Arbitrary.sampleEffect(Arbitraries.eventOf(type), { count: 5 })) {
          expect(event.type).toBe(type)
          expect(event).toBeInstanceOf(Event.variants[type])
        }
      }
    }), 120_000)

  it.effect("generated events seed the emulator and come back equal through the client", () =>
    Effect.gen(function*() {
      const generated = yield* Arbitrary.sampleEffect(Arbitraries.knownEvent, { count: 30, seed: 4 })
      const events = generated.map((e, i) => new (e.constructor as any)({ ...e, id: `ev_${i}` }) as Event.KnownEvent)
      const api = yield* ExaApi.ExaApi
      yield* api.addEvents(events)
      for (const event of events) {
        const fetched = yield* EventsClient.getEvent(event.id)
        expect(fetched.type).toBe(event.type)
        expect(JSON.stringify(yield* Event.encode(fetched))).toBe(JSON.stringify(yield* Event.encode(event)))
      }
    }).pipe(Effect.provide(ExaApi.layerClient({ client: { retry: false } }))), 120_000)
})
