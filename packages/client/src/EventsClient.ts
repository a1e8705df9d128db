/**
 * The `EventsClient` service: `getEvent`, `listEvents` and `streamEvents` over any `HttpClient`.
 *
 * @since 0.1.0
 */
import type * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import type * as ListEventsResponse from "@effect-exa/schema/ListEventsResponse"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Errors from "./Errors.js"
import { eventEndpoints } from "./internal/events.js"
import * as Core from "./internal/request.js"
import type * as Retry from "./Retry.js"

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
   * at a time, each page request retried by the client's policy. Starts at `params.cursor` when given. A server that
   * would make it page forever (a cursor it already gave, `hasMore` with no cursor) ends it with `ServerFault`.
   */
  readonly streamEvents: (params?: ListEventsParams) => Stream.Stream<Event.Event, Errors.StreamEventsError>
}

/**
 * The `EventsClient` service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class EventsClient extends Context.Tag("@effect-exa/client/EventsClient")<EventsClient, Service>() {}

/**
 * A client-side rate limit (on Effect's `RateLimiter`): at most `limit` requests per `interval`, retries included.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  /** Requests allowed per interval. */
  readonly limit: number
  /** The interval. */
  readonly interval: Duration.DurationInput
  /** `"token-bucket"` (default: smooth, at most `limit` at once) or `"fixed-window"`. */
  readonly algorithm?: "token-bucket" | "fixed-window" | undefined
}

/**
 * How to reach the API. Checked when the layer is built: a bad option fails the layer with a `ConfigError` naming
 * it (and never showing the key).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The Exa API key, sent as `x-api-key` to the `baseUrl`'s origin and nowhere else. Empty, or holding CR, LF or
   * NUL, is refused.
   */
  readonly apiKey: Redacted.Redacted<string>
  /**
   * Default `https://api.exa.ai`. Requests go to `{baseUrl}/websets/v0/…`. An absolute http(s) URL with no
   * credentials, query or fragment; a path prefix (a proxy's) is kept, but not `/websets` or `/websets/v0`.
   */
  readonly baseUrl?: string | undefined
  /** The longest one attempt may take; it is aborted then and fails with `Timeout`. Default 30 seconds; `Infinity` for none. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The retry policy (see `Retry`). Default `Retry.schedule()`: 2 retries of what is safe to retry. */
  readonly retry?: Retry.Policy | undefined
  /**
   * Adjusts the `HttpClient` the requests go through (extra headers, `HttpClient.followRedirects()`, …). Whatever it
   * does, no request leaves the `baseUrl`'s origin: one that would fails with `Redirected`.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * Also trace each HTTP attempt with a client span (`http.client GET`) under the call's span, and send
   * `traceparent`/`b3` headers. Default false: the call's own `EventsClient.*` span already carries the status code
   * and request id. Spans are only made when a tracer other than Effect's default is installed.
   */
  readonly httpSpans?: boolean | undefined
  /**
   * The largest response body read, in bytes (after decompression). A larger `content-length` is refused before
   * reading and a body that grows past it is cut off, both as `ResponseTooLarge`. Default 64 MiB.
   */
  readonly maxResponseSize?: number | undefined
  /**
   * Keep this client's requests under a rate (`{ limit: 10, interval: "1 second" }`): calls wait for their turn
   * instead of collecting 429s. Default none.
   */
  readonly rateLimit?: RateLimit | undefined
}

/**
 * The options of `layerConfig`: the key and the base URL as `Config`s (by default `EXA_API_KEY`, kept `Redacted`,
 * and `EXA_BASE_URL` when set), the other options as they are.
 *
 * @since 0.2.0
 * @category models
 */
export interface ConfigOptions extends Omit<Options, "apiKey" | "baseUrl"> {
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  readonly baseUrl?: Config.Config<string | undefined> | undefined
}

/**
 * The default API origin.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl: string = Core.defaultBaseUrl

/**
 * The default per-attempt timeout.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Core.defaultTimeout

// The service over a request core: each endpoint is a declaration (./internal/events.ts).
const fromCore = (core: Core.Core): Service => EventsClient.of(eventEndpoints(core))

/**
 * Builds the service from an `HttpClient`. The options are checked first: a bad one fails with a `ConfigError`
 * naming it. The scope holds the client's rate limiter, when it has one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.map(Core.make(options), fromCore)

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
export const layer = (options: Options): Layer.Layer<EventsClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(EventsClient, make(options))

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
  options: ConfigOptions = {}
): Layer.Layer<EventsClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(EventsClient, Core.configured(options, make))

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
export const streamEvents = (
  params?: ListEventsParams
): Stream.Stream<Event.Event, Errors.StreamEventsError, EventsClient> =>
  Stream.unwrap(Effect.map(EventsClient, (client) => client.streamEvents(params)))
