/**
 * An in-memory Exa Websets API: the events endpoints (`GET /websets/v0/events/{id}`, `GET /websets/v0/events`) and
 * the webhooks endpoints (`/websets/v0/webhooks…`) with the real API's pagination, filters, validation,
 * authentication and error bodies, scriptable failures, and recorded requests. Added events are delivered for real
 * to the webhooks subscribed to them: signed POSTs over HTTP, recorded as attempts, retried on a schedule. It is
 * exposed as an `HttpClient`, so the real `EventsClient` and `WebhooksClient` (request building, decoding, error
 * mapping, retries) run in tests.
 *
 * @since 0.1.0
 */
import * as Endpoint from "@effect-exa/client/Endpoint"
import * as EventsClient from "@effect-exa/client/EventsClient"
import * as Exa from "@effect-exa/client/Exa"
import type * as ExaClient from "@effect-exa/client/ExaClient"
import * as WebhooksClient from "@effect-exa/client/WebhooksClient"
import type * as Event from "@effect-exa/schema/Event"
import * as EventType from "@effect-exa/schema/EventType"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import type * as WebhookAttempt from "@effect-exa/schema/WebhookAttempt"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Cursor from "./internal/cursor.js"
import { toJson } from "./internal/json.js"
import * as WebhookApi from "./internal/webhookApi.js"
import * as Webhooks from "./Webhooks.js"

// Every route the emulator answers: the endpoints the clients declare.
const routes: ReadonlyArray<Endpoint.Any> = [
  ...Object.values(EventsClient.endpoints),
  ...Object.values(WebhooksClient.endpoints)
]

/**
 * A scripted failure for the next request(s).
 *
 * @since 0.1.0
 * @category models
 */
export type Failure =
  /** Respond with this status and body (JSON-encoded unless a string), and optional headers. */
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly body?: unknown
    readonly headers?: Record<string, string>
  }
  /** 429 with the API's rate-limit body, and `Retry-After` (whole seconds) when given. */
  | { readonly _tag: "RateLimited"; readonly retryAfter?: Duration.Input }
  /** The connection fails before any response (refused or reset). */
  | { readonly _tag: "Transport" }
  /** A response with this raw body (default status 200), e.g. truncated JSON or an HTML page, and extra headers. */
  | {
    readonly _tag: "Body"
    readonly body: string
    readonly status?: number
    readonly contentType?: string
    readonly headers?: Record<string, string>
  }
  /** Answer normally, but only after this delay (on the Effect clock, so `TestClock` drives it). */
  | { readonly _tag: "Delay"; readonly delay: Duration.Input }
  /** Never answer: the request hangs until the client gives up (its timeout, or an interruption). */
  | { readonly _tag: "Stall" }

/**
 * A request the API received. Credentials are redacted.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: Readonly<Record<string, string>>
}

/**
 * A response of the emulator, independent of the transport that carries it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * What the emulator does with one request: a reply, or a transport failure.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = { readonly _tag: "Reply"; readonly reply: Reply } | { readonly _tag: "Transport" }

/**
 * A webhook as the emulator holds it: the JSON the API returns, plus the signing secret, which the API itself
 * returns only when the webhook is created.
 *
 * @since 0.2.0
 * @category models
 */
export interface EmulatedWebhook extends WebhookApi.StoredWebhook {}

/**
 * How the emulator delivers events to webhooks: the retry schedule of failed attempts and the time a receiver has
 * to answer. Success is a 2xx within that time; a 3xx fails (redirects are not followed), as at Exa.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeliveryOptions extends WebhookApi.DeliveryOptions {}

/**
 * The control surface of the emulator, for scripting it from a test.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The key requests must carry (`x-api-key` or `Authorization: Bearer`). */
  readonly apiKey: Redacted.Redacted<string>
  /** Adds events (decoded `Event`s or their JSON). */
  readonly addEvents: (events: Iterable<Event.Event | Event.Encoded>) => Effect.Effect<void>
  /** Removes an event; later requests for it get 404. */
  readonly removeEvent: (id: string) => Effect.Effect<void>
  /** The events held, newest first, as JSON. */
  readonly events: Effect.Effect<ReadonlyArray<Event.Encoded>>
  /** Makes the next `times` requests fail this way (queued after failures already scripted). */
  readonly failNext: (failure: Failure, times?: number) => Effect.Effect<void>
  /** Every request received so far, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Forgets recorded requests and scripted failures. */
  readonly reset: Effect.Effect<void>
  /**
   * Delivers a held event to a webhook URL as Exa does: a POST of its JSON, signed with `secret`
   * (`Exa-Signature`). Gives the receiver's status and body, or `undefined` when no event has that id.
   */
  readonly deliver: (
    url: string,
    eventId: string,
    options: Webhooks.SignOptions & { readonly tamper?: ((body: string) => string) | undefined }
  ) => Effect.Effect<{ readonly status: number; readonly body: string } | undefined>
  /** The webhooks held, oldest first, with their secrets. */
  readonly webhooks: Effect.Effect<ReadonlyArray<EmulatedWebhook>>
  /** Sets a webhook's status, as Exa may (the API cannot): an `inactive` webhook gets no deliveries. */
  readonly setWebhookStatus: (id: string, status: "active" | "inactive") => Effect.Effect<void>
  /**
   * Makes a webhook's receiver unreachable for a while (on the Effect clock): its deliveries fail without a request,
   * recorded with status 0 and no body, and are retried on the schedule like any failure.
   */
  readonly receiverDown: (webhookId: string, duration: Duration.Input) => Effect.Effect<void>
  /** Every delivery attempt so far, to every webhook, oldest first, as the API would list them. */
  readonly deliveries: Effect.Effect<ReadonlyArray<WebhookAttempt.WebhookAttemptEncoded>>
  /**
   * Runs every delivery that is due now (new events, retries whose time has come on the Effect clock) and waits for
   * those under way. Deliveries also run by themselves in the background; `flush` makes a test deterministic:
   * after `addEvents`, or after `TestClock.adjust`, call it before looking at what a receiver got.
   */
  readonly flush: Effect.Effect<void>
  /** Answers one request; the HTTP layers call this. */
  readonly handle: (request: {
    readonly method: string
    readonly url: URL
    readonly headers: Readonly<Record<string, string>>
    /** The request body, as text (`""` for none). */
    readonly body?: string | undefined
  }) => Effect.Effect<Outcome>
}

/**
 * The emulator's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class ExaApi extends Context.Service<ExaApi, Service>()("@effect-exa/testing/ExaApi") {}

/**
 * Options of the emulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Events to start with (decoded `Event`s or their JSON). */
  readonly events?: Iterable<Event.Event | Event.Encoded> | undefined
  /** The key requests must carry. Default `test-api-key`. */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /**
   * Answer 429 (with `Retry-After`) to requests beyond this rate, as the real API does: a token bucket holding
   * `limit` requests, refilled at `limit` per `interval` on the Effect clock. Default none.
   */
  readonly rateLimit?: { readonly limit: number; readonly interval: Duration.Input } | undefined
  /** How events are delivered to webhooks (retry schedule, timeout). */
  readonly delivery?: DeliveryOptions | undefined
}

/**
 * The key the emulator and its convenience layers use when none is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiKey: Redacted.Redacted<string> = Redacted.make("test-api-key")

const newestFirst = (a: Event.Encoded, b: Event.Encoded): number =>
  a.createdAt === b.createdAt
    ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
    : (Timestamp.parse(b.createdAt) ?? 0) - (Timestamp.parse(a.createdAt) ?? 0)

const encodeCursor = (offset: number): string => Cursor.encode("cur_", offset)
const decodeCursor = (cursor: string): number | undefined => Cursor.decode("cur_", cursor)

const redactedHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name === "x-api-key" || name === "authorization" ? "<redacted>" : value
  }
  return out
}

/**
 * Builds an emulator. Its webhook deliveries run in the scope it is built in, and stop when that scope closes
 * (`layer` gives them the layer's scope).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const hooks = yield* WebhookApi.make(options.delivery)
    const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey ?? defaultApiKey
    const store = yield* Ref.make<ReadonlyArray<Event.Encoded>>(
      [...(options.events ?? [])].map(toJson).sort(newestFirst)
    )
    const failures = yield* Ref.make<ReadonlyArray<Failure>>([])
    const recorded = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const counter = yield* Ref.make(0)

    const reply = (
      status: number,
      body: unknown,
      requestId: string,
      headers: Record<string, string> = {}
    ): Outcome => ({
      _tag: "Reply",
      reply: {
        status,
        headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body)
      }
    })
    const apiError = (status: number, error: string, tag: string, requestId: string): Outcome =>
      reply(status, { requestId, error, tag }, requestId)

    const authorized = (headers: Readonly<Record<string, string>>): boolean => {
      const key = Redacted.value(apiKey)
      return headers["x-api-key"] === key || headers["authorization"] === `Bearer ${key}`
    }

    const list = (url: URL, requestId: string, events: ReadonlyArray<Event.Encoded>): Outcome => {
      const params = url.searchParams
      for (const key of params.keys()) {
        if (!["cursor", "limit", "types", "createdBefore", "createdAfter"].includes(key)) {
          return apiError(400, `Unrecognized key(s) in object: '${key}'`, "INVALID_REQUEST", requestId)
        }
      }
      const limitText = params.get("limit")
      const limit = limitText === null ? 25 : Number(limitText)
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
        return apiError(400, "limit must be a number from 1 to 200", "INVALID_REQUEST", requestId)
      }
      const types = params.getAll("types")
      const unknown = types.find((type) => !EventType.isEventType(type))
      if (unknown !== undefined) return apiError(400, `Invalid event type: ${unknown}`, "INVALID_REQUEST", requestId)
      const bound = (name: string): number | undefined | null => {
        const value = params.get(name)
        return value === null ? undefined : Timestamp.parse(value) ?? null
      }
      const before = bound("createdBefore")
      const after = bound("createdAfter")
      if (before === null || after === null) {
        return apiError(400, "createdBefore/createdAfter must be ISO 8601 datetimes", "INVALID_REQUEST", requestId)
      }
      const cursorText = params.get("cursor")
      const offset = cursorText === null ? 0 : decodeCursor(cursorText)
      if (offset === undefined) return apiError(400, "Invalid cursor", "INVALID_REQUEST", requestId)
      const matching = events.filter((event) => {
        if (types.length > 0 && !types.includes(event.type)) return false
        const at = Timestamp.parse(event.createdAt) ?? 0
        return (before === undefined || at <= before) && (after === undefined || at >= after)
      })
      const page = matching.slice(offset, offset + limit)
      const hasMore = offset + limit < matching.length
      return reply(200, { data: page, hasMore, nextCursor: hasMore ? encodeCursor(offset + limit) : null }, requestId)
    }

    /** The answer of each events endpoint (`EventsClient.endpoints`), by its name in that table. */
    const eventHandlers: {
      readonly [K in keyof typeof EventsClient.endpoints]: (
        params: Readonly<Record<string, string>>,
        url: URL,
        events: ReadonlyArray<Event.Encoded>,
        requestId: string
      ) => Outcome
    } = {
      getEvent: (params, _url, events, requestId) => {
        const event = events.find((e) => e.id === params.id)
        return event === undefined
          ? apiError(404, "Event not found", "NOT_FOUND", requestId)
          : reply(200, event, requestId)
      },
      listEvents: (_params, url, events, requestId) => list(url, requestId, events)
    }

    // Requests are routed by the clients' own endpoint tables: a route the clients do not declare does not exist.
    const answer = (
      request: Parameters<Service["handle"]>[0],
      requestId: string,
      events: ReadonlyArray<Event.Encoded>,
      now: number
    ): Outcome => {
      const path = request.url.pathname
      const found = Endpoint.route(routes, request.method, path)
      if (found._tag === "NoRoute" || found._tag === "MethodNotAllowed") {
        return reply(
          404,
          { statusCode: 404, message: `Cannot ${request.method} ${path}`, error: "Not Found" },
          requestId
        )
      }
      if (!authorized(request.headers)) return apiError(401, "Invalid API key", "INVALID_API_KEY", requestId)
      if (found._tag === "MalformedParam") {
        return apiError(400, `Malformed ${found.endpoint.notFound ?? "resource"} id`, "INVALID_REQUEST", requestId)
      }
      const [resource, name] = found.endpoint.name.split(".") as [string, string]
      if (resource === "EventsClient") {
        return eventHandlers[name as keyof typeof eventHandlers](found.params, request.url, events, requestId)
      }
      const routed: WebhookApi.Routed = { params: found.params, url: request.url, body: request.body ?? "", now }
      const answered = hooks.handlers[name as keyof typeof hooks.handlers](routed)
      if (typeof answered.body !== "string") return reply(answered.status, answered.body, requestId)
      return answered.status === 404
        ? apiError(404, answered.body, "NOT_FOUND", requestId)
        : apiError(answered.status, answered.body, "INVALID_REQUEST_BODY", requestId)
    }

    const scripted = (failure: Failure, requestId: string): Effect.Effect<Outcome | undefined> => {
      switch (failure._tag) {
        case "Status":
          return Effect.succeed(
            reply(failure.status, failure.body ?? { requestId, error: "Scripted failure" }, requestId, failure.headers)
          )
        case "RateLimited": {
          const headers: Record<string, string> = failure.retryAfter === undefined
            ? {}
            : { "retry-after": String(Math.ceil(Duration.toSeconds(failure.retryAfter))) }
          return Effect.succeed(
            reply(429, { error: "You've exceeded your Exa rate limit of 10 requests per second." }, requestId, headers)
          )
        }
        case "Transport":
          return Effect.succeed({ _tag: "Transport" })
        case "Body":
          return Effect.succeed({
            _tag: "Reply",
            reply: {
              status: failure.status ?? 200,
              headers: {
                "content-type": failure.contentType ?? "application/json",
                "x-request-id": requestId,
                ...failure.headers
              },
              body: failure.body
            }
          })
        case "Delay":
          return Effect.as(Effect.sleep(failure.delay), undefined)
        case "Stall":
          return Effect.never
      }
    }

    // The rate limit: a token bucket, refilled continuously.
    const bucket = options.rateLimit === undefined ? undefined : {
      limit: options.rateLimit.limit,
      perMillis: Duration.toMillis(options.rateLimit.interval) / options.rateLimit.limit,
      tokens: options.rateLimit.limit,
      at: 0
    }
    const overLimit = (now: number): number | undefined => {
      if (bucket === undefined) return undefined
      if (bucket.at === 0) bucket.at = now
      bucket.tokens = Math.min(bucket.limit, bucket.tokens + (now - bucket.at) / bucket.perMillis)
      bucket.at = now
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return undefined
      }
      return (1 - bucket.tokens) * bucket.perMillis
    }
    const rateLimited = (requestId: string, waitMillis: number): Outcome =>
      reply(429, { error: `You've exceeded your Exa rate limit of ${bucket!.limit} requests.` }, requestId, {
        "retry-after": String(Math.max(1, Math.ceil(waitMillis / 1000)))
      })

    const handle: Service["handle"] = (request) =>
      Effect.gen(function*() {
        const n = yield* Ref.updateAndGet(counter, (c) => c + 1)
        const requestId = `req_${String(n).padStart(6, "0")}`
        yield* Ref.update(recorded, (all) => [...all, {
          method: request.method,
          path: request.url.pathname,
          query: [...request.url.searchParams.entries()],
          headers: redactedHeaders(request.headers)
        }])
        const now = yield* Clock.currentTimeMillis
        const wait = overLimit(now)
        if (wait !== undefined) return rateLimited(requestId, wait)
        const failure = yield* Ref.modify(failures, (queue) => [queue[0], queue.slice(1)] as const)
        if (failure !== undefined) {
          const outcome = yield* scripted(failure, requestId)
          if (outcome !== undefined) return outcome
        }
        return answer(request, requestId, yield* Ref.get(store), now)
      })

    return ExaApi.of({
      apiKey,
      addEvents: (events) =>
        Effect.suspend(() => {
          const added = [...events].map(toJson)
          return Effect.andThen(
            Ref.update(store, (all) => [...all, ...added].sort(newestFirst)),
            hooks.onEvents(added)
          )
        }),
      removeEvent: (id) => Ref.update(store, (all) => all.filter((event) => event.id !== id)),
      events: Ref.get(store),
      failNext: (failure, times = 1) =>
        Ref.update(failures, (queue) => [...queue, ...Array.from({ length: times }, () => failure)]),
      requests: Ref.get(recorded),
      reset: Effect.andThen(Ref.set(recorded, []), Ref.set(failures, [])),
      deliver: (url, eventId, signing) =>
        Effect.flatMap(Ref.get(store), (events) => {
          const event = events.find((e) => e.id === eventId)
          return event === undefined ? Effect.succeed(undefined) : Webhooks.deliver(url, event, signing)
        }),
      webhooks: hooks.webhooks,
      setWebhookStatus: hooks.setStatus,
      receiverDown: hooks.receiverDown,
      deliveries: hooks.deliveries,
      flush: hooks.flush,
      handle
    })
  })

/**
 * The emulator as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ExaApi> => Layer.effect(ExaApi, make(options))

const utf8 = new TextDecoder()

// The clients send JSON bodies as bytes or text; a stream or form data is not something they send.
const bodyText = (body: HttpBody.HttpBody): string =>
  body._tag === "Uint8Array"
    ? utf8.decode(body.body)
    : body._tag === "Raw" && typeof body.body === "string"
    ? body.body
    : ""

// Statuses that cannot carry a body (a web `Response` refuses one, and HTTP drops it).
const nullBodyStatuses: ReadonlySet<number> = new Set([101, 204, 205, 304])

/**
 * An `HttpClient` answered by the emulator in context, without sockets.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient, never, ExaApi> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(
    Effect.service(ExaApi),
    (api) =>
      HttpClient.make((request, url) =>
        Effect.flatMap(
          api.handle({ method: request.method, url, headers: request.headers, body: bodyText(request.body) }),
          (outcome) =>
            outcome._tag === "Transport"
              ? Effect.fail(
                new HttpClientError.HttpClientError({
                  reason: new HttpClientError.TransportError({
                    request,
                    cause: new Error("connection reset by the emulator"),
                    description: "connection reset"
                  })
                })
              )
              : Effect.succeed(
                HttpClientResponse.fromWeb(
                  request,
                  new Response(nullBodyStatuses.has(outcome.reply.status) ? null : outcome.reply.body, {
                    status: outcome.reply.status,
                    headers: outcome.reply.headers
                  })
                )
              )
        )
      )
  )
)

/**
 * A ready connection (`ExaClient`) with every resource client over it (`EventsClient`, `WebhooksClient`), backed by an
 * in-memory emulator holding `events`, plus the `ExaApi` control service. Client options (`retry`, `timeout`,
 * `rateLimit`, …) are the connection's; the key is the emulator's.
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import { ExaApi, Fixtures } from "@effect-exa/testing"
 * import * as Effect from "effect/Effect"
 *
 * const TestLayer = ExaApi.layerClient({ events: [Fixtures.make("webset.idle", { id: "ev_1" })] })
 * const program = EventsClient.getEvent("ev_1").pipe(Effect.provide(TestLayer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options: Options & { readonly client?: Omit<ExaClient.Options, "apiKey"> | undefined } = {}
): Layer.Layer<Exa.Clients | ExaApi> => {
  const api = layer(options)
  const client = Layer.unwrap(
    Effect.map(Effect.service(ExaApi), (service) => Exa.layer({ ...options.client, apiKey: service.apiKey }))
  )
  // The emulator's key and address are valid; a bad client option passed here is a mistake in the test, so a defect.
  return client.pipe(Layer.orDie, Layer.provide(layerHttpClient), Layer.provideMerge(api))
}
