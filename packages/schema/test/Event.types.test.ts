import type { Import, Monitor, MonitorRun, Webset, WebsetItem, WebsetSearch } from "@effect-exa/schema"
import { Event } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"

// These checks are compile-time: `tsc -b` (part of `pnpm test`) fails if a narrowing is wrong. Each test also
// runs the narrowing on every fixture so that the runtime side is exercised.
const events = Fixtures.allEvents.map((json) => Schema.decodeUnknownSync(Event.Event)(json))

describe("Event types", () => {
  it("narrowing on type gives the variant and its data", () => {
    let seen = 0
    for (const event of events) {
      // TypeScript cannot express "any string but the 17 known types", so an UnknownEvent's `type` is a plain
      // string: rule it out first, then `type` narrows exactly.
      if (Event.isUnknown(event)) {
        expectTypeOf(event).toEqualTypeOf<Event.UnknownEvent>()
        continue
      }
      switch (event.type) {
        case "webset.created":
        case "webset.deleted":
        case "webset.idle":
        case "webset.paused":
          expectTypeOf(event.data).toEqualTypeOf<Webset.Webset>()
          seen++
          break
        case "webset.item.created":
          expectTypeOf(event).toEqualTypeOf<Event.WebsetItemCreatedEvent>()
          expectTypeOf(event.data).toEqualTypeOf<WebsetItem.WebsetItem>()
          seen++
          break
        case "webset.item.enriched":
          expectTypeOf(event).toEqualTypeOf<Event.WebsetItemEnrichedEvent>()
          expectTypeOf(event.data.enrichments).toEqualTypeOf<ReadonlyArray<WebsetItem.EnrichmentResult> | null>()
          seen++
          break
        case "webset.search.created":
        case "webset.search.updated":
        case "webset.search.canceled":
        case "webset.search.completed":
          expectTypeOf(event.data).toEqualTypeOf<WebsetSearch.WebsetSearch>()
          expectTypeOf(event.data.canceledReason).toEqualTypeOf<WebsetSearch.WebsetSearchCanceledReason | null>()
          seen++
          break
        case "import.created":
        case "import.completed":
          expectTypeOf(event.data).toEqualTypeOf<Import.Import>()
          seen++
          break
        case "monitor.created":
        case "monitor.updated":
        case "monitor.deleted":
          expectTypeOf(event.data).toEqualTypeOf<Monitor.Monitor>()
          expectTypeOf(event.data.lastRun).toEqualTypeOf<MonitorRun.MonitorRun | null>()
          seen++
          break
        case "monitor.run.created":
        case "monitor.run.completed":
          expectTypeOf(event.data).toEqualTypeOf<MonitorRun.MonitorRun>()
          seen++
          break
        default:
          // Exhaustive: nothing is left after the 17 known types.
          expectTypeOf(event).toEqualTypeOf<never>()
      }
    }
    expect(seen).toBe(17)
  })

  it("without ruling out UnknownEvent, a case keeps it (the raw type string could be anything)", () => {
    for (const event of events) {
      if (event.type === "webset.idle") {
        expectTypeOf(event).toEqualTypeOf<Event.WebsetIdleEvent | Event.UnknownEvent>()
        expect(event).toBeInstanceOf(Event.WebsetIdleEvent)
      }
    }
  })

  it("item properties narrow on their own type", () => {
    const item = events.find(Event.isType("webset.item.enriched"))!
    expectTypeOf(item).toEqualTypeOf<Event.WebsetItemEnrichedEvent>()
    const properties = item.data.properties
    if (properties.type === "company") {
      expectTypeOf(properties.company.employees).toEqualTypeOf<number | null>()
      // @ts-expect-error a company has no `person` field
      void properties.person
      expect(properties.company.name).toBe("Ledgerly")
    } else {
      expect.fail("the enriched fixture is a company")
    }
  })

  it("timestamps are DateTime.Utc, nullable where the API says so, optional only for the 2026 additions", () => {
    const run = events.find(Event.isType("monitor.run.completed"))!
    expectTypeOf(run.createdAt).toEqualTypeOf<DateTime.Utc>()
    expectTypeOf(run.data.completedAt).toEqualTypeOf<DateTime.Utc | null>()
    const webset = events.find(Event.isType("webset.created"))!
    expectTypeOf(webset.data.dashboardUrl).toEqualTypeOf<string | undefined>()
    expectTypeOf(webset.data.externalId).toEqualTypeOf<string | null>()
    expect(webset.data.dashboardUrl).toContain("websets.exa.ai")
  })

  it("the encoded form is the wire shape", () => {
    expectTypeOf<Event.Encoded["createdAt"]>().toEqualTypeOf<string>()
    expectTypeOf<Extract<Event.Encoded, { type: "webset.idle" }>["data"]["createdAt"]>().toEqualTypeOf<string>()
    expect(Fixtures.events["webset.idle"].createdAt).toMatch(/Z$/)
  })
})
