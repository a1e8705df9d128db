/**
 * Every way a request to the Exa API can fail, as tagged errors.
 *
 * No `effect/http` error, `SchemaError` or timeout exception escapes the client: each outcome is one of these, and
 * none of them ever holds the API key. The tags, fields and union names are those of the Effect 3 line.
 *
 * @since 1.0.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The mark every error of this package carries. It is a registered symbol, so `isExaError` recognises errors made
 * by another copy of the package (two installed versions), where `instanceof` would not.
 *
 * @since 1.0.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-exa/client/Error") as any

/**
 * The type of `TypeId`.
 *
 * @since 1.0.0
 * @category type ids
 */
export type TypeId = typeof TypeId

const requestId = Schema.optionalKey(Schema.String)

const capitalized = (resource: string): string =>
  resource.length === 0 ? resource : resource[0]!.toUpperCase() + resource.slice(1)

/**
 * The resource asked for does not exist (HTTP 404 from an endpoint that names one: `GET /websets/v0/events/{id}`,
 * a webhook, …). `resource` says which kind (`"event"` unless stated), `id` which one.
 *
 * @since 1.0.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@effect-exa/client/NotFound")("NotFound", {
  /** The kind of resource: `"event"`, `"webhook"`, …. Defaults to `"event"`. */
  resource: Schema.String.pipe(Schema.withConstructorDefault(Effect.succeed("event"))),
  /** The id that was asked for. */
  id: Schema.String,
  requestId
}) {
  // The package's mark, on the prototype: no instance carries an extra own property (so `JSON.stringify` and `Equal`
  // see only the fields).
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `${capitalized(this.resource)} ${JSON.stringify(this.id)} not found`
  }
}

/**
 * The API key is missing, invalid, or not allowed to read events (HTTP 401 or 403).
 *
 * @since 1.0.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@effect-exa/client/Unauthorized")(
  "Unauthorized",
  {
    status: Schema.Literals([401, 403]),
    /** The API's own message, when its body had one. */
    apiMessage: Schema.String,
    /** The API's error code (`INVALID_API_KEY`, `ACCESS_DENIED`, …), when given. */
    code: Schema.optionalKey(Schema.String),
    requestId
  }
) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `Unauthorized (${this.status}): ${this.apiMessage}`
  }
}

/**
 * A successful response whose body is not valid JSON or does not match the schema. The raw body is kept, so
 * nothing the server sent is lost.
 *
 * @since 1.0.0
 * @category errors
 */
export class Decode extends Schema.TaggedError<Decode>("@effect-exa/client/Decode")("Decode", {
  /** What was wrong, readably (for a schema mismatch, the path and the expectation). */
  reason: Schema.String,
  /** The response body (or webhook delivery body), exactly as received (as text). */
  body: Schema.String,
  /** The raw bytes, when they are not UTF-8 text (a webhook delivery): `body` then holds a lossy rendering. */
  bytes: Schema.optionalKey(Schema.Uint8Array),
  /** The HTTP status of the response; absent for a webhook delivery. */
  status: Schema.optionalKey(Schema.Number),
  requestId
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return this.status === undefined
      ? `Could not decode the delivery: ${this.reason}`
      : `Could not decode the response (status ${this.status}): ${this.reason}`
  }
}

/**
 * Too many requests (HTTP 429). `retryAfter` is the delay the server asked for (`Retry-After` or
 * `retry-after-ms`), when it gave one.
 *
 * @since 1.0.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@effect-exa/client/RateLimited")("RateLimited", {
  retryAfter: Schema.optionalKey(Schema.Duration),
  apiMessage: Schema.String,
  requestId
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `Rate limited: ${this.apiMessage}`
  }
}

/**
 * Any other non-2xx response: 400, 402, 409, 422, 5xx, a 404 from the list endpoint, a proxy's error page….
 * 408, 409 and 5xx are worth retrying (see `Retry.isRetryable`).
 *
 * @since 1.0.0
 * @category errors
 */
export class ApiError extends Schema.TaggedError<ApiError>("@effect-exa/client/ApiError")("ApiError", {
  status: Schema.Number,
  /** The API's message, or a short snippet of a body that was not JSON. */
  apiMessage: Schema.String,
  code: Schema.optionalKey(Schema.String),
  /** The delay the server asked for with `Retry-After` (some 503s carry one). */
  retryAfter: Schema.optionalKey(Schema.Duration),
  requestId
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `Exa API error ${this.status}: ${this.apiMessage}`
  }
}

/**
 * The request did not complete: connection refused or reset, DNS failure, a TLS certificate rejected, the body cut
 * off mid-read, or a transport that was already closed. `description` says which, naming the host and port.
 *
 * @since 1.0.0
 * @category errors
 */
export class Transport extends Schema.TaggedError<Transport>("@effect-exa/client/Transport")("Transport", {
  /** What failed, readably (`connection refused by api.exa.ai:443`), without the request's headers. */
  description: Schema.String,
  /** The underlying error's code when it had one (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, …). */
  code: Schema.optionalKey(Schema.String),
  /** A copy of the underlying error (name, message, code): never the request it belonged to. */
  cause: Schema.optionalKey(Schema.Defect())
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `Transport error: ${this.description}`
  }
}

/**
 * The server answered with a redirect (3xx), or a redirect-following `HttpClient` (say, `HttpClient.followRedirects`
 * in `transformClient`) tried to leave the API's origin. The client never follows a redirect to another origin, so
 * the API key is never sent there and nothing from there is taken as an answer.
 *
 * @since 1.0.0
 * @category errors
 */
export class Redirected extends Schema.TaggedError<Redirected>("@effect-exa/client/Redirected")("Redirected", {
  /** The redirect's status; absent when a redirect-following client was stopped before leaving the origin. */
  status: Schema.optionalKey(Schema.Number),
  /** Where the server pointed (its `Location`), when known. */
  location: Schema.optionalKey(Schema.String),
  requestId
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    const where = this.location === undefined ? "elsewhere" : `to ${this.location}`
    return this.status === undefined
      ? `The request was redirected ${where}, outside the API's origin; it was not sent there`
      : `The server redirected (${this.status}) ${where}; redirects are not followed`
  }
}

/**
 * The response body is larger than the client's `maxResponseSize` (a `content-length` over it, refused before
 * reading, or a body, compressed or not, that grew past it, cut off).
 *
 * @since 1.0.0
 * @category errors
 */
export class ResponseTooLarge extends Schema.TaggedError<ResponseTooLarge>("@effect-exa/client/ResponseTooLarge")(
  "ResponseTooLarge",
  {
    /** The limit, in bytes. */
    limit: Schema.Number,
    /** The HTTP status of the response. */
    status: Schema.Number,
    /** The size the server announced, when it did. */
    contentLength: Schema.optionalKey(Schema.Number),
    requestId
  }
) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return this.contentLength === undefined
      ? `The response body (status ${this.status}) grew past the limit of ${this.limit} bytes and was cut off`
      : `The response body (status ${this.status}) is ${this.contentLength} bytes, over the limit of ${this.limit}`
  }
}

/**
 * The server broke the API's own contract in a way no retry fixes: a page that says `hasMore` with no
 * `nextCursor`, or a `nextCursor` that was already followed (which would page forever). The stream ends with it.
 *
 * @since 1.0.0
 * @category errors
 */
export class ServerFault extends Schema.TaggedError<ServerFault>("@effect-exa/client/ServerFault")("ServerFault", {
  /** What was wrong. */
  reason: Schema.String,
  requestId
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `The server broke the API contract: ${this.reason}`
  }
}

/**
 * One attempt took longer than the client's `timeout`; the request was aborted.
 *
 * @since 1.0.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@effect-exa/client/Timeout")("Timeout", {
  timeout: Schema.Duration
}) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `The request timed out after ${Duration.format(this.timeout)}`
  }
}

/**
 * The call's own arguments are invalid (an empty id, a `limit` outside 1..200, …); no request was sent.
 *
 * @since 1.0.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@effect-exa/client/InvalidRequest")(
  "InvalidRequest",
  { reason: Schema.String }
) {
  /** @internal */
  get [TypeId](): TypeId {
    return TypeId
  }
  override get message(): string {
    return `Invalid request: ${this.reason}`
  }
}

/**
 * What every request can fail with, whatever the endpoint.
 *
 * @since 1.0.0
 * @category errors
 */
export type RequestError =
  | Unauthorized
  | Decode
  | RateLimited
  | ApiError
  | Redirected
  | ResponseTooLarge
  | Transport
  | Timeout
  | InvalidRequest

/**
 * What `getEvent` can fail with.
 *
 * @since 1.0.0
 * @category errors
 */
export type GetEventError = NotFound | RequestError

/**
 * What `listEvents` can fail with (a 404 there is an `ApiError`: the list always exists).
 *
 * @since 1.0.0
 * @category errors
 */
export type ListEventsError = RequestError

/**
 * What `streamEvents` can fail with: what `listEvents` can, and `ServerFault` for a page chain that would never end.
 *
 * @since 1.0.0
 * @category errors
 */
export type StreamEventsError = RequestError | ServerFault

/**
 * The errors of `WebhooksClient.createWebhook`.
 *
 * @since 1.0.0
 * @category errors
 */
export type CreateWebhookError = RequestError

/**
 * The errors of `WebhooksClient.getWebhook`: `NotFound` (resource `"webhook"`) or a request error.
 *
 * @since 1.0.0
 * @category errors
 */
export type GetWebhookError = NotFound | RequestError

/**
 * The errors of `WebhooksClient.updateWebhook`.
 *
 * @since 1.0.0
 * @category errors
 */
export type UpdateWebhookError = NotFound | RequestError

/**
 * The errors of `WebhooksClient.deleteWebhook`.
 *
 * @since 1.0.0
 * @category errors
 */
export type DeleteWebhookError = NotFound | RequestError

/**
 * The errors of `WebhooksClient.listWebhooks`.
 *
 * @since 1.0.0
 * @category errors
 */
export type ListWebhooksError = RequestError

/**
 * The errors of `WebhooksClient.streamWebhooks`.
 *
 * @since 1.0.0
 * @category errors
 */
export type StreamWebhooksError = RequestError | ServerFault

/**
 * The errors of `WebhooksClient.listAttempts`: `NotFound` when the webhook does not exist.
 *
 * @since 1.0.0
 * @category errors
 */
export type ListAttemptsError = NotFound | RequestError

/**
 * The errors of `WebhooksClient.streamAttempts`.
 *
 * @since 1.0.0
 * @category errors
 */
export type StreamAttemptsError = NotFound | RequestError | ServerFault

/**
 * The errors of `WebhooksClient.failedDeliveries`: `NotFound` for the webhook, or for an event the API no longer
 * has (older than its 60-day retention).
 *
 * @since 1.0.0
 * @category errors
 */
export type FailedDeliveriesError = NotFound | RequestError | ServerFault

/**
 * Any error of a call of the API, whatever its endpoint or resource.
 *
 * @since 1.0.0
 * @category errors
 */
export type ExaError = NotFound | RequestError | ServerFault

/**
 * The schema of any error of a call of the API, for sending errors across a wire.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ExaError: Schema.Union<
  readonly [
    typeof NotFound,
    typeof Unauthorized,
    typeof Decode,
    typeof RateLimited,
    typeof ApiError,
    typeof Redirected,
    typeof ResponseTooLarge,
    typeof ServerFault,
    typeof Transport,
    typeof Timeout,
    typeof InvalidRequest
  ]
> = Schema.Union([
  NotFound,
  Unauthorized,
  Decode,
  RateLimited,
  ApiError,
  Redirected,
  ResponseTooLarge,
  ServerFault,
  Transport,
  Timeout,
  InvalidRequest
])

const tags: ReadonlySet<string> = new Set([
  "NotFound",
  "Unauthorized",
  "Decode",
  "RateLimited",
  "ApiError",
  "Redirected",
  "ResponseTooLarge",
  "ServerFault",
  "Transport",
  "Timeout",
  "InvalidRequest"
])

/**
 * Whether a value is an error of a call of the API. It works across copies of the package: it checks the package's
 * mark and the tag, not `instanceof`.
 *
 * @since 1.0.0
 * @category guards
 */
export const isExaError = (u: unknown): u is ExaError =>
  Predicate.hasProperty(u, TypeId) && Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag)
