import { EventType, Webhook, WebhookAttempt } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as util from "node:util"
import * as Fixtures from "./Fixtures.js"

const getOrThrow = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isSuccess(result)) return result.success
  throw result.failure
}

const created = { ...Fixtures.webhook, secret: "whsec_0123456789abcdef" }

describe("Webhook", () => {
  it("decodes a webhook: timestamps to DateTime.Utc, the secret Redacted, encode gives the JSON back", () => {
    const decoded = getOrThrow(Webhook.decodeResult(created))
    expect(DateTime.isDateTime(decoded.createdAt)).toBe(true)
    assert(decoded.secret !== null)
    expect(Redacted.value(decoded.secret)).toBe("whsec_0123456789abcdef")
    expect(String(decoded.secret)).not.toContain("whsec_0123456789abcdef")
    expect(util.inspect(decoded, { depth: 5 })).not.toContain("whsec_0123456789abcdef")
    expect(Schema.encodeSync(Webhook.Webhook)(decoded)).toEqual(created)
    const withoutSecret = getOrThrow(Webhook.decodeResult(Fixtures.webhook))
    expect(withoutSecret.secret).toBeNull()
    expect(Schema.encodeSync(Webhook.Webhook)(withoutSecret)).toEqual(Fixtures.webhook)
  })

  it("a created webhook must carry its secret", () => {
    const decoded = getOrThrow(Webhook.decodeCreatedResult(created))
    expect(Redacted.value(decoded.secret)).toBe(created.secret)
    expect(Result.isFailure(Webhook.decodeCreatedResult(Fixtures.webhook))).toBe(true)
  })

  it("is strict about enums and event types, tolerant of unknown keys", () => {
    for (
      const bad of [
        { ...Fixtures.webhook, status: "paused" },
        { ...Fixtures.webhook, events: [] },
        { ...Fixtures.webhook, events: [""] },
        { ...Fixtures.webhook, events: [42] },
        { ...Fixtures.webhook, url: "/exa" },
        { ...Fixtures.webhook, url: "ftp://hooks.example.com/exa" },
        { ...Fixtures.webhook, url: `https://example.com/${"a".repeat(2048)}` },
        { ...Fixtures.webhook, object: "hook" },
        { ...Fixtures.webhook, createdAt: "yesterday" },
        { ...Fixtures.webhook, metadata: { a: 1 } },
        { ...Fixtures.webhook, secret: 42 }
      ]
    ) {
      expect(Result.isFailure(Webhook.decodeResult(bad)), JSON.stringify(bad)).toBe(true)
    }
    const extra = getOrThrow(Webhook.decodeResult({ ...Fixtures.webhook, newField: 1 }))
    expect("newField" in extra).toBe(false)
    const { metadata: _, ...noMetadata } = Fixtures.webhook
    const decoded = getOrThrow(Webhook.decodeResult(noMetadata))
    expect("metadata" in decoded).toBe(false)
    expect(Schema.encodeSync(Webhook.Webhook)(decoded)).toEqual(noMetadata)
  })

  it("keeps a subscription to an event type this version does not know as data: listing webhooks still works", () => {
    const future = { ...Fixtures.webhook, events: ["webset.item.archived", "webset.idle"] }
    const page = getOrThrow(
      Webhook.decodeListResult({ data: [future, Fixtures.webhook], hasMore: false, nextCursor: null })
    )
    expect(page.data[0]!.events).toEqual(["webset.item.archived", "webset.idle"])
    expect(page.data[0]!.events.filter(EventType.isUnrecognized)).toEqual(["webset.item.archived"])
    expect(Schema.encodeSync(Webhook.Webhook)(page.data[0]!)).toEqual(future)
    // The fast decoder and Effect Schema agree.
    expect(Schema.decodeUnknownSync(Webhook.Webhook)(future).events).toEqual(future.events)
    expect(Result.isFailure(Schema.decodeUnknownResult(EventType.UnrecognizedEventType)("webset.idle"))).toBe(true)
  })

  it("url: an absolute http or https URL of at most 2048 characters", () => {
    for (
      const url of [
        "https://hooks.example.com/exa?x=1",
        "http://127.0.0.1:3000/hook",
        `https://e.com/${"a".repeat(2000)}`
      ]
    ) {
      expect(Result.isSuccess(Webhook.decodeResult({ ...Fixtures.webhook, url })), url).toBe(true)
    }
    const error = Webhook.decodeResult({ ...Fixtures.webhook, url: "not a url" })
    expect(Result.isFailure(error) && error.failure.message).toContain(`"not a url" is not an absolute URL`)
  })

  it("keeps a metadata key named __proto__", () => {
    const json = JSON.parse(`{"__proto__": "kept"}`)
    const decoded = getOrThrow(Webhook.decodeResult({ ...Fixtures.webhook, metadata: json }))
    expect(Object.keys(decoded.metadata!)).toEqual(["__proto__"])
    expect(Object.keys(Schema.encodeSync(Webhook.Webhook)(decoded).metadata!)).toEqual(["__proto__"])
  })

  it("decodes list pages", () => {
    const page = getOrThrow(Webhook.decodeListResult({ data: [Fixtures.webhook], hasMore: false, nextCursor: null }))
    expect(page).toBeInstanceOf(Webhook.ListWebhooksResponse)
    expect(page.data[0]!.id).toBe(Fixtures.webhook.id)
    expect(Result.isFailure(Webhook.decodeListResult({ data: [Fixtures.webhook], hasMore: true }))).toBe(true)
  })

  // Generated values of every webhook schema survive encoding, JSON text and decoding. An attempt's numbers are any
  // numbers (as in the Effect 3 line): a non-finite one does not survive JSON (it becomes null), so it must be refused.
  const nonFinite = (u: unknown): boolean =>
    typeof u === "number"
      ? !Number.isFinite(u)
      : typeof u === "object" && u !== null && Object.values(u).some(nonFinite)
  const roundTrip = <A, I>(schema: Schema.Codec<A, I>) => {
    const encode = Schema.encodeSync(schema)
    const decode = Schema.decodeUnknownResult(schema)
    return (value: A) => {
      const encoded = encode(value)
      const json = JSON.parse(JSON.stringify(encoded))
      const decoded = decode(json)
      if (nonFinite(encoded)) expect(Result.isFailure(decoded)).toBe(true)
      else expect(encode(getOrThrow(decoded))).toEqual(json)
    }
  }
  const options = { timeout: 120_000, arbitrary: { runs: 100 } }
  const webhook = roundTrip(Webhook.Webhook)
  it.prop("generated webhooks round-trip", { value: Webhook.Webhook }, ({ value }) => webhook(value), options)
  const createdWebhook = roundTrip(Webhook.CreatedWebhook)
  it.prop(
    "generated created webhooks round-trip",
    { value: Webhook.CreatedWebhook },
    ({ value }) => createdWebhook(value),
    options
  )
  const page = roundTrip(Webhook.ListWebhooksResponse)
  it.prop(
    "generated webhook pages round-trip",
    { value: Webhook.ListWebhooksResponse },
    ({ value }) => page(value),
    options
  )
  const attempt = roundTrip(WebhookAttempt.WebhookAttempt)
  it.prop(
    "generated attempts round-trip",
    { value: WebhookAttempt.WebhookAttempt },
    ({ value }) => attempt(value),
    options
  )
  const attempts = roundTrip(WebhookAttempt.ListWebhookAttemptsResponse)
  it.prop(
    "generated attempt pages round-trip",
    { value: WebhookAttempt.ListWebhookAttemptsResponse },
    ({ value }) => attempts(value),
    options
  )
})

describe("WebhookAttempt", () => {
  it("decodes an attempt and its page; encode gives the JSON back", () => {
    const page = getOrThrow(
      WebhookAttempt.decodeListResult({ data: [Fixtures.webhookAttempt], hasMore: false, nextCursor: null })
    )
    const attempt = page.data[0]!
    expect(attempt.successful).toBe(false)
    expect(attempt.responseStatusCode).toBe(503)
    expect(DateTime.isDateTime(attempt.attemptedAt)).toBe(true)
    expect(Schema.encodeSync(WebhookAttempt.WebhookAttempt)(attempt)).toEqual(Fixtures.webhookAttempt)
  })

  it("keeps an event type this version does not know as data: the whole page still decodes", () => {
    const page = {
      data: [{ ...Fixtures.webhookAttempt, eventType: "webset.item.archived" }, Fixtures.webhookAttempt],
      hasMore: false,
      nextCursor: null
    }
    const decoded = getOrThrow(WebhookAttempt.decodeListResult(page))
    expect(decoded.data.map((a) => a.eventType)).toEqual(["webset.item.archived", "webset.item.enriched"])
    expect(EventType.isUnrecognized(decoded.data[0]!.eventType)).toBe(true)
    expect(EventType.isUnrecognized(decoded.data[1]!.eventType)).toBe(false)
    expect(Schema.encodeSync(WebhookAttempt.WebhookAttempt)(decoded.data[0]!)).toEqual(page.data[0])
  })

  it("is strict about the event type and the record's shape", () => {
    for (
      const bad of [
        { ...Fixtures.webhookAttempt, eventType: "" },
        { ...Fixtures.webhookAttempt, responseStatusCode: "503" },
        { ...Fixtures.webhookAttempt, responseHeaders: { a: 1 } },
        { ...Fixtures.webhookAttempt, object: "attempt" },
        { ...Fixtures.webhookAttempt, successful: "false" }
      ]
    ) {
      expect(Result.isFailure(WebhookAttempt.decodeListResult({ data: [bad], hasMore: false, nextCursor: null }))).toBe(
        true
      )
    }
  })
})
