/**
 * Webhooks: where Exa pushes events (`/websets/v0/webhooks`).
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { AnyEventType } from "./EventType.js"
import { registerClass } from "./internal/compile.js"
import * as Decoder from "./internal/decoder.js"
import { Metadata } from "./Metadata.js"
import { Timestamp } from "./Timestamp.js"

/**
 * `active` (events are delivered) or `inactive`. A new webhook starts `active`; the API has no way to change it
 * (Exa does, for reasons it does not document).
 *
 * @since 0.2.0
 * @category schemas
 */
export const WebhookStatus: Schema.Literals<readonly ["active", "inactive"]> = Schema.Literals(["active", "inactive"])

/**
 * The type the `WebhookStatus` schema decodes to.
 *
 * @since 0.2.0
 * @category models
 */
export type WebhookStatus = typeof WebhookStatus.Type

/**
 * The event types a webhook is subscribed to: at least one. Each is one of the 19 this version knows, or a type the
 * API added since, kept as an `UnrecognizedEventType` (so that listing webhooks keeps working when the API grows;
 * `EventType.isUnrecognized` tells them apart).
 *
 * @since 0.2.0
 * @category schemas
 */
export const WebhookEvents: Schema.$Array<typeof AnyEventType> = Schema.Array(AnyEventType).check(
  Schema.isMinLength(1)
).annotate({ identifier: "WebhookEvents" })

// The longest webhook URL either check accepts.
const maxUrlLength = 2048

const parse = (text: string): URL | undefined => {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

// The text for a message: at most 100 characters, with anything between `//` and an `@` before the path masked (a
// text that is no URL may still hold a password).
const quoted = (text: string): string => JSON.stringify(text.slice(0, 100).replace(/^([^:/?#]*:\/\/)[^/?#]*@/, "$1…@"))

// What the API may hold and return (a URL someone else registered, through another client): read as the WHATWG URL
// parser reads it, http or https, at most 2048 characters. Nothing stricter, or listing webhooks would fail on data
// this client did not create.
const storedUrlProblem = (text: string): string | undefined => {
  if (text.length > maxUrlLength) return `a webhook URL has at most ${maxUrlLength} characters`
  const url = parse(text)
  if (url === undefined) return `${quoted(text)} is not an absolute URL`
  return url.protocol === "http:" || url.protocol === "https:"
    ? undefined
    : `a webhook URL is http or https, not ${url.protocol}`
}

// Whitespace and control characters: the WHATWG parser drops tabs and newlines anywhere and C0 controls and spaces
// around the text, and percent-encodes the rest, so the URL registered would not be the text given.
const unsafeCharacter = /[\u0000-\u0020\u007f-\u009f\s]/

/**
 * Why a text is not a {@link WebhookUrl}, or `undefined` when it is one. The reasons never repeat a user name or a
 * password found in the text.
 *
 * @since 0.3.0
 * @category validation
 */
export const webhookUrlProblem = (text: string): string | undefined => {
  if (text.length > maxUrlLength) return `a webhook URL has at most ${maxUrlLength} characters`
  if (unsafeCharacter.test(text)) {
    return "a webhook URL must not contain whitespace or control characters (a URL parser drops or changes them)"
  }
  // WHATWG reads `http://127.0.0.1\@evil.example/` as host 127.0.0.1, other parsers as evil.example.
  if (text.includes("\\")) return "a webhook URL must not contain a backslash (URL parsers disagree on its host)"
  const problem = storedUrlProblem(text)
  if (problem !== undefined) return problem
  // `http:host`, `http:/host` and `http:///host` parse as `http://host/` in WHATWG only: require the usual form.
  const authority = /^https?:\/\/([^/?#]*)/i.exec(text)?.[1]
  if (authority === undefined || authority === "") {
    return "a webhook URL must start with http:// or https:// followed by the host"
  }
  if (authority.includes("@")) {
    return "a webhook URL must not carry a user name or password (`user:password@` before the host)"
  }
  return undefined
}

// Random strings are almost never URLs: generated values follow this pattern instead.
const urlPattern: Schema.Annotations.Filter = {
  arbitraryConstraint: { patterns: [{ source: "^https://[a-z]{1,12}\\.example\\.com/[a-z0-9]{0,16}$", flags: "" }] }
}

/**
 * Where a webhook's events are to be POSTed, as a create or an update sends it: an absolute `http` or `https` URL of
 * at most 2,048 characters, written `http://host…` or `https://host…`, that every URL parser reads the same way: no
 * backslash, no whitespace or control characters (the WHATWG parser would drop or change them), no user name or
 * password (the messages never repeat one). {@link webhookUrlProblem} says why a text is refused.
 *
 * A webhook read from the API is checked by the looser {@link StoredWebhookUrl}: the API may hold a URL another
 * client registered, and listing webhooks must not fail on it.
 *
 * @since 0.3.0
 * @category schemas
 */
export const WebhookUrl: Schema.String = Schema.String.check(
  Schema.makeFilter((text: string) => webhookUrlProblem(text) ?? true, urlPattern)
).annotate({ identifier: "WebhookUrl" })

/**
 * A webhook's `url` as the API returns it: an absolute `http` or `https` URL, as the WHATWG URL parser (`new URL`)
 * reads it, of at most 2,048 characters. The text is kept as the API sent it. Looser than {@link WebhookUrl} on
 * purpose (a backslash, whitespace or a user name are kept): the API may hold a URL another client registered, and
 * a stricter decode would make `listWebhooks` fail on data this client did not create.
 *
 * @since 0.3.0
 * @category schemas
 */
export const StoredWebhookUrl: Schema.String = Schema.String.check(
  Schema.makeFilter((text: string) => storedUrlProblem(text) ?? true, urlPattern)
).annotate({ identifier: "StoredWebhookUrl" })

const fields = {
  id: Schema.String,
  object: Schema.Literal("webhook"),
  status: WebhookStatus,
  events: WebhookEvents,
  /** Where events are POSTed: see {@link StoredWebhookUrl}. */
  url: StoredWebhookUrl,
  /** The signing secret: only the response to `POST /v0/webhooks` carries it; `null` everywhere else. */
  secret: Schema.NullOr(Schema.RedactedFromValue(Schema.String)),
  metadata: Schema.optionalKey(Metadata),
  createdAt: Timestamp,
  updatedAt: Timestamp
}

const Webhook_ = Schema.Struct(fields)

/**
 * A webhook. Its `secret` is `null` except in the response that created it (see {@link CreatedWebhook}); once
 * decoded, a secret is `Redacted`, so it does not show in logs or errors.
 *
 * @since 0.2.0
 * @category models
 */
export interface Webhook extends Schema.Schema.Type<typeof Webhook_> {}

/**
 * The JSON form of a {@link Webhook}.
 *
 * @since 0.2.0
 * @category models
 */
export interface WebhookEncoded extends Schema.Codec.Encoded<typeof Webhook_> {}

/**
 * The webhook schema.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Webhook: Schema.Codec<Webhook, WebhookEncoded> = Webhook_.annotate({ identifier: "Webhook" })

const CreatedWebhook_ = Schema.Struct({ ...fields, secret: Schema.RedactedFromValue(Schema.String) })

/**
 * A webhook as `POST /v0/webhooks` returns it: with its signing secret, which the API never shows again. Store it
 * then (a secret manager, an environment variable): without it, deliveries cannot be verified.
 *
 * @since 0.2.0
 * @category models
 */
export interface CreatedWebhook extends Schema.Schema.Type<typeof CreatedWebhook_> {}

/**
 * The JSON form of a {@link CreatedWebhook}.
 *
 * @since 0.2.0
 * @category models
 */
export interface CreatedWebhookEncoded extends Schema.Codec.Encoded<typeof CreatedWebhook_> {}

/**
 * The schema of a created webhook: a {@link Webhook} whose `secret` must be present.
 *
 * @since 0.2.0
 * @category schemas
 */
export const CreatedWebhook: Schema.Codec<CreatedWebhook, CreatedWebhookEncoded> = CreatedWebhook_.annotate({
  identifier: "CreatedWebhook"
})

/**
 * One page of `GET /v0/webhooks`.
 *
 * @since 0.2.0
 * @category models
 */
export class ListWebhooksResponse extends Schema.Class<ListWebhooksResponse>("ListWebhooksResponse")({
  data: Schema.Array(Webhook),
  hasMore: Schema.Boolean,
  nextCursor: Schema.NullOr(Schema.String)
}) {}

// No constructor, field or accessor of its own: the compiled decoder may build its instances.
registerClass(ListWebhooksResponse)

const webhook = Decoder.make(Webhook)
const created = Decoder.make(CreatedWebhook)
const page = Decoder.make(ListWebhooksResponse)

/**
 * Decodes parsed JSON into a {@link Webhook}, as `Schema.decodeUnknownResult(Webhook)` does, without throwing on any input.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<Webhook, Schema.SchemaError> = webhook.result

/**
 * Decodes parsed JSON into a {@link Webhook}, as an `Effect`.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode: (u: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<Webhook, Schema.SchemaError> =
  webhook.effect

/**
 * Decodes parsed JSON into a {@link CreatedWebhook}.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeCreatedResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<CreatedWebhook, Schema.SchemaError> = created.result

/**
 * Decodes parsed JSON into a {@link ListWebhooksResponse}.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeListResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<ListWebhooksResponse, Schema.SchemaError> = page.result
