/**
 * The webhooks of the API: create, read, update and delete webhooks, read their delivery attempts, and find the
 * events a receiver missed (`failedDeliveries`), as a service over the connection (`ExaClient`). The endpoints are
 * declared once, in `endpoints`; the methods, their errors and the emulator's routes all come from that table.
 *
 * @since 1.0.0
 */
import type * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as Webhook from "@effect-exa/schema/Webhook"
import * as WebhookAttempt from "@effect-exa/schema/WebhookAttempt"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as Endpoint from "./Endpoint.js"
import * as Errors from "./Errors.js"
import * as EventsClient from "./EventsClient.js"
import * as ExaClient from "./ExaClient.js"
import { describePageFailure } from "./internal/body.js"
import { pages } from "./internal/pages.js"
import * as Params from "./internal/params.js"

/**
 * What a new webhook delivers, and where.
 *
 * @since 1.0.0
 * @category models
 */
export interface CreateWebhookParams {
  /**
   * The event types to deliver (repeats are sent once). A type the API added after this version is accepted as an
   * `EventType.UnrecognizedEventType` (as a webhook read from the API holds it, or
   * `EventType.UnrecognizedEventType.make("webset.new.type")`) and sent as it is, so subscriptions survive a
   * round trip; a plain string that is no known type does not type-check, and at run time one that is not even
   * shaped like a type (dotted lower-case words) is an `InvalidRequest`.
   */
  readonly events: ReadonlyArray<EventType.AnyEventType>
  /**
   * Where to POST them: an absolute `https` URL (plain `http` only to a loopback host, `localhost`, `127.0.0.1` or
   * `[::1]`, for a receiver on this machine or the emulator), of at most 2,048 characters, that every URL parser
   * reads alike (`Webhook.WebhookUrl`): no backslash, whitespace or control character, user name or password.
   * Exa does not follow redirects: give the final URL.
   */
  readonly url: string
  /** Your own key-value pairs, each value a string of at most 1000 characters. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
}

/**
 * What to change on a webhook; fields left out stay as they are. The status cannot be changed through the API.
 *
 * @since 1.0.0
 * @category models
 */
export interface UpdateWebhookParams {
  /** As in `CreateWebhookParams`: types this version does not know are accepted as `UnrecognizedEventType`. */
  readonly events?: ReadonlyArray<EventType.AnyEventType> | undefined
  /** As in `CreateWebhookParams`. */
  readonly url?: string | undefined
  /** Replaces the stored metadata (the API does not document a merge). */
  readonly metadata?: Readonly<Record<string, string>> | undefined
}

/**
 * One page of webhooks.
 *
 * @since 1.0.0
 * @category models
 */
export interface ListWebhooksParams {
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined
  /** Webhooks per page, 1 to 200 (the API's default is 25). */
  readonly limit?: number | undefined
}

/**
 * One page of a webhook's delivery attempts, newest first.
 *
 * @since 1.0.0
 * @category models
 */
export interface ListAttemptsParams {
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined
  /** Attempts per page, 1 to 200 (the API's default is 25). */
  readonly limit?: number | undefined
  /** Only attempts to deliver events of this type. */
  readonly eventType?: EventType.EventType | undefined
  /** Only successful (`true`) or failed (`false`) attempts. */
  readonly successful?: boolean | undefined
}

/**
 * Which missed deliveries to look for.
 *
 * @since 1.0.0
 * @category models
 */
export interface FailedDeliveriesParams {
  /**
   * Look at attempts made at or after this instant (a `DateTime`, a `Date`, or an RFC 3339 string). Keep it within
   * the API's 60-day event retention: an event the API no longer has ends the stream with `NotFound`.
   */
  readonly since: DateTime.DateTime | Date | string
  /** Events fetched at once (`getEvent`), in order. Default 4. */
  readonly concurrency?: number | undefined
  /**
   * Called for each failed event whose id cannot be requested (an attempt naming `""`, `"."`, `".."` or text that is
   * not well-formed), in order, before the first event comes out; that event is skipped and the replay goes on.
   * Default: a warning in the log.
   */
  readonly onSkipped?: ((skipped: SkippedDelivery) => Effect.Effect<void>) | undefined
}

/**
 * A failed delivery `failedDeliveries` could not replay: its attempt names an event id that cannot be requested.
 *
 * @since 1.0.0
 * @category models
 */
export interface SkippedDelivery {
  /** The event id as the attempt names it. */
  readonly eventId: string
  /** Why it cannot be requested, as `getEvent` would have failed. */
  readonly error: Errors.InvalidRequest
}

/**
 * The service.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /**
   * Creates a webhook (it starts `active`). The result is the only place the API ever shows the signing `secret`
   * (`Redacted`): store it now. Not retried after a request may have reached the server (a timeout, a 5xx), since a
   * retry could create a second webhook; 429s and connections that never opened are retried as usual.
   */
  readonly createWebhook: (
    params: CreateWebhookParams
  ) => Effect.Effect<Webhook.CreatedWebhook, Errors.CreateWebhookError>
  /** Fetches a webhook (its `secret` is `null`: the API shows it only at creation). */
  readonly getWebhook: (id: string) => Effect.Effect<Webhook.Webhook, Errors.GetWebhookError>
  /** Changes a webhook's events, url or metadata; the rest stays. */
  readonly updateWebhook: (
    id: string,
    params: UpdateWebhookParams
  ) => Effect.Effect<Webhook.Webhook, Errors.UpdateWebhookError>
  /**
   * Deletes a webhook and returns it (`Option.some`). `Option.none()` when a retry after an attempt whose outcome is
   * unknown (a timeout, a reset connection, a 5xx) found it gone: that attempt deleted it, so the delete succeeded
   * but its answer was lost. Deliveries already under way may still arrive.
   */
  readonly deleteWebhook: (id: string) => Effect.Effect<Option.Option<Webhook.Webhook>, Errors.DeleteWebhookError>
  /** One page of webhooks. */
  readonly listWebhooks: (
    params?: ListWebhooksParams
  ) => Effect.Effect<Webhook.ListWebhooksResponse, Errors.ListWebhooksError>
  /** Every webhook, page after page, fetched as the stream is pulled. */
  readonly streamWebhooks: (params?: ListWebhooksParams) => Stream.Stream<Webhook.Webhook, Errors.StreamWebhooksError>
  /** One page of a webhook's delivery attempts, newest first. */
  readonly listAttempts: (
    webhookId: string,
    params?: ListAttemptsParams
  ) => Effect.Effect<WebhookAttempt.ListWebhookAttemptsResponse, Errors.ListAttemptsError>
  /** Every matching attempt, newest first, page after page. */
  readonly streamAttempts: (
    webhookId: string,
    params?: ListAttemptsParams
  ) => Stream.Stream<WebhookAttempt.WebhookAttempt, Errors.StreamAttemptsError>
  /**
   * The events this webhook failed to deliver: every event with an attempt at or after `since` and no successful
   * attempt (a later success clears earlier failures), each once, fetched with `getEvent`, oldest failure first.
   * Run your handler on them to catch up after an outage. Reads the whole window of attempts before the first
   * event comes out (the API lists attempts newest first; the walk stops after a page older than `since`).
   */
  readonly failedDeliveries: (
    webhookId: string,
    params: FailedDeliveriesParams
  ) => Stream.Stream<Event.Event, Errors.FailedDeliveriesError>
}

/**
 * The `WebhooksClient` service.
 *
 * @since 1.0.0
 * @category services
 */
export class WebhooksClient extends Context.Service<WebhooksClient, Service>()("@effect-exa/client/WebhooksClient") {}

// The schema's rule first (`Webhook.WebhookUrl`: no backslash, no user name or password, no character a parser drops
// or changes, the usual `https://host` form), so every parser reads the host the loopback rule then judges
// (`http://127.0.0.1\@evil.example/` is 127.0.0.1 to WHATWG, evil.example to others); its reasons never repeat a
// password, and once it passed, neither can the https rule's.
const webhookUrl = (name: string, value: unknown): string => {
  if (typeof value === "string" && value !== "") {
    const problem = Webhook.webhookUrlProblem(value)
    if (problem !== undefined) throw new Params.Invalid(`${name}: ${problem}`)
  }
  return Params.webhookUrl(name, value)
}

// The JSON body of a create or update: only the fields given, each checked.
const webhookBody = (
  name: string,
  p: Partial<CreateWebhookParams> | Partial<UpdateWebhookParams>,
  required: boolean
): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  if (required || p.events !== undefined) {
    body.events = Params.eventTypes(`${name}.events`, p.events, { unrecognized: true })
  }
  if (required || p.url !== undefined) body.url = webhookUrl(`${name}.url`, p.url)
  if (p.metadata !== undefined) body.metadata = Params.metadata(`${name}.metadata`, p.metadata)
  return body
}

const webhookId = (id: string) => {
  const checked = Params.pathId("the webhook id", id)
  return { path: { id: checked }, attributes: { "exa.webhook.id": checked } }
}

const decodeWebhook = (u: unknown) => Webhook.decodeResult(u)

// A created webhook's answer that did not decode, as a `Decode` error may keep it: every `secret` value and every
// string that looks like one (`whsec_…`) replaced, wherever it sits; nothing but its kind when it is not an object
// (a bare string may be the secret itself). The note says a webhook may exist now, with its id when readable.
const withoutSecrets = (text: string): { body: string; reason?: string; note: string } => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return {
      body: "",
      reason: "the body is not JSON (not kept: it may hold the webhook's secret)",
      note: mayExist(undefined)
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    const kind = Array.isArray(json) ? "an array" : json === null ? "null" : `a ${typeof json}`
    return {
      body: "",
      reason: `expected a webhook object, got ${kind} (not kept: it may hold the webhook's secret)`,
      note: mayExist(undefined)
    }
  }
  const secrets = new Set<string>()
  const walk = (value: unknown, key: string | undefined, depth: number): unknown => {
    if (typeof value === "string") {
      if (key === "secret" || value.startsWith("whsec_")) {
        if (value.length > 0) secrets.add(value)
        return "<redacted>"
      }
      return value
    }
    if (typeof value !== "object" || value === null) return value
    // Deeper than any webhook: dropped rather than walked (a hostile body may nest thousands of levels).
    if (depth > 32) return "<not kept>"
    if (Array.isArray(value)) return value.map((item) => walk(item, undefined, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: walk(v, k, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return out
  }
  const kept = walk(json, undefined, 0) as Record<string, unknown>
  let body = JSON.stringify(kept)
  // A secret echoed inside another value (a message quoting it) goes too.
  for (const secret of secrets) body = body.split(secret).join("<redacted>")
  const id = kept.id
  const shownId = typeof id === "string" && ![...secrets].some((secret) => id.includes(secret)) ? id : undefined
  return { body, note: mayExist(shownId) }
}

const mayExist = (id: string | undefined): string =>
  (id === undefined || id.length === 0 || id.length > 200
    ? "A webhook may have been created"
    : `A webhook may have been created (id ${JSON.stringify(id)})`) +
  ": look for it (listWebhooks) before creating another; its secret cannot be read again, so delete it and create a new one"

/**
 * The webhooks endpoints, declared: what each call sends, how its answer decodes, what a 404 means, which is not
 * safe to send twice.
 *
 * @since 1.0.0
 * @category endpoints
 */
export const endpoints = {
  createWebhook: Endpoint.make({
    name: "WebhooksClient.createWebhook",
    method: "POST",
    path: "/websets/v0/webhooks",
    request: (params: CreateWebhookParams) => {
      const body = webhookBody("createWebhook", Params.record("the parameters of createWebhook", params), true)
      return { body, attributes: { "exa.webhook.events": (body.events as Array<string>).join(",") } }
    },
    idempotent: false,
    decode: (u) => Webhook.decodeCreatedResult(u),
    describe: describePageFailure,
    redact: withoutSecrets,
    annotate: (span, webhook) => span.attribute("exa.webhook.id", webhook.id)
  }),
  getWebhook: Endpoint.make({
    name: "WebhooksClient.getWebhook",
    method: "GET",
    path: "/websets/v0/webhooks/{id}",
    request: webhookId,
    decode: decodeWebhook,
    describe: describePageFailure,
    notFound: "webhook"
  }),
  updateWebhook: Endpoint.make({
    name: "WebhooksClient.updateWebhook",
    method: "PATCH",
    path: "/websets/v0/webhooks/{id}",
    request: (id: string, params: UpdateWebhookParams) => {
      const target = webhookId(id)
      return {
        ...target,
        body: webhookBody("updateWebhook", Params.record("the parameters of updateWebhook", params), false)
      }
    },
    decode: decodeWebhook,
    describe: describePageFailure,
    notFound: "webhook"
  }),
  deleteWebhook: Endpoint.make({
    name: "WebhooksClient.deleteWebhook",
    method: "DELETE",
    path: "/websets/v0/webhooks/{id}",
    request: webhookId,
    decode: (u) => Result.map(Webhook.decodeResult(u), Option.some),
    describe: describePageFailure,
    notFound: "webhook",
    // DELETE is idempotent: a retry after a lost answer finds the webhook gone, which is the success asked for.
    goneAfterRetry: { value: Option.none() }
  }),
  listWebhooks: Endpoint.make({
    name: "WebhooksClient.listWebhooks",
    method: "GET",
    path: "/websets/v0/webhooks",
    request: (params?: ListWebhooksParams) => ({
      query: Params.pagination(Params.record("the parameters of listWebhooks", params))
    }),
    decode: (u) => Webhook.decodeListResult(u),
    describe: describePageFailure,
    annotate: (span, page) => span.attribute("exa.webhooks.count", page.data.length)
  }),
  listAttempts: Endpoint.make({
    name: "WebhooksClient.listAttempts",
    method: "GET",
    path: "/websets/v0/webhooks/{id}/attempts",
    request: (webhookId: string, params?: ListAttemptsParams) => {
      const id = Params.pathId("the webhook id", webhookId)
      const p = Params.record("the parameters of listAttempts", params)
      const query = Params.pagination(p)
      const attributes: Record<string, unknown> = { "exa.webhook.id": id }
      if (p.eventType !== undefined) {
        query.push(["eventType", Params.eventType("eventType", p.eventType)])
        attributes["exa.event.type"] = p.eventType
      }
      if (p.successful !== undefined) query.push(["successful", String(Params.boolean("successful", p.successful))])
      return { path: { id }, query, attributes }
    },
    decode: (u) => WebhookAttempt.decodeListResult(u),
    describe: describePageFailure,
    // The attempts of a webhook that does not exist: the API declares no 404 here, but a 404 can mean nothing else.
    notFound: "webhook",
    annotate: (span, page) => span.attribute("exa.attempts.count", page.data.length)
  })
}

/**
 * Builds the service over a connection.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromExaClient = (client: ExaClient.Service): Service => {
  const listWebhooks = (params?: ListWebhooksParams) => client.run(endpoints.listWebhooks, params)
  const listAttempts = (webhookId: string, params?: ListAttemptsParams) =>
    client.run(endpoints.listAttempts, webhookId, params)

  const streamWebhooks = (params?: ListWebhooksParams) =>
    Stream.unwrap(Params.validated(() => {
      const base = { ...Params.record("the parameters of streamWebhooks", params) }
      return Effect.succeed(
        pages(base.cursor, (cursor) => listWebhooks({ ...base, cursor }), (page) => page.data as Array<Webhook.Webhook>)
      )
    }))

  const attemptPages = (webhookId: string, params: ListAttemptsParams) =>
    pages(params.cursor, (cursor) => listAttempts(webhookId, { ...params, cursor }), (page) => [page])

  const streamAttempts = (webhookId: string, params?: ListAttemptsParams) =>
    Stream.unwrap(Params.validated(() => {
      const id = Params.nonEmptyString("the webhook id", webhookId)
      const base = { ...Params.record("the parameters of streamAttempts", params) }
      return Effect.succeed(Stream.flatMap(attemptPages(id, base), (page) => Stream.fromIterable(page.data)))
    }))

  const events = EventsClient.fromExaClient(client)

  const failedDeliveries = (webhookId: string, params: FailedDeliveriesParams) =>
    Stream.unwrap(Params.validated(() => {
      const id = Params.nonEmptyString("the webhook id", webhookId)
      const p = Params.record("the parameters of failedDeliveries", params)
      if (p.since === undefined) throw new Params.Invalid("failedDeliveries needs since: how far back to look")
      const since = Timestamp.parse(Params.timestamp("since", p.since))!
      const concurrency = p.concurrency === undefined ? 4 : Params.integer("concurrency", p.concurrency, 1, 64)
      const isRecent = (attempt: WebhookAttempt.WebhookAttempt) => DateTime.toEpochMillis(attempt.attemptedAt) >= since
      // Newest first, so the window ends at the first page holding nothing recent; that page is still read whole.
      const window = attemptPages(id, { limit: 200 }).pipe(
        Stream.takeUntil((page) => !page.data.some(isRecent)),
        // A fresh map per run of the stream.
        Stream.runFold(() => new Map<string, { first: number; delivered: boolean }>(), (byEvent, page) => {
          for (const attempt of page.data) {
            if (!isRecent(attempt)) continue
            const at = DateTime.toEpochMillis(attempt.attemptedAt)
            const seen = byEvent.get(attempt.eventId)
            if (seen === undefined) byEvent.set(attempt.eventId, { first: at, delivered: attempt.successful })
            else {
              seen.first = Math.min(seen.first, at)
              seen.delivered ||= attempt.successful
            }
          }
          return byEvent
        })
      )
      const onSkipped = p.onSkipped ?? ((skipped: SkippedDelivery) =>
        Effect.logWarning(`failedDeliveries skipped an event: ${skipped.error.reason}`).pipe(
          Effect.annotateLogs({ webhookId: id, eventId: skipped.eventId })
        ))
      if (typeof onSkipped !== "function") throw new Params.Invalid("onSkipped must be a function")
      return Effect.flatMap(window, (byEvent) => {
        const missed = [...byEvent].filter(([, s]) => !s.delivered).sort(([a, x], [b, y]) =>
          x.first - y.first || (a < b ? -1 : a > b ? 1 : 0)
        )
        // An id no request can name would fail `getEvent` with `InvalidRequest` and end the whole replay: it is
        // reported and skipped instead, and the rest is replayed.
        const sendable: Array<string> = []
        const skipped: Array<SkippedDelivery> = []
        for (const [eventId] of missed) {
          try {
            Params.pathId("the event id", eventId)
            sendable.push(eventId)
          } catch (error) {
            const reason = error instanceof Params.Invalid ? error.reason : "the event id cannot be requested"
            skipped.push({ eventId, error: new Errors.InvalidRequest({ reason }) })
          }
        }
        return Effect.as(
          Effect.forEach(skipped, (s) => Effect.suspend(() => onSkipped(s)), { discard: true }),
          Stream.mapEffect(Stream.fromArray(sendable), (eventId) => events.getEvent(eventId), {
            concurrency
          })
        )
      })
    }))

  return WebhooksClient.of({
    createWebhook: (params) => client.run(endpoints.createWebhook, params),
    getWebhook: (id) => client.run(endpoints.getWebhook, id),
    updateWebhook: (id, params) => client.run(endpoints.updateWebhook, id, params),
    deleteWebhook: (id) => client.run(endpoints.deleteWebhook, id),
    listWebhooks,
    streamWebhooks,
    listAttempts,
    streamAttempts,
    failedDeliveries
  })
}

/**
 * The service over the `ExaClient` in context. One shared value: Effect 4 reuses what it built for an enclosing
 * `Effect.provide`, so a layer composed from it and provided inside another connection gets the outer one's service
 * unless wrapped in `Layer.fresh` (`Exa.layer` does that itself).
 *
 * @example
 * ```ts
 * import { ExaClient, WebhooksClient } from "@effect-exa/client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const WebhooksLive = WebhooksClient.Default.pipe(
 *   Layer.provideMerge(ExaClient.layer({ apiKey: Redacted.make("exa-key") })),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * const program = WebhooksClient.getWebhook("webhook_123").pipe(Effect.provide(WebhooksLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const Default: Layer.Layer<WebhooksClient, never, ExaClient.ExaClient> = Layer.effect(
  WebhooksClient,
  Effect.map(Effect.service(ExaClient.ExaClient), fromExaClient)
)

/**
 * Creates a webhook with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const createWebhook = (
  params: CreateWebhookParams
): Effect.Effect<Webhook.CreatedWebhook, Errors.CreateWebhookError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.createWebhook(params))

/**
 * Fetches a webhook with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const getWebhook = (id: string): Effect.Effect<Webhook.Webhook, Errors.GetWebhookError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.getWebhook(id))

/**
 * Updates a webhook with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const updateWebhook = (
  id: string,
  params: UpdateWebhookParams
): Effect.Effect<Webhook.Webhook, Errors.UpdateWebhookError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.updateWebhook(id, params))

/**
 * Deletes a webhook with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const deleteWebhook = (
  id: string
): Effect.Effect<Option.Option<Webhook.Webhook>, Errors.DeleteWebhookError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.deleteWebhook(id))

/**
 * One page of webhooks with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const listWebhooks = (
  params?: ListWebhooksParams
): Effect.Effect<Webhook.ListWebhooksResponse, Errors.ListWebhooksError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.listWebhooks(params))

/**
 * Every webhook with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const streamWebhooks = (
  params?: ListWebhooksParams
): Stream.Stream<Webhook.Webhook, Errors.StreamWebhooksError, WebhooksClient> =>
  Stream.unwrap(Effect.map(Effect.service(WebhooksClient), (client) => client.streamWebhooks(params)))

/**
 * One page of attempts with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const listAttempts = (
  webhookId: string,
  params?: ListAttemptsParams
): Effect.Effect<WebhookAttempt.ListWebhookAttemptsResponse, Errors.ListAttemptsError, WebhooksClient> =>
  Effect.flatMap(Effect.service(WebhooksClient), (client) => client.listAttempts(webhookId, params))

/**
 * Every matching attempt with the `WebhooksClient` in context.
 *
 * @since 1.0.0
 * @category accessors
 */
export const streamAttempts = (
  webhookId: string,
  params?: ListAttemptsParams
): Stream.Stream<WebhookAttempt.WebhookAttempt, Errors.StreamAttemptsError, WebhooksClient> =>
  Stream.unwrap(Effect.map(Effect.service(WebhooksClient), (client) => client.streamAttempts(webhookId, params)))

/**
 * The events a webhook failed to deliver since an instant, with the `WebhooksClient` in context.
 *
 * @example
 * ```ts
 * import { WebhooksClient } from "@effect-exa/client"
 * import { Effect, Stream } from "effect"
 *
 * const catchUp = WebhooksClient.failedDeliveries("webhook_123", { since: "2026-11-30T00:00:00Z" }).pipe(
 *   Stream.runForEach((event) => Effect.log(`missed ${event.type} ${event.id}`))
 * )
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const failedDeliveries = (
  webhookId: string,
  params: FailedDeliveriesParams
): Stream.Stream<Event.Event, Errors.FailedDeliveriesError, WebhooksClient> =>
  Stream.unwrap(Effect.map(Effect.service(WebhooksClient), (client) => client.failedDeliveries(webhookId, params)))
