/**
 * The `EventsClient` service: `getEvent`, `listEvents` and `streamEvents` over any `HttpClient`.
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as EventType from "@effect-exa/schema/EventType"
import * as ListEventsResponse from "@effect-exa/schema/ListEventsResponse"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import * as Errors from "./Errors.js"
import { parseErrorBody, retryAfter } from "./internal/response.js"
import { decodeJsonText, describeEventFailure, describePageFailure } from "./internal/body.js"
import { directTransport, type Reply, TimeoutExceeded } from "./internal/transport.js"
import { traced } from "./internal/span.js"
import { liveClock, timeoutFail } from "./internal/timeout.js"
import { version } from "./internal/version.js"
import * as Retry from "./Retry.js"

/**
 * Parameters of `listEvents`: one page of events, newest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListEventsParams {
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined
  /** Events per page, 1 to 200 (the API's default is 25). */
  readonly limit?: number | undefined
  /** Only events of these types. */
  readonly types?: ReadonlyArray<EventType.EventType> | undefined
  /** Only events created at or before this instant (a `DateTime`, a `Date`, or an RFC 3339 string). */
  readonly createdBefore?: DateTime.DateTime | Date | string | undefined
  /** Only events created at or after this instant. */
  readonly createdAfter?: DateTime.DateTime | Date | string | undefined
}

/**
 * The service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Fetches one event by id. */
  readonly getEvent: (id: string) => Effect.Effect<Event.Event, Errors.GetEventError>
  /** Fetches one page of events. */
  readonly listEvents: (
    params?: ListEventsParams
  ) => Effect.Effect<ListEventsResponse.ListEventsResponse, Errors.ListEventsError>
  /**
   * Every event matching the filters, page after page, fetched lazily as the stream is pulled: one page in memory
   * at a time, each page request retried by the client's policy. Starts at `params.cursor` when given.
   */
  readonly streamEvents: (params?: ListEventsParams) => Stream.Stream<Event.Event, Errors.ListEventsError>
}

/**
 * The `EventsClient` service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class EventsClient extends Context.Tag("@effect-exa/client/EventsClient")<EventsClient, Service>() {}

/**
 * How to reach the API.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The Exa API key, sent as `x-api-key`. */
  readonly apiKey: Redacted.Redacted<string>
  /** Default `https://api.exa.ai`. Requests go to `{baseUrl}/websets/v0/events…`. */
  readonly baseUrl?: string | undefined
  /** The longest one attempt may take; it is aborted then and fails with `Timeout`. Default 30 seconds; `Infinity` for none. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The retry policy (see `Retry`). Default `Retry.schedule()`: 2 retries of what is safe to retry. */
  readonly retry?: Retry.Policy | undefined
  /** Adjusts the `HttpClient` the requests go through (tracing, proxies, extra headers, …). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * Also trace each HTTP request with `@effect/platform`'s client span, and send `traceparent`/`b3` headers.
   * Default false: the client's own `EventsClient.*` span already carries the status code and request id, and the
   * platform span (with its header attributes and propagation) costs about a quarter of a loopback round trip.
   */
  readonly httpSpans?: boolean | undefined
}

/**
 * The default API origin.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.exa.ai"

/**
 * The default per-attempt timeout.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

// Ids are opaque: every character that could change the route (`/`, `?`, `#`, `%`) is percent-encoded. An id of
// `.` or `..` cannot be sent at all: URL parsers resolve those segments (even as `%2E%2E`) into a parent path.
const dotSegment = (id: string): boolean => id === "." || id === ".."

const invalid = (reason: string) => Effect.fail(new Errors.InvalidRequest({ reason }))

const toTimestamp = (
  name: string,
  value: DateTime.DateTime | Date | string
): Either.Either<string, Errors.InvalidRequest> => {
  if (typeof value === "string") {
    return Timestamp.parse(value) === undefined
      ? Either.left(new Errors.InvalidRequest({ reason: `${name} must be an RFC 3339 timestamp, got ${JSON.stringify(value)}` }))
      : Either.right(value)
  }
  const dateTime = value instanceof Date ? DateTime.make(value) : Option.some(value)
  return Option.match(dateTime, {
    onNone: () => Either.left(new Errors.InvalidRequest({ reason: `${name} is an invalid Date` })),
    onSome: (dt) => Either.right(DateTime.formatIso(dt))
  })
}

const listRequest = (
  base: HttpClientRequest.HttpClientRequest,
  params: ListEventsParams
): Either.Either<HttpClientRequest.HttpClientRequest, Errors.InvalidRequest> => {
  let request = HttpClientRequest.appendUrl(base, "/websets/v0/events")
  const fail = (reason: string) => Either.left(new Errors.InvalidRequest({ reason }))
  if (params.cursor !== undefined) {
    if (typeof params.cursor !== "string" || params.cursor.length === 0) return fail("cursor must be a non-empty string")
    request = HttpClientRequest.appendUrlParam(request, "cursor", params.cursor)
  }
  if (params.limit !== undefined) {
    if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > 200) {
      return fail(`limit must be an integer from 1 to 200, got ${params.limit}`)
    }
    request = HttpClientRequest.appendUrlParam(request, "limit", String(params.limit))
  }
  if (params.types !== undefined) {
    for (const type of params.types) {
      if (!EventType.isEventType(type)) return fail(`unknown event type ${JSON.stringify(type)}`)
      // Repeated keys (`types=a&types=b`): OpenAPI's default for a query array, and what the official SDKs send.
      request = HttpClientRequest.appendUrlParam(request, "types", type)
    }
  }
  for (const name of ["createdBefore", "createdAfter"] as const) {
    const value = params[name]
    if (value === undefined) continue
    const timestamp = toTimestamp(name, value)
    if (Either.isLeft(timestamp)) return Either.left(timestamp.left)
    request = HttpClientRequest.appendUrlParam(request, name, timestamp.right)
  }
  return Either.right(request)
}

/**
 * Builds the service from an `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<Service, never, HttpClient.HttpClient> = Effect.fnUntraced(
  function*(options: Options) {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const timeout = Duration.decode(options.timeout ?? defaultTimeout)
    const retry = Retry.apply(options.retry ?? {})
    const apiKey = options.apiKey
    const base = yield* HttpClient.HttpClient
    // Every request starts from this one: the headers are built once, not per call. The key stays Redacted until
    // here, and platform's Headers redact `x-api-key` when logged or traced.
    const template = HttpClientRequest.get(baseUrl).pipe(
      HttpClientRequest.setHeaders({
        "x-api-key": Redacted.value(apiKey),
        accept: "application/json",
        "user-agent": `effect-exa/${version}`
      })
    )
    // Requests go through the HttpClient (with the platform's per-request span only when asked for, and the
    // caller's transformClient), each attempt raced against a timer. NodeHttpClient offers a direct exchange
    // instead (see internal/transport): the transport enforces the timeout and the body is read in its callback.
    // It is used on the live clock when there is no transformClient to honour (under TestClock, the timer race
    // is what `TestClock.adjust` drives); it makes no platform spans.
    const timerTimeout = timeoutFail(timeout, () => new Errors.Timeout({ timeout }))
    const millis = Duration.toMillis(timeout)
    const untraced = options.httpSpans === true ? base : HttpClient.withTracerDisabledWhen(base, () => true)
    const client = options.transformClient ? options.transformClient(untraced) : untraced
    const direct = options.transformClient === undefined ? directTransport(base) : undefined
    const directTimeout = Number.isFinite(millis) ? millis : undefined

    const transport = (error: HttpClientError.HttpClientError): Errors.Transport | Errors.InvalidRequest | Errors.Timeout =>
      error.cause instanceof TimeoutExceeded
        ? new Errors.Timeout({ timeout })
        : error._tag === "RequestError" && error.reason !== "Transport"
        ? new Errors.InvalidRequest({ reason: error.message })
        : new Errors.Transport({
          description: error._tag === "RequestError" ? error.message : `reading the response failed: ${error.message}`,
          ...(error.cause === undefined ? {} : { cause: error.cause })
        })

    // Send and read the whole body through the HttpClient, within the attempt's timeout.
    const viaClient = (request: HttpClientRequest.HttpClientRequest) =>
      timerTimeout(Effect.mapError(
        Effect.flatMap(client.execute(request), (response) =>
          Effect.map(response.text, (body): Reply => ({ status: response.status, header: (name) => response.headers[name], body }))),
        transport
      ))

    // One exchange, its reply judged by `judge` (which says what the attempt ends in).
    const exchange = <A, E>(
      request: HttpClientRequest.HttpClientRequest,
      judge: (reply: Reply, clock: Clock.Clock) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | Errors.Transport | Errors.InvalidRequest | Errors.Timeout> =>
      Effect.flatMap(Effect.clock, (clock) =>
        direct !== undefined && clock === liveClock
          ? Effect.flatten(Effect.mapError(direct(request, directTimeout, (reply) => judge(reply, clock)), transport))
          : Effect.flatMap(viaClient(request), (reply) => judge(reply, clock)))

    // One attempt: send, read the body, map the status. Every outcome is a value of this package.
    const attempt = <A, E1, E2>(
      request: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span | undefined,
      onSuccess: (reply: Reply) => Effect.Effect<A, E1>,
      onNotFound: (requestId: string | undefined) => E2 | undefined
    ): Effect.Effect<
      A,
      E1 | E2 | Errors.Unauthorized | Errors.RateLimited | Errors.ApiError | Errors.Transport | Errors.Timeout | Errors.InvalidRequest
    > =>
      exchange(request, (reply, clock): Effect.Effect<A, E1 | E2 | Errors.Unauthorized | Errors.RateLimited | Errors.ApiError> => {
        const status = reply.status
        if (span !== undefined) {
          span.attribute("http.response.status_code", status)
          const requestId = reply.header("x-request-id")
          if (requestId !== undefined) span.attribute("exa.request_id", requestId)
        }
        if (status >= 200 && status < 300) return onSuccess(reply)
        return Effect.fail(failure(reply, clock.unsafeCurrentTimeMillis(), onNotFound))
      })

    const failure = <E>(
      reply: Reply,
      now: number,
      onNotFound: (requestId: string | undefined) => E | undefined
    ): E | Errors.Unauthorized | Errors.RateLimited | Errors.ApiError => {
      const status = reply.status
      const info = parseErrorBody(reply.body, status)
      const requestId = reply.header("x-request-id") ?? info.requestId
      const idField = requestId === undefined ? {} : { requestId }
      const codeField = info.code === undefined ? {} : { code: info.code }
      if (status === 404) {
        const notFound = onNotFound(requestId)
        if (notFound !== undefined) return notFound
      }
      if (status === 401 || status === 403) {
        return new Errors.Unauthorized({ status, apiMessage: info.message, ...codeField, ...idField })
      }
      const delay = retryAfter(reply.header, now)
      const delayField = delay === undefined ? {} : { retryAfter: delay }
      if (status === 429) return new Errors.RateLimited({ apiMessage: info.message, ...delayField, ...idField })
      return new Errors.ApiError({ status, apiMessage: info.message, ...codeField, ...delayField, ...idField })
    }

    const decodeBody = <A>(
      decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
      describe: (json: unknown, error: ParseResult.ParseError) => string
    ) =>
    (reply: Reply): Effect.Effect<A, Errors.Decode> => {
      const result = decodeJsonText(reply.body, decode, describe)
      if (Either.isRight(result)) return Effect.succeed(result.right)
      const requestId = reply.header("x-request-id")
      return Effect.fail(
        new Errors.Decode({
          reason: result.left,
          body: reply.body,
          status: reply.status,
          ...(requestId === undefined ? {} : { requestId })
        })
      )
    }

    const decodeEvent = decodeBody((u) => Event.decodeEither(u), describeEventFailure)
    const decodePage = decodeBody((u) => ListEventsResponse.decodeEither(u), describePageFailure)

    const getEvent = (id: string): Effect.Effect<Event.Event, Errors.GetEventError> => {
      if (typeof id !== "string" || id.length === 0) return invalid("the event id must be a non-empty string")
      if (dotSegment(id)) return invalid(`the event id ${JSON.stringify(id)} cannot be put in a URL path`)
      const request = HttpClientRequest.appendUrl(template, `/websets/v0/events/${encodeURIComponent(id)}`)
      const notFound = (requestId: string | undefined) => new Errors.NotFound({ id, ...(requestId === undefined ? {} : { requestId }) })
      return traced("EventsClient.getEvent", { "exa.event.id": id }, (span) =>
        retry(
          attempt(
            request,
            span,
            span === undefined ? decodeEvent : (reply) =>
              Effect.map(decodeEvent(reply), (event) => {
                span.attribute("exa.event.type", event.type)
                return event
              }),
            notFound
          )
        ))
    }

    const listEvents = (
      params: ListEventsParams = {}
    ): Effect.Effect<ListEventsResponse.ListEventsResponse, Errors.ListEventsError> => {
      const request = listRequest(template, params)
      if (Either.isLeft(request)) return Effect.fail(request.left)
      const attributes = {
        ...(params.types === undefined ? {} : { "exa.event.types": params.types.join(",") }),
        ...(params.cursor === undefined ? {} : { "exa.cursor": params.cursor }),
        ...(params.limit === undefined ? {} : { "exa.limit": params.limit })
      }
      return traced("EventsClient.listEvents", attributes, (span) =>
        retry(
          attempt<ListEventsResponse.ListEventsResponse, Errors.Decode, never>(
            request.right,
            span,
            span === undefined ? decodePage : (reply) =>
              Effect.map(decodePage(reply), (page) => {
                span.attribute("exa.events.count", page.data.length)
                return page
              }),
            () => undefined
          )
        ))
    }

    const streamEvents = (params: ListEventsParams = {}): Stream.Stream<Event.Event, Errors.ListEventsError> =>
      Stream.paginateChunkEffect(params.cursor, (cursor) =>
        Effect.map(
          listEvents({ ...params, cursor }),
          (page): [Chunk.Chunk<Event.Event>, Option.Option<string | undefined>] => [
            Chunk.unsafeFromArray(page.data as Array<Event.Event>),
            page.hasMore && page.nextCursor !== null ? Option.some(page.nextCursor) : Option.none()
          ]
        ))

    return EventsClient.of({ getEvent, listEvents, streamEvents })
  }
)

/**
 * A layer of the service, over whichever `HttpClient` is provided (`FetchHttpClient.layer`, the in-memory API of
 * `@effect-exa/testing`, …).
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const EventsLive = EventsClient.layer({ apiKey: Redacted.make("exa-key") }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(EventsLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<EventsClient, never, HttpClient.HttpClient> =>
  Layer.effect(EventsClient, make(options))

/**
 * A layer reading its settings through `Config`: by default the key from `EXA_API_KEY` (kept `Redacted`) and the
 * base URL from `EXA_BASE_URL` when set. Other options are passed as they are.
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const EventsLive = EventsClient.layerConfig({ timeout: "10 seconds" }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "apiKey" | "baseUrl"> & {
    readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
    readonly baseUrl?: Config.Config<string | undefined> | undefined
  } = {}
): Layer.Layer<EventsClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    EventsClient,
    Effect.flatMap(
      Config.all({
        apiKey: options.apiKey ?? Config.redacted("EXA_API_KEY"),
        baseUrl: options.baseUrl ?? Config.option(Config.string("EXA_BASE_URL")).pipe(Config.map(Option.getOrUndefined))
      }),
      ({ apiKey, baseUrl }) => make({ ...options, apiKey, baseUrl })
    )
  )

/**
 * Fetches one event with the `EventsClient` in context.
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import { Effect } from "effect"
 *
 * const program = EventsClient.getEvent("ev_123").pipe(
 *   Effect.catchTag("NotFound", (e) => Effect.log(`no event ${e.id}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const getEvent = (id: string): Effect.Effect<Event.Event, Errors.GetEventError, EventsClient> =>
  Effect.flatMap(EventsClient, (client) => client.getEvent(id))

/**
 * Fetches one page of events with the `EventsClient` in context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const listEvents = (
  params?: ListEventsParams
): Effect.Effect<ListEventsResponse.ListEventsResponse, Errors.ListEventsError, EventsClient> =>
  Effect.flatMap(EventsClient, (client) => client.listEvents(params))

/**
 * Streams every matching event with the `EventsClient` in context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const streamEvents = (params?: ListEventsParams): Stream.Stream<Event.Event, Errors.ListEventsError, EventsClient> =>
  Stream.unwrap(Effect.map(EventsClient, (client) => client.streamEvents(params)))
