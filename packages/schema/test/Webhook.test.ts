import { EventType, Webhook, WebhookAttempt } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as util from "node:util"
import * as Decoder from "../src/internal/decoder.js"

const created = { ...Fixtures.webhook, secret: "whsec_0123456789abcdef" }

describe("Webhook", () => {
  it("decodes a webhook: timestamps to DateTime.Utc, the secret Redacted, encode gives the JSON back", () => {
    const decoded = Either.getOrThrow(Webhook.decodeEither(created))
    expect(DateTime.isDateTime(decoded.createdAt)).toBe(true)
    assert(decoded.secret !== null)
    expect(Redacted.value(decoded.secret)).toBe("whsec_0123456789abcdef")
    expect(String(decoded.secret)).not.toContain("whsec_0123456789abcdef")
    expect(util.inspect(decoded, { depth: 5 })).not.toContain("whsec_0123456789abcdef")
    expect(Schema.encodeSync(Webhook.Webhook)(decoded)).toEqual(created)
    const withoutSecret = Either.getOrThrow(Webhook.decodeEither(Fixtures.webhook))
    expect(withoutSecret.secret).toBeNull()
    expect(Schema.encodeSync(Webhook.Webhook)(withoutSecret)).toEqual(Fixtures.webhook)
  })

  it("a created webhook must carry its secret", () => {
    const decoded = Either.getOrThrow(Webhook.decodeCreatedEither(created))
    expect(Redacted.value(decoded.secret)).toBe(created.secret)
    expect(Either.isLeft(Webhook.decodeCreatedEither(Fixtures.webhook))).toBe(true)
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
      expect(Either.isLeft(Webhook.decodeEither(bad)), JSON.stringify(bad)).toBe(true)
    }
    const extra = Either.getOrThrow(Webhook.decodeEither({ ...Fixtures.webhook, newField: 1 }))
    expect("newField" in extra).toBe(false)
    const { metadata: _, ...noMetadata } = Fixtures.webhook
    const decoded = Either.getOrThrow(Webhook.decodeEither(noMetadata))
    expect("metadata" in decoded).toBe(false)
    expect(Schema.encodeSync(Webhook.Webhook)(decoded)).toEqual(noMetadata)
  })

  it("keeps a subscription to an event type this version does not know as data: listing webhooks still works", () => {
    const future = { ...Fixtures.webhook, events: ["webset.item.archived", "webset.idle"] }
    const page = Either.getOrThrow(
      Webhook.decodeListEither({ data: [future, Fixtures.webhook], hasMore: false, nextCursor: null })
    )
    expect(page.data[0]!.events).toEqual(["webset.item.archived", "webset.idle"])
    expect(page.data[0]!.events.filter(EventType.isUnrecognized)).toEqual(["webset.item.archived"])
    expect(Schema.encodeSync(Webhook.Webhook)(page.data[0]!)).toEqual(future)
    // The fast decoder and Effect Schema agree.
    expect(Schema.decodeUnknownSync(Webhook.Webhook)(future).events).toEqual(future.events)
    expect(Either.isLeft(Schema.decodeUnknownEither(EventType.UnrecognizedEventType)("webset.idle"))).toBe(true)
  })

  it("url: an absolute http or https URL of at most 2048 characters", () => {
    for (
      const url of [
        "https://hooks.example.com/exa?x=1",
        "http://127.0.0.1:3000/hook",
        `https://e.com/${"a".repeat(2000)}`
      ]
    ) {
      expect(Either.isRight(Webhook.decodeEither({ ...Fixtures.webhook, url })), url).toBe(true)
    }
    const error = Webhook.decodeEither({ ...Fixtures.webhook, url: "not a url" })
    expect(Either.isLeft(error) && String(error.left)).toContain(`"not a url" is not an absolute URL`)
  })

  it("keeps a metadata key named __proto__", () => {
    const json = JSON.parse(`{"__proto__": "kept"}`)
    const decoded = Either.getOrThrow(Webhook.decodeEither({ ...Fixtures.webhook, metadata: json }))
    expect(Object.keys(decoded.metadata!)).toEqual(["__proto__"])
    expect(Object.keys(Schema.encodeSync(Webhook.Webhook)(decoded).metadata!)).toEqual(["__proto__"])
  })

  it("decodes list pages", () => {
    const page = Either.getOrThrow(
      Webhook.decodeListEither({ data: [Fixtures.webhook], hasMore: false, nextCursor: null })
    )
    expect(page).toBeInstanceOf(Webhook.ListWebhooksResponse)
    expect(page.data[0]!.id).toBe(Fixtures.webhook.id)
    expect(Either.isLeft(Webhook.decodeListEither({ data: [Fixtures.webhook], hasMore: true }))).toBe(true)
  })

  it("the fast path agrees with Effect Schema on generated webhooks, attempts and pages", { timeout: 120_000 }, () => {
    for (
      const schema of [
        Webhook.Webhook,
        Webhook.CreatedWebhook,
        Webhook.ListWebhooksResponse,
        WebhookAttempt.WebhookAttempt,
        WebhookAttempt.ListWebhookAttemptsResponse
      ] as ReadonlyArray<Schema.Schema<any, any>>
    ) {
      expect(Decoder.isCompiled(schema)).toBe(true)
      const encode = Schema.encodeSync(schema)
      const slow = Schema.decodeUnknownEither(schema)
      const fast = Decoder.make(schema)
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(schema), (value) => {
          const json = JSON.parse(JSON.stringify(encode(value)))
          const expected = slow(json)
          const actual = fast.either(json)
          // Both accept or both refuse (a generated number may be non-finite, which JSON turns into null).
          expect(Either.isRight(actual)).toBe(Either.isRight(expected))
          if (Either.isRight(expected) && Either.isRight(actual)) {
            expect(encode(actual.right)).toEqual(encode(expected.right))
          }
        }),
        { numRuns: 100 }
      )
    }
  })
})

describe("WebhookAttempt", () => {
  it("decodes an attempt and its page; encode gives the JSON back", () => {
    const page = Either.getOrThrow(
      WebhookAttempt.decodeListEither({ data: [Fixtures.webhookAttempt], hasMore: false, nextCursor: null })
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
    const decoded = Either.getOrThrow(WebhookAttempt.decodeListEither(page))
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
      expect(Either.isLeft(WebhookAttempt.decodeListEither({ data: [bad], hasMore: false, nextCursor: null }))).toBe(
        true
      )
    }
  })
})
