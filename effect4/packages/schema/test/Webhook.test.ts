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

// The webhook URL rules, as in the Effect 3 line (same rule, same reasons): `WebhookUrl` (what a create or an update
// sends) refuses what URL parsers read differently, what the WHATWG parser would silently change, and a password;
// `StoredWebhookUrl` (a webhook read from the API) stays loose, so listing webhooks never fails on a URL another
// client registered.
describe("WebhookUrl", () => {
  const strict = Schema.decodeUnknownResult(Webhook.WebhookUrl)
  const stored = Schema.decodeUnknownResult(Webhook.StoredWebhookUrl)
  const message = (result: Result.Result<unknown, { readonly message: string }>): string =>
    Result.isFailure(result) ? result.failure.message : ""

  const good = [
    "https://hooks.example.com/exa?x=1",
    "http://127.0.0.1:3000/hook",
    "http://[::1]:8080/",
    "HTTPS://Hooks.Example.com/Exa",
    "https://hooks.example.com/a@b?c=d@e#f@g",
    "https://hooks.example.com/caf%C3%A9",
    `https://e.com/${"a".repeat(2048 - "https://e.com/".length)}`
  ]

  const bad: ReadonlyArray<readonly [string, string]> = [
    ["http://127.0.0.1\\@evil.example/", "must not contain a backslash"],
    ["https://hooks.example.com\\exa", "must not contain a backslash"],
    ["https://user:pass@hooks.example.com/", "must not carry a user name or password"],
    ["https://user@hooks.example.com/", "must not carry a user name or password"],
    ["https://:@hooks.example.com/", "must not carry a user name or password"],
    ["https://@hooks.example.com/", "must not carry a user name or password"],
    ["http://evil.example@127.0.0.1/", "must not carry a user name or password"],
    ["http://exa\tmple.com/", "whitespace or control characters"],
    ["http://example.com/\nexa", "whitespace or control characters"],
    ["http://example.com/exa\r", "whitespace or control characters"],
    [" https://example.com/", "whitespace or control characters"],
    ["https://example.com/ ", "whitespace or control characters"],
    ["https://example.com/a b", "whitespace or control characters"],
    ["https://example.com/\u0000", "whitespace or control characters"],
    ["https://example.com/\u007f", "whitespace or control characters"],
    ["https://example.com/\u0085", "whitespace or control characters"],
    ["https://example.com/\u00a0", "whitespace or control characters"],
    ["https://example.com/\u2028", "whitespace or control characters"],
    ["http:example.com/exa", "must start with http:// or https://"],
    ["http:/example.com/exa", "must start with http:// or https://"],
    ["http:///example.com/exa", "must start with http:// or https://"],
    [`https://e.com/${"a".repeat(2049 - "https://e.com/".length)}`, "at most 2048 characters"],
    ["ftp://hooks.example.com/exa", "http or https, not ftp:"],
    ["not-a-url", `"not-a-url" is not an absolute URL`],
    ["/exa", "is not an absolute URL"]
  ]

  it("accepts absolute http and https URLs every parser reads alike, up to 2048 characters", () => {
    for (const url of good) {
      expect(Webhook.webhookUrlProblem(url), url).toBeUndefined()
      expect(Result.isSuccess(strict(url)), url).toBe(true)
    }
  })

  it("refuses a backslash, a user name or password, whitespace and control characters, other forms, long texts", () => {
    for (const [url, reason] of bad) {
      expect(Webhook.webhookUrlProblem(url), JSON.stringify(url)).toContain(reason)
      expect(message(strict(url)), JSON.stringify(url)).toContain(reason)
    }
    // Why: WHATWG reads a loopback host here (other parsers read evil.example), and drops a tab.
    expect(new URL("http://127.0.0.1\\@evil.example/").hostname).toBe("127.0.0.1")
    expect(new URL("http://exa\tmple.com/").href).toBe("http://example.com/")
  })

  it("never repeats a password in a reason, even in a text that is no URL", () => {
    for (
      const url of [
        "https://user:hunter2@hooks.example.com/",
        "http://user:hunter2@127.0.0.1\\@evil.example/",
        "https://user:hunter2@/",
        "https://user:hunter2@[bad/",
        "ftp://user:hunter2@hooks.example.com/"
      ]
    ) {
      expect(Webhook.webhookUrlProblem(url), url).toBeDefined()
      expect(Webhook.webhookUrlProblem(url), url).not.toContain("hunter2")
      expect(message(strict(url)), url).not.toContain("hunter2")
      expect(message(stored(url)), url).not.toContain("hunter2")
    }
  })

  it("decoding answers keeps what the API may hold from another client, and still refuses what is no URL", () => {
    for (
      const url of [
        ...good,
        "http://127.0.0.1\\@evil.example/",
        "https://user:pass@hooks.example.com/",
        "http://exa\tmple.com/",
        "http:example.com/exa"
      ]
    ) {
      expect(Result.isSuccess(stored(url)), JSON.stringify(url)).toBe(true)
      expect(getOrThrow(Webhook.decodeResult({ ...Fixtures.webhook, url })).url).toBe(url)
    }
    const loose = { ...Fixtures.webhook, url: "https://user:pass@hooks.example.com/" }
    expect(Schema.decodeUnknownSync(Webhook.Webhook)(loose).url).toBe(loose.url)
    for (const url of ["not a url", "/exa", "ftp://hooks.example.com/exa", `https://e.com/${"a".repeat(2040)}`]) {
      expect(Result.isFailure(stored(url)), url).toBe(true)
      expect(Result.isFailure(Webhook.decodeResult({ ...Fixtures.webhook, url })), url).toBe(true)
    }
  })
})
