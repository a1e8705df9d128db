/**
 * Handlers.make: dispatch by type with narrowed events, `unknown` and `orElse`, own keys only, each handler's error
 * and requirement types kept, compile-time checks of the map. Ported from the Effect 3 line's `Handlers.test.ts`,
 * with its `Fixtures.makeEvent` replaced by the schema package's sample events (one of each type).
 */
import { Handlers } from "@effect-exa/client"
import { Event, type EventType } from "@effect-exa/schema"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as path from "node:path"

// The schema package's sample of every event type, read as data (it is outside this project's sources).
const samples = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, "../../schema/test/fixtures.json"), "utf8")
) as { readonly events: Record<string, Event.Encoded> }
const allEvents: ReadonlyArray<Event.Encoded> = Object.values(samples.events)
const Fixtures = {
  allEvents,
  makeEvent: <T extends string>(
    type: T,
    overrides: { readonly id?: string } = {}
  ): T extends EventType.KnownEventType ? Event.ByType<T> : Event.UnknownEvent =>
    Event.decodeSync({ ...samples.events[type], ...overrides }) as never
}

class Store extends Context.Service<Store, { readonly put: (id: string) => Effect.Effect<void> }>()("Store") {}
class StoreError {
  readonly _tag = "StoreError"
}

describe("Handlers.make", () => {
  it.effect("runs the handler of the event's type with the narrowed event; others go to orElse; unknown types to unknown", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const handle = Handlers.make({
        "webset.item.enriched": (event) => Effect.sync(() => seen.push(`enriched ${event.data.id}`)),
        unknown: (event) => Effect.sync(() => seen.push(`unknown ${event.type}`)),
        orElse: (event) => Effect.sync(() => seen.push(`else ${event.type}`))
      })
      yield* handle(Fixtures.makeEvent("webset.item.enriched"))
      yield* handle(Fixtures.makeEvent("webset.idle"))
      yield* handle(Fixtures.makeEvent("webset.export.created"))
      expect(seen).toEqual([
        `enriched ${Fixtures.makeEvent("webset.item.enriched").data.id}`,
        "else webset.idle",
        "unknown webset.export.created"
      ])
      // Without an unknown handler, unknown types go to orElse too.
      const fallback = Handlers.make({ orElse: (event) => Effect.sync(() => seen.push(`fallback ${event.type}`)) })
      yield* fallback(Fixtures.makeEvent("webset.export.completed"))
      expect(seen.at(-1)).toBe("fallback webset.export.completed")
    }))

  it.effect("dispatch is Event.match over the caller's own keys: an event type never reaches an inherited key", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const unknownType = (type: string) =>
        ({ ...Fixtures.makeEvent("webset.export.created"), type }) as unknown as Event.Event
      const handle = Handlers.make({ orElse: (event) => Effect.sync(() => seen.push(`else ${event.type}`)) })
      yield* handle(unknownType("constructor"))
      yield* handle(unknownType("toString"))
      expect(seen).toEqual(["else constructor", "else toString"])
      // A handler on the prototype of the caller's object is not one of its handlers.
      const inherited = Object.create({ "webset.idle": () => Effect.sync(() => seen.push("inherited")) })
      inherited.orElse = (event: Event.Event) => Effect.sync(() => seen.push(`own ${event.type}`))
      yield* Handlers.make(inherited as { orElse: (event: Event.Event) => Effect.Effect<void> })(
        Fixtures.makeEvent("webset.idle")
      )
      expect(seen.at(-1)).toBe("own webset.idle")
    }))

  it.effect("an exhaustive map handles every type; each handler's result is discarded", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const record = (event: Event.Event) => Effect.sync(() => seen.push(event.type)).pipe(Effect.as(42))
      const handle = Handlers.make({
        "webset.created": record,
        "webset.deleted": record,
        "webset.idle": record,
        "webset.paused": record,
        "webset.item.created": record,
        "webset.item.enriched": record,
        "webset.search.created": record,
        "webset.search.updated": record,
        "webset.search.canceled": record,
        "webset.search.completed": record,
        "import.created": record,
        "import.completed": record,
        "monitor.created": record,
        "monitor.updated": record,
        "monitor.deleted": record,
        "monitor.run.created": record,
        "monitor.run.completed": record,
        unknown: record
      })
      for (const json of Fixtures.allEvents) {
        expect(yield* handle(Fixtures.makeEvent(json.type))).toBeUndefined()
      }
      expect(seen).toEqual(Fixtures.allEvents.map((e) => e.type))
    }))

  it.effect("keeps each handler's error and requirement types, and fails with the handler's error", () =>
    Effect.gen(function*() {
      const put: Array<string> = []
      const handle = Handlers.make({
        "webset.item.enriched": (event) => Effect.flatMap(Effect.service(Store), (store) => store.put(event.id)),
        "webset.idle": () => Effect.fail(new StoreError()),
        orElse: () => Effect.void
      })
      expectTypeOf(handle).toEqualTypeOf<Handlers.Handler<StoreError, Store>>()
      const provided = <A, E>(effect: Effect.Effect<A, E, Store>) =>
        Effect.provideService(effect, Store, { put: (id) => Effect.sync(() => void put.push(id)) })
      yield* provided(handle(Fixtures.makeEvent("webset.item.enriched", { id: "ev_store" })))
      expect(put).toEqual(["ev_store"])
      const error = yield* Effect.flip(provided(handle(Fixtures.makeEvent("webset.idle"))))
      expect(error).toBeInstanceOf(StoreError)
    }))

  it("checks the map at compile time: every type or orElse, no unknown keys", () => {
    // @ts-expect-error: not every type is handled, and there is no orElse
    Handlers.make({ "webset.idle": () => Effect.void })
    // @ts-expect-error: a misspelt type
    Handlers.make({ "webset.idel": () => Effect.void, orElse: () => Effect.void })
    Handlers.make({
      "webset.idle": (event) => {
        expectTypeOf(event).toEqualTypeOf<Event.WebsetIdleEvent>()
        return Effect.void
      },
      orElse: () => Effect.void
    })
  })

  it.effect("from JavaScript, entries that are not functions are skipped", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const handle = Handlers.make(
        { "webset.idle": 42, orElse: (e: Event.Event) => Effect.sync(() => seen.push(e.type)) } as any
      )
      yield* handle(Fixtures.makeEvent("webset.idle"))
      expect(seen).toEqual(["webset.idle"])
      const nothing = Handlers.make({ orElse: "no" } as any)
      expect(yield* nothing(Fixtures.makeEvent("webset.idle"))).toBeUndefined()
    }))
})
