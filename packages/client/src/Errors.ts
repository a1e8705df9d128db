/**
 * Every way a request to the Events API can fail, as tagged errors.
 *
 * No `@effect/platform` error, `ParseError` or `TimeoutException` escapes the client: each outcome is one of
 * these, and none of them ever holds the API key.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const requestId = Schema.optionalWith(Schema.String, { exact: true })

/**
 * The event does not exist (HTTP 404 from `GET /websets/v0/events/{id}`).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@effect-exa/client/NotFound")("NotFound", {
  /** The id that was asked for. */
  id: Schema.String,
  requestId
}) {
  override get message(): string {
    return `Event ${JSON.stringify(this.id)} not found`
  }
}

/**
 * The API key is missing, invalid, or not allowed to read events (HTTP 401 or 403).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@effect-exa/client/Unauthorized")(
  "Unauthorized",
  {
    status: Schema.Literal(401, 403),
    /** The API's own message, when its body had one. */
    apiMessage: Schema.String,
    /** The API's error code (`INVALID_API_KEY`, `ACCESS_DENIED`, …), when given. */
    code: Schema.optionalWith(Schema.String, { exact: true }),
    requestId
  }
) {
  override get message(): string {
    return `Unauthorized (${this.status}): ${this.apiMessage}`
  }
}

/**
 * A successful response whose body is not valid JSON or does not match the schema. The raw body is kept, so
 * nothing the server sent is lost.
 *
 * @since 0.1.0
 * @category errors
 */
export class Decode extends Schema.TaggedError<Decode>("@effect-exa/client/Decode")("Decode", {
  /** What was wrong, readably (for a schema mismatch, the path and the expectation). */
  reason: Schema.String,
  /** The response body (or webhook delivery body), exactly as received. */
  body: Schema.String,
  /** The HTTP status of the response; absent for a webhook delivery. */
  status: Schema.optionalWith(Schema.Number, { exact: true }),
  requestId
}) {
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
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@effect-exa/client/RateLimited")("RateLimited", {
  retryAfter: Schema.optionalWith(Schema.DurationFromSelf, { exact: true }),
  apiMessage: Schema.String,
  requestId
}) {
  override get message(): string {
    return `Rate limited: ${this.apiMessage}`
  }
}

/**
 * Any other non-2xx response: 400, 402, 409, 422, 5xx, a 404 from the list endpoint, a proxy's error page….
 * 408, 409 and 5xx are worth retrying (see `Retry.isRetryable`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiError extends Schema.TaggedError<ApiError>("@effect-exa/client/ApiError")("ApiError", {
  status: Schema.Number,
  /** The API's message, or a short snippet of a body that was not JSON. */
  apiMessage: Schema.String,
  code: Schema.optionalWith(Schema.String, { exact: true }),
  /** The delay the server asked for with `Retry-After` (some 503s carry one). */
  retryAfter: Schema.optionalWith(Schema.DurationFromSelf, { exact: true }),
  requestId
}) {
  override get message(): string {
    return `Exa API error ${this.status}: ${this.apiMessage}`
  }
}

/**
 * The request did not complete: connection refused or reset, DNS failure, the body cut off mid-read.
 *
 * @since 0.1.0
 * @category errors
 */
export class Transport extends Schema.TaggedError<Transport>("@effect-exa/client/Transport")("Transport", {
  /** What failed, without the request's headers. */
  description: Schema.String,
  cause: Schema.optionalWith(Schema.Defect, { exact: true })
}) {
  override get message(): string {
    return `Transport error: ${this.description}`
  }
}

/**
 * One attempt took longer than the client's `timeout`; the request was aborted.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@effect-exa/client/Timeout")("Timeout", {
  timeout: Schema.DurationFromSelf
}) {
  override get message(): string {
    return `The request timed out after ${this.timeout.toString()}`
  }
}

/**
 * The call's own arguments are invalid (an empty id, a `limit` outside 1..200, …); no request was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@effect-exa/client/InvalidRequest")(
  "InvalidRequest",
  { reason: Schema.String }
) {
  override get message(): string {
    return `Invalid request: ${this.reason}`
  }
}

/**
 * What `getEvent` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type GetEventError = NotFound | Unauthorized | Decode | RateLimited | ApiError | Transport | Timeout | InvalidRequest

/**
 * What `listEvents` and `streamEvents` can fail with (a 404 there is an `ApiError`: the list always exists).
 *
 * @since 0.1.0
 * @category errors
 */
export type ListEventsError = Unauthorized | Decode | RateLimited | ApiError | Transport | Timeout | InvalidRequest

/**
 * Any error of this client.
 *
 * @since 0.1.0
 * @category errors
 */
export type EventsError = GetEventError

/**
 * The schema of any error of this client, for sending errors across a wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventsError: Schema.Union<[
  typeof NotFound,
  typeof Unauthorized,
  typeof Decode,
  typeof RateLimited,
  typeof ApiError,
  typeof Transport,
  typeof Timeout,
  typeof InvalidRequest
]> = Schema.Union(NotFound, Unauthorized, Decode, RateLimited, ApiError, Transport, Timeout, InvalidRequest)

const classes = [NotFound, Unauthorized, Decode, RateLimited, ApiError, Transport, Timeout, InvalidRequest] as const

/**
 * Whether a value is an error of this client.
 *
 * @since 0.1.0
 * @category guards
 */
export const isEventsError = (u: unknown): u is EventsError => classes.some((error) => u instanceof error)
