/**
 * The webhook URL rules: `WebhookUrl` (what a create or an update sends) refuses every text that URL parsers read
 * differently, or that the WHATWG parser would silently change, or that carries a password; `StoredWebhookUrl` (what
 * a webhook read from the API holds) stays as loose as before, so listing webhooks never fails on a URL another
 * client registered.
 */
import { Webhook } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const strict = Schema.decodeUnknownEither(Webhook.WebhookUrl)
const stored = Schema.decodeUnknownEither(Webhook.StoredWebhookUrl)
const message = (result: Either.Either<unknown, unknown>): string => Either.isLeft(result) ? String(result.left) : ""

const good = [
  "https://hooks.example.com/exa?x=1",
  "http://127.0.0.1:3000/hook",
  "http://[::1]:8080/",
  "HTTPS://Hooks.Example.com/Exa",
  "https://hooks.example.com/a@b?c=d@e#f@g",
  "https://hooks.example.com/caf%C3%A9",
  `https://e.com/${"a".repeat(2048 - "https://e.com/".length)}`
]

// Each text and the reason it is refused.
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

describe("WebhookUrl (what create and update send)", () => {
  it("accepts absolute http and https URLs every parser reads alike, up to 2048 characters", () => {
    for (const url of good) {
      expect(Webhook.webhookUrlProblem(url), url).toBeUndefined()
      expect(Either.isRight(strict(url)), url).toBe(true)
    }
  })

  it("refuses a backslash, a user name or password, whitespace and control characters, other forms, long texts", () => {
    for (const [url, reason] of bad) {
      expect(Webhook.webhookUrlProblem(url), JSON.stringify(url)).toContain(reason)
      expect(message(strict(url)), JSON.stringify(url)).toContain(reason)
    }
  })

  it("reads the backslash URL as the WHATWG parser does: a loopback host a check on hostname alone would allow", () => {
    // Why the backslash is refused rather than left to the parser: WHATWG's host is not what other parsers read.
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
      const reason = Webhook.webhookUrlProblem(url)
      expect(reason, url).toBeDefined()
      expect(reason, url).not.toContain("hunter2")
      expect(message(strict(url)), url).not.toContain("hunter2")
      expect(message(stored(url)), url).not.toContain("hunter2")
    }
  })

  it("generates only URLs it accepts", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Webhook.WebhookUrl), (url) => Webhook.webhookUrlProblem(url) === undefined),
      { numRuns: 200 }
    )
  })
})

describe("StoredWebhookUrl (what a webhook read from the API holds)", () => {
  it("keeps what the API may hold from another client: decoding answers stays as loose as before", () => {
    for (
      const url of [
        ...good,
        "http://127.0.0.1\\@evil.example/",
        "https://user:pass@hooks.example.com/",
        "http://exa\tmple.com/",
        "http:example.com/exa"
      ]
    ) {
      expect(Either.isRight(stored(url)), JSON.stringify(url)).toBe(true)
      const decoded = Either.getOrThrow(Webhook.decodeEither({ ...Fixtures.webhook, url }))
      expect(decoded.url).toBe(url)
    }
    // The fast decoder and Effect Schema agree on a loose URL.
    const loose = { ...Fixtures.webhook, url: "https://user:pass@hooks.example.com/" }
    expect(Schema.decodeUnknownSync(Webhook.Webhook)(loose).url).toBe(loose.url)
    expect(Either.isRight(Webhook.decodeListEither({ data: [loose], hasMore: false, nextCursor: null }))).toBe(true)
  })

  it("still refuses what is no http or https URL, or longer than 2048 characters", () => {
    for (const url of ["not a url", "/exa", "ftp://hooks.example.com/exa", `https://e.com/${"a".repeat(2040)}`]) {
      expect(Either.isLeft(stored(url)), url).toBe(true)
      expect(Either.isLeft(Webhook.decodeEither({ ...Fixtures.webhook, url })), url).toBe(true)
    }
  })
})
