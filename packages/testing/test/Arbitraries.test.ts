import { EventsClient } from "@effect-exa/client"
import { Event, EventType } from "@effect-exa/schema"
import { Arbitraries, ExaApi } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"

describe("Arbitraries", () => {
  it("encodedEvent generates JSON that decodes", { timeout: 120_000 }, () => {
    for (const json of FastCheck.sample(Arbitraries.encodedEvent, 100)) {
      expect(Event.decodeSync(JSON.parse(JSON.stringify(json))).id).toBe(json.id)
    }
  })

  it("eventOf(type) generates only that type", () => {
    for (const type of EventType.knownTypes) {
      for (const event of FastCheck.sample(Arbitraries.eventOf(type), 5)) {
        expect(event.type).toBe(type)
        expect(event).toBeInstanceOf(Event.variants[type])
      }
    }
  })

  it.effect("generated events seed the emulator and come back equal through the client", () =>
    Effect.gen(function*() {
      const events = FastCheck.sample(Arbitraries.knownEvent, 30).map((e, i) =>
        new (e.constructor as any)({ ...e, id: `ev_${i}` }) as Event.KnownEvent
      )
      const api = yield* ExaApi.ExaApi
      yield* api.addEvents(events)
      for (const event of events) {
        const fetched = yield* EventsClient.getEvent(event.id)
        expect(fetched.type).toBe(event.type)
        expect(JSON.stringify(yield* Event.encode(fetched))).toBe(JSON.stringify(yield* Event.encode(event)))
      }
    }).pipe(Effect.provide(ExaApi.layerClient({ client: { retry: false } }))))
})
