/**
 * The events endpoints, declared over a request core: `getEvent`, `listEvents`, `streamEvents`. Shared by
 * `EventsClient` and by `WebhooksClient.failedDeliveries`, which fetches the events a webhook missed.
 *
 * @internal
 */
import * as Event from "@effect-exa/schema/Event"
import * as ListEventsResponse from "@effect-exa/schema/ListEventsResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as Errors from "../Errors.js"
import type { ListEventsParams, Service } from "../EventsClient.js"
import { describeEventFailure, describePageFailure } from "./body.js"
import { pages } from "./pages.js"
import * as Params from "./params.js"
import type * as Core from "./request.js"

const decodeEvent = (u: unknown) => Event.decodeEither(u)
const decodePage = (u: unknown) => ListEventsResponse.decodeEither(u)

/** The events service over a request core. */
export const eventEndpoints = (core: Core.Core): Service => {
  const getEvent = (id: string): Effect.Effect<Event.Event, Errors.GetEventError> =>
    Params.validated(() =>
      core.run({
        span: "EventsClient.getEvent",
        attributes: { "exa.event.id": id },
        method: "GET",
        path: `/websets/v0/events/${Params.pathSegment("the event id", id)}`,
        decode: decodeEvent,
        describe: describeEventFailure,
        notFound: { resource: "event", id },
        annotate: (span, event) => span.attribute("exa.event.type", event.type)
      })
    )

  const listEvents = (
    params?: ListEventsParams
  ): Effect.Effect<ListEventsResponse.ListEventsResponse, Errors.ListEventsError> =>
    Params.validated(() => {
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
      if (p.createdBefore !== undefined) query.push(["createdBefore", Params.timestamp("createdBefore", p.createdBefore)])
      if (p.createdAfter !== undefined) query.push(["createdAfter", Params.timestamp("createdAfter", p.createdAfter)])
      return core.run({
        span: "EventsClient.listEvents",
        attributes,
        method: "GET",
        path: "/websets/v0/events",
        query,
        decode: decodePage,
        describe: describePageFailure,
        annotate: (span, page) => span.attribute("exa.events.count", page.data.length)
      })
    })

  const streamEvents = (params?: ListEventsParams): Stream.Stream<Event.Event, Errors.StreamEventsError> =>
    Stream.unwrap(Params.validated(() => {
      // Read once: every page request starts from this copy.
      const base = { ...Params.record("the parameters of streamEvents", params) }
      return Effect.succeed(
        pages(base.cursor, (cursor) => listEvents({ ...base, cursor }), (page) => page.data as Array<Event.Event>)
      )
    }))

  return { getEvent, listEvents, streamEvents }
}
