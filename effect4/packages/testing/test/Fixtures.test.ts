/**
 * The fixtures: the same payloads as the Effect 3 line's (its snapshot in `schema/test/fixtures.json`, written from
 * the Effect 3 `Fixtures` by `scripts/fixtures.mjs`), every one decoding with this line's schemas, and the builders.
 */
import { Event, EventType, Webhook, WebhookAttempt, Webset, WebsetItem } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"

const snapshot = JSON.parse(
  readFileSync(new URL("../../schema/test/fixtures.json", import.meta.url), "utf8")
) as Record<string, unknown>

describe("Fixtures", () => {
  it("are the Effect 3 line's payloads, value for value", () => {
    const names = Object.keys(snapshot)
    expect(names.length).toBe(12)
    for (const name of names) {
      expect({ name, value: (Fixtures as Record<string, unknown>)[name] }).toEqual({ name, value: snapshot[name] })
    }
  })

  it("has one sample per event type, in EventType order, each decoding to its variant", () => {
    expect(Object.keys(Fixtures.events)).toEqual([...EventType.all])
    expect(Fixtures.allEvents.map((json) => json.type)).toEqual([...EventType.all])
    for (const json of Fixtures.allEvents) {
      const event = Event.decodeSync(json)
      expect(event.id).toBe(json.id)
      if (EventType.isKnown(json.type)) expect(event).toBeInstanceOf(Event.variants[json.type])
      else expect(event).toBeInstanceOf(Event.UnknownEvent)
      expect(JSON.parse(JSON.stringify(Schema.encodeSync(Event.Event)(event)))).toEqual(json)
    }
  })

  it("the sample webset, items, webhook and attempt decode", () => {
    expect(Schema.decodeUnknownSync(Webset.Webset)(Fixtures.webset).id).toBe(Fixtures.webset.id)
    for (const item of [Fixtures.companyItem, Fixtures.personItem, Fixtures.articleItem]) {
      expect(Schema.decodeUnknownSync(WebsetItem.WebsetItem)(item).id).toBe(item.id)
    }
    expect(Webhook.decodeResult(Fixtures.webhook)._tag).toBe("Success")
    expect(Schema.decodeUnknownSync(WebhookAttempt.WebhookAttempt)(Fixtures.webhookAttempt).webhookId).toBe(
      Fixtures.webhook.id
    )
  })

  it("make takes envelope overrides and merges data overrides over the sample's data", () => {
    expect(Fixtures.make("webset.idle")).toEqual(Fixtures.events["webset.idle"])
    const json = Fixtures.make("webset.item.enriched", {
      id: "ev_1",
      createdAt: "2026-01-01T00:00:00.000Z",
      data: { websetId: "webset_mine" }
    })
    expect(json.id).toBe("ev_1")
    expect(json.createdAt).toBe("2026-01-01T00:00:00.000Z")
    expect(json.data.websetId).toBe("webset_mine")
    expect(json.data.id).toBe(Fixtures.companyItem.id)
    // The sample is left as it was.
    expect(Fixtures.events["webset.item.enriched"].data.websetId).toBe(Fixtures.webset.id)
  })

  it("makeEvent decodes the built JSON", () => {
    const event = Fixtures.makeEvent("import.created", { id: "ev_new", data: { title: "Leads" } })
    expect(event).toBeInstanceOf(Event.ImportCreatedEvent)
    expect(event.id).toBe("ev_new")
    expect(event.data.title).toBe("Leads")
    const opaque = Fixtures.makeEvent("webset.export.created", { id: "ev_export" })
    expect(opaque).toBeInstanceOf(Event.UnknownEvent)
    expect(opaque.type).toBe("webset.export.created")
  })
})
