/**
 * A small in-memory webhooks API behind the stub `HttpClient`, for the tests of `WebhooksClient` on this line (the
 * Effect 3 line runs them against `@effect-exa/testing`'s emulator; this small stub came before this line's port and
 * keeps the client's tests free of the testing package). It routes with the
 * clients' own endpoint tables (`Endpoint.route`), keeps webhooks, their attempts and events, and answers as the
 * API does: the secret only on create, 404 for an unknown webhook or event, cursor pages. A test can script the next
 * answers (`failNext`) ahead of the store.
 */
import { Endpoint, EventsClient, Exa, type ExaClient, WebhooksClient } from "@effect-exa/client"
import type { Webhook, WebhookAttempt } from "@effect-exa/schema"
import type * as Effect from "effect/Effect"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import { json, type Seen, stub } from "./stub.js"

export type Answer = (
  request: HttpClientRequest.HttpClientRequest
) => Effect.Effect<Response, HttpClientError.HttpClientError>

const routes = [...Object.values(WebhooksClient.endpoints), ...Object.values(EventsClient.endpoints)]

const bodyOf = (request: HttpClientRequest.HttpClientRequest): unknown => {
  if (request.body._tag !== "Uint8Array") return undefined
  try {
    return JSON.parse(new TextDecoder().decode(request.body.body))
  } catch {
    return undefined
  }
}

const page = <A>(items: ReadonlyArray<A>, query: URLSearchParams) => {
  const start = Number(query.get("cursor") ?? "0")
  const limit = Number(query.get("limit") ?? "25")
  const data = items.slice(start, start + limit)
  const more = start + limit < items.length
  return { data, hasMore: more, nextCursor: more ? String(start + limit) : null }
}

export const webhooksApi = (options: Partial<ExaClient.Options> = {}) => {
  const webhooks = new Map<string, Webhook.WebhookEncoded>()
  const attempts: Array<WebhookAttempt.WebhookAttemptEncoded> = []
  const events = new Map<string, { readonly id: string }>()
  const scripted: Array<Answer> = []
  let n = 0

  const notFound = (what: string) => json(404, { error: `${what} not found` })

  const answer = (url: URL, request: HttpClientRequest.HttpClientRequest) => {
    const next = scripted.shift()
    if (next !== undefined) return next(request)
    const found = Endpoint.route(routes, request.method, url.pathname)
    if (found._tag !== "Matched") return json(found._tag === "MethodNotAllowed" ? 405 : 404, { error: found._tag })
    const id = found.params.id ?? ""
    const now = new Date().toISOString()
    const stored = webhooks.get(id)
    const body = bodyOf(request) as Record<string, unknown> | undefined
    switch (found.endpoint.name) {
      case "WebhooksClient.createWebhook": {
        if (body === undefined || !Array.isArray(body.events) || typeof body.url !== "string") {
          return json(400, { error: "Invalid request body" })
        }
        const hook: Webhook.WebhookEncoded = {
          id: `webhook_${++n}`,
          object: "webhook",
          status: "active",
          events: body.events as Webhook.WebhookEncoded["events"],
          url: body.url,
          secret: null,
          metadata: (body.metadata as Record<string, string> | undefined) ?? {},
          createdAt: now,
          updatedAt: now
        }
        webhooks.set(hook.id, hook)
        return json(200, { ...hook, secret: `whsec_${randomBytes(24).toString("hex")}` })
      }
      case "WebhooksClient.getWebhook":
        return stored === undefined ? notFound("Webhook") : json(200, stored)
      case "WebhooksClient.updateWebhook": {
        if (stored === undefined) return notFound("Webhook")
        const updated = { ...stored, ...body, updatedAt: now } as Webhook.WebhookEncoded
        webhooks.set(id, updated)
        return json(200, updated)
      }
      case "WebhooksClient.deleteWebhook":
        if (stored === undefined) return notFound("Webhook")
        webhooks.delete(id)
        return json(200, stored)
      case "WebhooksClient.listWebhooks":
        return json(200, page([...webhooks.values()], url.searchParams))
      case "WebhooksClient.listAttempts": {
        if (stored === undefined) return notFound("Webhook")
        const eventType = url.searchParams.get("eventType")
        const successful = url.searchParams.get("successful")
        const matching = attempts
          .filter((a) =>
            a.webhookId === id && (eventType === null || a.eventType === eventType) &&
            (successful === null || String(a.successful) === successful)
          )
          .sort((a, b) => (a.attemptedAt < b.attemptedAt ? 1 : a.attemptedAt > b.attemptedAt ? -1 : 0))
        return json(200, page(matching, url.searchParams))
      }
      case "EventsClient.getEvent": {
        const event = events.get(id)
        return event === undefined ? notFound("Event") : json(200, event)
      }
      default:
        return json(501, { error: `not served here: ${found.endpoint.name}` })
    }
  }

  const s = stub(answer)
  const layer = Exa.layer({
    apiKey: Redacted.make("k-webhooks-api"),
    retry: { initialDelay: "10 millis", jitter: false },
    ...options
  }).pipe(Layer.provide(s.layer))

  return {
    layer,
    seen: s.seen as ReadonlyArray<Seen>,
    webhooks,
    attempts,
    events,
    /** Answers the next requests with these, in order, before the store. */
    failNext: (...answers: ReadonlyArray<Answer>) => void scripted.push(...answers),
    /** The requests sent with this method. */
    sent: (method: string) => s.seen.filter((r) => r.request.method === method)
  }
}
