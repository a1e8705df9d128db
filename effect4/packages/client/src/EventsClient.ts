/**
 * The events of the API: `getEvent`, `listEvents`, and `streamEvents` (every page of `listEvents`, lazily), as a
 * service over the connection (`ExaClient`). The endpoints are declared once, in `endpoints`; the methods and their
 * errors come from that table.
 *
 * @since 1.0.0
 */
import * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as ListEventsResponse from "@effect-exa/schema/ListEventsResponse"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Endpoint from "./Endpoint.js"
import type * as Errors from "./Errors.js"
import * as ExaClient from "./ExaClient.js"
import { describeEventFailure, describePageFailure } from "./internal/body.js"
import { pages } from "./internal/pages.js"
import * as Params from "./internal/params.js"

/**
 * Parameters of `listEvents`: one page of events, newest first.
 *
 * @since 1.0.0
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
 * @since 1.0.0
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
 * The `EventsClient` service.
 *
 * @since 1.0.0
 * @category services
 */
export class EventsClient extends Context.Service<EventsClient, Service>()("@effect-exa/client/EventsClient") {}

/**
 * The events endpoints, declared: what `getEvent` and `listEvents` send, how their answers decode, what a 404 means.
 *
 * @since 1.0.0
 * @category endpoints
 */
export const endpoints = {
  getEvent: Endpoint.make({
    name: "EventsClient.getEvent",
    method: "GET",
    path: "/websets/v0/events/{id}",
    request: (id: string) => ({
      path: { id: Params.pathId("the event id", id) },
      attributes: { "exa.event.id": id }
    }),
    decode: (u) => Event.decodeResult(u),
    describe: describeEventFailure,
    notFound: "event",
    annotate: (span, event) => span.attribute("exa.event.type", event.type)
  }),
  listEvents: Endpoint.make({
    name: "EventsClient.listEvents",
    method: "GET",
    path: "/websets/v0/events",
    request: (params?: ListEventsParams) => {
      const p = Params.record("the parameters of listEvents", params)
      const query = Params.pagination(p)
      const attributes: Record<string, unknown> = {}
      if (p.cursor !== undefined) attributes["exa.cursor"] = p.cursor
      if (p.limit !== undefined) attributes["exa.limit"] = p.limit
      if (p.types !== undefined) {
        const types = Params.eventTypes("types", p.types)
        // Repeated keys (`types=a&types=b`): OpenAPI's default for a query array, and what the official SDKs send.
        for (const type of types) query.push(["types", type])
        attributes["exa.event.types"] = types.join(",")
      }
      if (p.createdBefore !== undefined) {
        query.push(["createdBefore", Params.timestamp("createdBefore", p.createdBefore)])
      }
      if (p.createdAfter !== undefined) query.push(["createdAfter", Params.timestamp("createdAfter", p.createdAfter)])
      return { query, attributes }
    },
    decode: (u) => ListEventsResponse.decodeResult(u),
    describe: describePageFailure,
    annotate: (span, page) => span.attribute("exa.events.count", page.data.length)
  })
}

/**
 * Builds the service over a connection.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromExaClient = (client: ExaClient.Service): Service => {
  const listEvents = (params?: ListEventsParams) => client.run(endpoints.listEvents, params)
  return EventsClient.of({
    getEvent: (id) => client.run(endpoints.getEvent, id),
    listEvents,
    streamEvents: (params) =>
      Stream.unwrap(Params.validated(() => {
        // Read once: every page request starts from this copy.
        const base = { ...Params.record("the parameters of streamEvents", params) }
        return Effect.succeed(pages(base.cursor, (cursor) => listEvents({ ...base, cursor }), (page) => page.data))
      }))
  })
}

/**
 * The service over the `ExaClient` in context. One shared value: Effect 4 reuses what it built for an enclosing
 * `Effect.provide`, so a layer composed from it and provided inside another connection gets the outer one's service
 * unless wrapped in `Layer.fresh` (`Exa.layer` does that itself).
 *
 * @example
 * ```ts
 * import { EventsClient, ExaClient } from "@effect-exa/client"
 * import { Effect, Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const EventsLive = EventsClient.Default.pipe(
 *   Layer.provideMerge(ExaClient.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(EventsLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const Default: Layer.Layer<EventsClient, never, ExaClient.ExaClient> = Layer.effect(
  EventsClient,
  Effect.map(Effect.service(ExaClient.ExaClient), fromExaClient)
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
 * @since 1.0.0
 * @category accessors
 */
export const getEvent = (id: string): Effect.Effect<Event.Event, Errors.GetEventError, EventsClient> =>
  Effect.flatMap(Effect.service(EventsClient), (client) => client.getEvent(id))

/**
 * Fetches one page of events with the `EventsClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const listEvents = (
  params?: ListEventsParams
): Effect.Effect<ListEventsResponse.ListEventsResponse, Errors.ListEventsError, EventsClient> =>
  Effect.flatMap(Effect.service(EventsClient), (client) => client.listEvents(params))

/**
 * Streams every matching event with the `EventsClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const streamEvents = (
  params?: ListEventsParams
): Stream.Stream<Event.Event, Errors.StreamEventsError, EventsClient> =>
  Stream.unwrap(Effect.map(Effect.service(EventsClient), (client) => client.streamEvents(params)))
