/**
 * WebhooksClient's edges over a scripted server: a created webhook's secret never reaches a `Decode` error, its
 * message or the span when the answer does not decode; a delete whose answer was lost is not `NotFound` on the
 * retry; `failedDeliveries` skips an event id no request can name; unknown event types are sent as they are.
 */
import { Errors, Exa, WebhooksClient } from "@effect-exa/client"
import { EventType, type Webhook } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { inspect } from "node:util"
import { recordingTracer } from "./tracer.js"

interface Sent {
  readonly method: string
  readonly path: string
  readonly body: string
}

// A server answering each request with `answer(request, n)` (n counts from 0); `undefined` never answers.
const scripted = (answer: (sent: Sent, n: number) => Response | undefined) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) => {
    const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
    const one = { method: request.method, path: url.pathname, body }
    const response = answer(one, sent.length)
    sent.push(one)
    return response === undefined ? Effect.never : Effect.succeed(HttpClientResponse.fromWeb(request, response))
  })
  return { sent, layer: over(client) }
}

// The connection the tests use, over `client`: 1 s per attempt, retries 10 ms apart.
const over = (client: HttpClient.HttpClient) =>
  Exa.layer({
    apiKey: Redacted.make("k-webhooks"),
    timeout: "1 second",
    retry: { initialDelay: "10 millis", jitter: false }
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))

const json = (status: number, body: unknown) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" }
  })

const secret = "whsec_0123456789abcdef0123456789abcdef0123456789abcdef"
const params: WebhooksClient.CreateWebhookParams = { events: ["webset.idle"], url: "https://example.com/exa" }

// Everything an error can show: its fields, its message, how it prints.
const shown = (error: unknown) => JSON.stringify(error) + String(error) + inspect(error, { depth: 10 })

describe("createWebhook: an answer that does not decode", () => {
  it.effect("keeps no secret in the body, the reason or the message, and says a webhook may exist (with its id)", () =>
    Effect.gen(function*() {
      const answers = [
        // An object with a bad field: the secret is replaced, the rest kept, the id named.
        JSON.stringify({ ...Fixtures.webhook, secret, events: 42 }),
        // The secret echoed in another field too.
        JSON.stringify({ ...Fixtures.webhook, secret, status: `odd ${secret}`, note: { secret } }),
        // The whole answer a JSON string (the reason would quote it), or not JSON at all.
        JSON.stringify(secret),
        secret,
        JSON.stringify([secret])
      ]
      for (const answer of answers) {
        const server = scripted(() => json(201, answer))
        const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer)))
        assert(error._tag === "Decode", `${answer}: ${error._tag}`)
        expect(shown(error), answer).not.toContain(secret.slice(6, 30))
        expect(error.message).toContain("A webhook may have been created")
        expect(error.message).toContain("listWebhooks")
        if (answer.startsWith("{")) {
          expect(error.message).toContain(`(id "${Fixtures.webhook.id}")`)
          expect(error.body).toContain("<redacted>")
          expect(error.body).toContain(Fixtures.webhook.url)
        } else {
          expect(error.body).toBe("")
        }
        // Never retried: one webhook at most.
        expect(server.sent).toHaveLength(1)
      }
    }))

  it.effect("keeps the secret out of the call's span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const server = scripted(() => json(201, secret))
      const error = yield* Effect.flip(
        WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer), Effect.withTracer(tracer))
      )
      expect(error._tag).toBe("Decode")
      const span = spans.find((s) => s.name === "WebhooksClient.createWebhook")
      assert(span !== undefined)
      expect(inspect(spans, { depth: 12 })).not.toContain(secret.slice(6, 30))
    }))

  it.effect("an answer that decodes is untouched: the secret is there, Redacted", () =>
    Effect.gen(function*() {
      const server = scripted(() => json(201, { ...Fixtures.webhook, secret }))
      const created = yield* WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer))
      expect(Redacted.value(created.secret)).toBe(secret)
    }))
})

describe("deleteWebhook after a lost answer", () => {
  // The first attempt answered with `first` (or never), every later one with a 404.
  const gone = (first: Response | undefined) =>
    scripted((_, i) => (i === 0 ? first : json(404, { error: "Webhook not found" })))

  it.effect("a 404 to the retry after a timeout is the delete that succeeded: Option.none()", () =>
    Effect.gen(function*() {
      const server = gone(undefined)
      const fiber = yield* Effect.fork(WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(server.layer)))
      yield* TestClock.adjust("2 seconds")
      const result = yield* Fiber.join(fiber)
      expect(Option.isNone(result)).toBe(true)
      expect(server.sent.map((s) => s.method)).toEqual(["DELETE", "DELETE"])
    }))

  it.effect("after a 5xx too; but after a 429 (not acted on), or at the first attempt, a 404 is NotFound", () =>
    Effect.gen(function*() {
      const after503 = gone(json(503, { error: "busy" }))
      const fiber = yield* Effect.fork(WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(after503.layer)))
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* Fiber.join(fiber))).toBe(true)

      const after429 = gone(json(429, { error: "slow down" }))
      const limited = yield* Effect.fork(
        Effect.flip(WebhooksClient.deleteWebhook("webhook_1")).pipe(Effect.provide(after429.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(limited))._tag).toBe("NotFound")

      const first = scripted(() => json(404, { error: "Webhook not found" }))
      const error = yield* Effect.flip(WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(first.layer)))
      assert(error._tag === "NotFound")
      expect(error.resource).toBe("webhook")
    }))

  it.effect("after exactly a 500 too, and the call's span says the 404 was taken as the delete that succeeded", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const server = gone(json(500, { error: "oops" }))
      const fiber = yield* Effect.fork(
        WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(server.layer), Effect.withTracer(tracer))
      )
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* Fiber.join(fiber))).toBe(true)
      const span = spans.find((s) => s.name === "WebhooksClient.deleteWebhook")
      expect(span?.attributes.get("exa.gone_after_retry")).toBe(true)
    }))

  it.effect("after a connection lost once the request was sent too; not after one that never opened", () =>
    Effect.gen(function*() {
      // The first attempt fails in the transport with `code`; every later one is answered 404.
      const lostThen404 = (code: string) => {
        const sent: Array<string> = []
        const client = HttpClient.make((request) => {
          sent.push(request.method)
          return sent.length === 1
            ? Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: Object.assign(new Error(`read ${code}`), { code })
              })
            )
            : Effect.succeed(HttpClientResponse.fromWeb(request, json(404, { error: "Webhook not found" })))
        })
        return { sent, layer: over(client) }
      }
      const reset = lostThen404("ECONNRESET")
      const afterReset = yield* Effect.fork(WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(reset.layer)))
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* Fiber.join(afterReset))).toBe(true)
      expect(reset.sent).toEqual(["DELETE", "DELETE"])

      const refused = lostThen404("ECONNREFUSED")
      const afterRefused = yield* Effect.fork(
        Effect.flip(WebhooksClient.deleteWebhook("webhook_1")).pipe(Effect.provide(refused.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(afterRefused))._tag).toBe("NotFound")
      expect(refused.sent).toEqual(["DELETE", "DELETE"])
    }))

  it.effect("but after a 408 or a 409 (retried, yet the server did not act), a 404 is NotFound", () =>
    Effect.gen(function*() {
      for (const status of [408, 409]) {
        const server = gone(json(status, { error: "not now" }))
        const fiber = yield* Effect.fork(
          Effect.flip(WebhooksClient.deleteWebhook("webhook_1")).pipe(Effect.provide(server.layer))
        )
        yield* TestClock.adjust("2 seconds")
        expect((yield* Fiber.join(fiber))._tag, String(status)).toBe("NotFound")
        expect(server.sent.map((s) => s.method)).toEqual(["DELETE", "DELETE"])
      }
    }))

  it.effect("after a timeout, only a 404 is taken as the delete that succeeded: a 503 to every retry is still ApiError", () =>
    Effect.gen(function*() {
      const server = scripted((_, i) => (i === 0 ? undefined : json(503, { error: "busy" })))
      const fiber = yield* Effect.fork(
        Effect.flip(WebhooksClient.deleteWebhook("webhook_1")).pipe(Effect.provide(server.layer))
      )
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert(error._tag === "ApiError")
      expect(error.status).toBe(503)
    }))

  it.effect("only the delete: a GET retried after a timeout still reports NotFound", () =>
    Effect.gen(function*() {
      const server = gone(undefined)
      const fiber = yield* Effect.fork(
        Effect.flip(WebhooksClient.getWebhook("webhook_1")).pipe(Effect.provide(server.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(fiber))._tag).toBe("NotFound")
    }))

  it.effect("deletes keep to the client's rate limit like every other call", () =>
    Effect.gen(function*() {
      const sent: Array<string> = []
      const client = HttpClient.make((request) => {
        sent.push(request.method)
        return Effect.succeed(HttpClientResponse.fromWeb(request, json(200, Fixtures.webhook)))
      })
      const layer = Exa.layer({
        apiKey: Redacted.make("k-webhooks"),
        rateLimit: { limit: 1, interval: "1 second" }
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
      const deletes = yield* Effect.fork(
        Effect.all([1, 2, 3].map(() => WebhooksClient.deleteWebhook(Fixtures.webhook.id)), { concurrency: 3 }).pipe(
          Effect.provide(layer)
        )
      )
      yield* TestClock.adjust("10 millis")
      expect(sent).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      expect(sent).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(deletes)).every(Option.isSome)).toBe(true)
      expect(sent).toEqual(["DELETE", "DELETE", "DELETE"])
    }))

  it.effect("a delete answered at once returns the webhook", () =>
    Effect.gen(function*() {
      const server = scripted(() => json(200, Fixtures.webhook))
      const deleted = yield* WebhooksClient.deleteWebhook(Fixtures.webhook.id).pipe(Effect.provide(server.layer))
      expect(Option.map(deleted, (w) => w.id)).toEqual(Option.some(Fixtures.webhook.id))
    }))
})

describe("failedDeliveries", () => {
  const event = (id: string) => Fixtures.make("webset.idle", { id })
  const attempt = (eventId: string, at: string) => ({ ...Fixtures.webhookAttempt, eventId, attemptedAt: at })

  it.effect("skips an event id no request can name, reports it typed, and replays the rest", () =>
    Effect.gen(function*() {
      const attempts = [
        attempt("ev_2", "2026-11-30T10:00:03.000Z"),
        attempt("..", "2026-11-30T10:00:02.000Z"),
        attempt("ev_1", "2026-11-30T10:00:01.000Z")
      ]
      const server = scripted((sent) => {
        if (sent.path.endsWith("/attempts")) return json(200, { data: attempts, hasMore: false, nextCursor: null })
        const id = sent.path.split("/").pop()!
        return json(200, event(id))
      })
      const skipped: Array<WebhooksClient.SkippedDelivery> = []
      const replayed = yield* WebhooksClient.failedDeliveries("webhook_1", {
        since: "2026-11-30T00:00:00Z",
        onSkipped: (s) => Effect.sync(() => skipped.push(s))
      }).pipe(Stream.map((e) => e.id), Stream.runCollect, Effect.provide(server.layer))
      expect([...replayed]).toEqual(["ev_1", "ev_2"])
      expect(skipped.map((s) => s.eventId)).toEqual([".."])
      assert(skipped[0]!.error instanceof Errors.InvalidRequest)
      // Without onSkipped, the same replay goes through too (a warning is logged).
      const again = yield* WebhooksClient.failedDeliveries("webhook_1", { since: "2026-11-30T00:00:00Z" }).pipe(
        Stream.runCollect,
        Effect.provide(server.layer)
      )
      expect(again.length).toBe(2)
    }))
})

describe("event types this version does not know", () => {
  it.effect("are sent as they are on create and update, so a copied subscription keeps them", () =>
    Effect.gen(function*() {
      const future = EventType.UnrecognizedEventType.make("webset.future.thing")
      const server = scripted((sent) =>
        json(200, {
          ...Fixtures.webhook,
          events: ["webset.idle", "webset.future.thing"],
          secret: sent.method === "POST" ? secret : null
        })
      )
      const created = yield* WebhooksClient.createWebhook({
        events: ["webset.idle", future],
        url: "https://example.com/exa"
      }).pipe(
        Effect.provide(server.layer)
      )
      const copy: ReadonlyArray<EventType.AnyEventType> = created.events
      yield* WebhooksClient.updateWebhook(created.id, { events: copy }).pipe(Effect.provide(server.layer))
      for (const sent of server.sent) {
        expect(JSON.parse(sent.body).events).toEqual(["webset.idle", "webset.future.thing"])
      }
    }))

  it.effect("but a value not shaped like a type is refused before sending", () =>
    Effect.gen(function*() {
      const server = scripted(() => json(200, Fixtures.webhook))
      for (const bad of ["", "Webset Idle", "webset", "https://evil.example/x", `webset.${"x".repeat(100)}`]) {
        const error = yield* Effect.flip(
          WebhooksClient.createWebhook({
            events: [bad as Webhook.Webhook["events"][number]],
            url: "https://example.com"
          })
            .pipe(Effect.provide(server.layer))
        )
        expect(error._tag, bad).toBe("InvalidRequest")
      }
      expect(server.sent).toEqual([])
    }))
})
