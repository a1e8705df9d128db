import { Event, EventType, ListEventsResponse } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const decode = Schema.decodeUnknownEither(Event.Event)
const decodeSync = Schema.decodeUnknownSync(Event.Event)
const encodeSync = Schema.encodeSync(Event.Event)

const expectFailure = (input: unknown, ...fragments: ReadonlyArray<string>) => {
  const result = decode(input)
  if (Either.isRight(result)) return assert.fail(`expected a decode failure, got ${JSON.stringify(result.right)}`)
  const message = ParseResult.TreeFormatter.formatErrorSync(result.left)
  for (const fragment of fragments) expect(message).toContain(fragment)
  return message
}

const clone = <A>(a: A): any => JSON.parse(JSON.stringify(a))

const classByType: Record<EventType.KnownEventType, abstract new(...args: never) => unknown> = {
  "webset.created": Event.WebsetCreatedEvent,
  "webset.deleted": Event.WebsetDeletedEvent,
  "webset.idle": Event.WebsetIdleEvent,
  "webset.paused": Event.WebsetPausedEvent,
  "webset.item.created": Event.WebsetItemCreatedEvent,
  "webset.item.enriched": Event.WebsetItemEnrichedEvent,
  "webset.search.created": Event.WebsetSearchCreatedEvent,
  "webset.search.updated": Event.WebsetSearchUpdatedEvent,
  "webset.search.canceled": Event.WebsetSearchCanceledEvent,
  "webset.search.completed": Event.WebsetSearchCompletedEvent,
  "import.created": Event.ImportCreatedEvent,
  "import.completed": Event.ImportCompletedEvent,
  "monitor.created": Event.MonitorCreatedEvent,
  "monitor.updated": Event.MonitorUpdatedEvent,
  "monitor.deleted": Event.MonitorDeletedEvent,
  "monitor.run.created": Event.MonitorRunCreatedEvent,
  "monitor.run.completed": Event.MonitorRunCompletedEvent
}

describe("Event", () => {
  describe("fixtures of all 19 types", () => {
    it("cover every EventType", () => {
      expect(Object.keys(Fixtures.events).sort()).toEqual([...EventType.all].sort())
      expect(EventType.all).toHaveLength(19)
      expect(EventType.knownTypes).toHaveLength(17)
    })

    for (const type of EventType.knownTypes) {
      it(`${type} decodes to its variant and encodes back to the same JSON`, () => {
        const json = Fixtures.events[type]
        const event = decodeSync(clone(json))
        expect(event).toBeInstanceOf(classByType[type])
        expect(event.type).toBe(type)
        expect(DateTime.isDateTime(event.createdAt)).toBe(true)
        expect(encodeSync(event)).toEqual(json)
      })
    }

    for (const type of EventType.opaqueTypes) {
      it(`${type} decodes to UnknownEvent keeping the raw data`, () => {
        const json = Fixtures.events[type]
        const event = decodeSync(clone(json))
        assert.instanceOf(event, Event.UnknownEvent)
        expect(event.type).toBe(type)
        expect(event.id).toBe(json.id)
        expect(event.data).toEqual(json.data)
        expect(DateTime.formatIso(event.createdAt)).toBe(json.createdAt)
        expect(encodeSync(event)).toEqual(json)
      })
    }
  })

  describe("forward compatibility", () => {
    it("an unknown type string decodes to UnknownEvent", () => {
      const input = {
        id: "ev_new",
        object: "event",
        type: "webset.archived",
        data: { anything: [1, 2] },
        createdAt: "2026-01-01T00:00:00Z"
      }
      const event = decodeSync(input)
      assert.instanceOf(event, Event.UnknownEvent)
      expect(event.data).toEqual({ anything: [1, 2] })
      expect(Event.isUnknown(event)).toBe(true)
      expect(Event.isKnown(event)).toBe(false)
    })

    it("an unknown event still needs an envelope", () => {
      expectFailure(
        { id: "ev_new", object: "event", type: "webset.archived", createdAt: "2026-01-01T00:00:00Z" },
        "data",
        "is missing"
      )
      expectFailure(
        { id: "ev_new", object: "event", type: "webset.archived", data: {}, createdAt: "yesterday" },
        "createdAt"
      )
    })

    it("a malformed payload of a known type fails instead of becoming UnknownEvent", () => {
      const input = clone(Fixtures.events["webset.idle"])
      input.data.status = "archived"
      const message = expectFailure(
        input,
        "WebsetIdleEvent",
        `["data"]`,
        `["status"]`,
        "archived",
        "is a known event type"
      )
      expect(message).not.toContain("WebsetCreatedEvent")
    })

    it("2026 fields decode when absent (events stored before they existed)", () => {
      const websetEvent = clone(Fixtures.events["webset.created"])
      delete websetEvent.data.dashboardUrl
      delete websetEvent.data.searches[0].maxPeoplePerCompany
      const decodedWebset = decodeSync(websetEvent)
      assert.instanceOf(decodedWebset, Event.WebsetCreatedEvent)
      expect(decodedWebset.data.dashboardUrl).toBeUndefined()
      expect("maxPeoplePerCompany" in decodedWebset.data.searches[0]!).toBe(false)
      expect(encodeSync(decodedWebset)).toEqual(websetEvent)

      const companyEvent = clone(Fixtures.events["webset.item.enriched"])
      for (const key of ["foundedYear", "headquarters", "financials", "webTraffic"]) {
        delete companyEvent.data.properties.company[key]
      }
      expect(encodeSync(decodeSync(companyEvent))).toEqual(companyEvent)

      const personEvent = Fixtures.make("webset.item.created", { data: Fixtures.personItem })
      const person = clone(personEvent)
      delete person.data.properties.person.workHistory
      delete person.data.properties.person.educationHistory
      expect(encodeSync(decodeSync(person))).toEqual(person)
    })

    it("unknown extra keys are ignored at every level", () => {
      const input = clone(Fixtures.events["webset.created"])
      input.extra = true
      input.data.streams = []
      input.data.searches[0].progress.eta = "soon"
      const event = decodeSync(input)
      expect("extra" in event).toBe(false)
      expect("streams" in (event.data as object)).toBe(false)
      expect(encodeSync(event)).toEqual(Fixtures.events["webset.created"])
    })
  })

  describe("invalid payloads fail with a message naming the path", () => {
    it("wrong enum value", () => {
      const input = clone(Fixtures.events["webset.search.canceled"])
      input.data.canceledReason = "user_request"
      expectFailure(input, `["data"]`, `["canceledReason"]`, "user_request")
    })

    it("missing required field", () => {
      const input = clone(Fixtures.events["import.completed"])
      delete input.data.failedMessage
      expectFailure(input, `["failedMessage"]`, "is missing")
    })

    it("required-nullable is not optional", () => {
      const input = clone(Fixtures.events["monitor.created"])
      delete input.data.lastRun
      expectFailure(input, `["lastRun"]`, "is missing")
    })

    it("wrong type", () => {
      const input = clone(Fixtures.events["webset.search.updated"])
      input.data.progress.found = "23"
      expectFailure(input, `["progress"]`, `["found"]`, "Expected number")
    })

    it("integer fields reject fractions", () => {
      const input = clone(Fixtures.events["webset.item.enriched"])
      input.data.properties.company.employees = 84.5
      expectFailure(input, `["employees"]`, "integer")
    })

    it("bad timestamp", () => {
      const input = clone(Fixtures.events["monitor.run.completed"])
      input.data.completedAt = "13/11/2025 08:03"
      expectFailure(input, `["completedAt"]`, "RFC 3339")
    })

    it("object is not event", () => {
      const input = clone(Fixtures.events["webset.idle"])
      input.object = "webset"
      expectFailure(input, `["object"]`, `"event"`)
    })

    it("data of the wrong entity for the type", () => {
      const input = clone(Fixtures.events["webset.item.created"])
      input.data = clone(Fixtures.webset)
      expectFailure(input, `["data"]`, `["object"]`, `"webset_item"`)
    })

    it("wrong item properties variant", () => {
      const input = clone(Fixtures.events["webset.item.created"])
      input.data.properties.type = "podcast"
      expectFailure(input, `["properties"]`, "podcast")
    })

    it("not an object at all", () => {
      expectFailure(null, "Expected")
      expectFailure("webset.created", "Expected")
      expectFailure({ type: 42 }, `["type"]`)
    })
  })

  describe("timestamps", () => {
    const at = (createdAt: string) => decode({ ...Fixtures.events["monitor.run.completed"], createdAt })

    it("accept RFC 3339 with or without fractional seconds and with offsets", () => {
      const cases: Array<[string, string]> = [
        ["2023-11-07T05:31:56Z", "2023-11-07T05:31:56.000Z"],
        ["2025-11-12T21:50:51.207Z", "2025-11-12T21:50:51.207Z"],
        ["2025-11-12T21:50:51.207123Z", "2025-11-12T21:50:51.207Z"],
        ["2025-11-12T23:50:51.5+02:00", "2025-11-12T21:50:51.500Z"],
        ["2025-11-12t21:50:51z", "2025-11-12T21:50:51.000Z"]
      ]
      for (const [input, iso] of cases) {
        const result = at(input)
        assert(Either.isRight(result), input)
        expect(DateTime.formatIso(result.right.createdAt)).toBe(iso)
      }
    })

    it("reject anything else", () => {
      for (
        const input of ["2025-11-12", "Nov 12 2025", "2025-11-12T21:50:51", "2025-13-40T99:99:99Z", "", "1731448251"]
      ) {
        expect(Either.isLeft(at(input)), input).toBe(true)
      }
    })

    it("free-form date strings stay strings", () => {
      const event = decodeSync(Fixtures.events["webset.item.enriched"])
      assert.instanceOf(event, Event.WebsetItemEnrichedEvent)
      assert(event.data.properties.type === "company")
      expect(event.data.properties.company.financials?.fundingLatestRound?.date).toBe("2024-02")
    })
  })

  describe("helpers", () => {
    const events = Fixtures.allEvents.map((json) => decodeSync(json))

    it("isType narrows to the given types", () => {
      const items = events.filter(Event.isType("webset.item.created", "webset.item.enriched"))
      expect(items.map((e) => e.type)).toEqual(["webset.item.created", "webset.item.enriched"])
      expect(items.map((e) => e.data.object)).toEqual(["webset_item", "webset_item"])
    })

    it("match dispatches by type, with orElse", () => {
      const labels = events.map((event) =>
        Event.match(event, {
          "webset.search.completed": (e) => `found ${e.data.progress.found}`,
          "monitor.run.completed": (e) => `run ${e.data.status}`,
          orElse: (e) => e.type
        })
      )
      expect(labels).toContain("found 50")
      expect(labels).toContain("run completed")
      expect(labels).toContain("webset.export.created")
    })

    it("match with every case is exhaustive and routes unknown events to `unknown`", () => {
      const cases = Object.fromEntries(EventType.knownTypes.map((type) => [type, () => `known:${type}`])) as any
      const labels = events.map((event) =>
        Event.match<string>(event, { ...cases, unknown: (e) => `unknown:${e.type}` })
      )
      expect(labels.filter((label) => label.startsWith("unknown:"))).toEqual([
        "unknown:webset.export.created",
        "unknown:webset.export.completed"
      ])
      expect(labels.filter((label) => label.startsWith("known:"))).toHaveLength(17)
    })

    it("decode and encode are the Effect-returning forms", () => {
      const json = Fixtures.events["webset.idle"]
      const result = Event.decode(json).pipe(Effect.flatMap((event) => Event.encode(event)), Effect.runSync)
      expect(result).toEqual(json)
    })

    it("the constructor fills in object and type", () => {
      const event = new Event.MonitorRunCreatedEvent({
        id: "ev_1",
        data: decodeSync(Fixtures.events["monitor.run.created"]).data as any,
        createdAt: DateTime.unsafeMake("2025-01-01T00:00:00Z")
      })
      expect(event.object).toBe("event")
      expect(event.type).toBe("monitor.run.created")
    })
  })

  describe("ListEventsResponse", () => {
    it("decodes a page mixing known and unknown events", () => {
      const page = Schema.decodeUnknownSync(ListEventsResponse.ListEventsResponse)({
        data: Fixtures.allEvents,
        hasMore: true,
        nextCursor: "cur_2"
      })
      expect(page.data).toHaveLength(19)
      expect(page.data.filter(Event.isUnknown)).toHaveLength(2)
      expect(page.nextCursor).toBe("cur_2")
    })

    it("requires nextCursor (nullable, not optional)", () => {
      const result = Schema.decodeUnknownEither(ListEventsResponse.ListEventsResponse)({ data: [], hasMore: false })
      assert(Either.isLeft(result))
      expect(ParseResult.TreeFormatter.formatErrorSync(result.left)).toContain(`["nextCursor"]`)
    })
  })
})

import * as Effect from "effect/Effect"

describe("guards across copies of the package", () => {
  it("isKnown and isUnknown go by type, so events from another copy (CJS beside ESM) are recognised", () => {
    const unknown = Event.decodeSync(Fixtures.make("webset.export.created"))
    const known = Event.decodeSync(Fixtures.make("webset.idle"))
    // What another copy's classes look like from here: the same fields, another prototype.
    const foreignUnknown = { ...unknown } as unknown as Event.Event
    const foreignKnown = { ...known } as unknown as Event.Event
    expect(Event.isUnknown(foreignUnknown)).toBe(true)
    expect(Event.isKnown(foreignUnknown)).toBe(false)
    expect(Event.isKnown(foreignKnown)).toBe(true)
    expect(Event.isUnknown(foreignKnown)).toBe(false)
    expect([Event.isUnknown(unknown), Event.isKnown(known)]).toEqual([true, true])
  })
})

describe("Metadata", () => {
  it("a key named __proto__ survives decode and encode, as an own key", () => {
    const json: any = JSON.parse(JSON.stringify(Fixtures.events["webset.created"]))
    json.data.metadata = JSON.parse(`{"__proto__":"polluted?","team":"growth"}`)
    const event = Event.decodeSync(json)
    assert(Event.isKnown(event) && event.type === "webset.created")
    expect(Object.keys(event.data.metadata!)).toEqual(["__proto__", "team"])
    expect(Object.getPrototypeOf(event.data.metadata)).toBe(Object.prototype)
    const encoded = Schema.encodeSync(Event.Event)(event) as any
    expect(JSON.stringify(encoded.data.metadata)).toBe(`{"__proto__":"polluted?","team":"growth"}`)
    expect(({} as any).polluted).toBeUndefined()
  })

  it("a value that is not a string is an error naming its key", () => {
    const json: any = JSON.parse(JSON.stringify(Fixtures.events["webset.created"]))
    json.data.metadata = { ok: "yes", count: 3 }
    const result = Event.decodeEither(json)
    assert(Either.isLeft(result))
    expect(ParseResult.TreeFormatter.formatErrorSync(result.left)).toMatch(
      /\["count"\][\s\S]*Expected string, actual 3/
    )
  })
})
