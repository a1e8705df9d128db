/**
 * The emulator's webhooks part, with the Effect 4 `WebhooksClient` over `ExaApi.layerClient`: the management calls,
 * real deliveries (signed POSTs to a receiver on loopback, attempts, retries on the Effect clock, receivers made down,
 * timeouts) with `failedDeliveries` on top, deliveries owned by the caller's scope, and the endpoints' answers. Ported
 * from the Effect 3 line's `WebhooksClient.test.ts`, over the in-memory `HttpClient` (`ExaApiServer`, the same emulator
 * on loopback, has its own tests).
 */
import { type Errors, WebhooksClient, WebhookSignature } from "@effect-exa/client"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { receiver } from "./receiver.js"

const fast = { retry: { initialDelay: "5 millis", jitter: false } } as const

const idle = Fixtures.make("webset.idle", { id: "ev_idle", createdAt: "2026-11-30T10:00:00.000Z" })
const created = Fixtures.make("webset.created", { id: "ev_created", createdAt: "2026-11-30T10:00:01.000Z" })
const enriched = Fixtures.make("webset.item.enriched", { id: "ev_enriched", createdAt: "2026-11-30T10:00:02.000Z" })

describe("WebhooksClient over the emulator", () => {
  it.live("create, get, update, list, delete: the secret only on create, NotFound names the webhook", () =>
    Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle", "webset.item.enriched"],
        url: "https://example.com/exa",
        metadata: { team: "growth" }
      })
      expect(hook.status).toBe("active")
      expect(hook.events).toEqual(["webset.idle", "webset.item.enriched"])
      expect(hook.url).toBe("https://example.com/exa")
      expect(hook.metadata).toEqual({ team: "growth" })
      assert(Redacted.isRedacted(hook.secret))
      expect(Redacted.value(hook.secret)).toMatch(/^whsec_[0-9a-f]{48}$/)
      expect(DateTime.isDateTime(hook.createdAt)).toBe(true)

      const fetched = yield* WebhooksClient.getWebhook(hook.id)
      expect(fetched.secret).toBeNull()
      expect(fetched.id).toBe(hook.id)

      const updated = yield* WebhooksClient.updateWebhook(hook.id, {
        events: ["monitor.created"],
        metadata: { a: "b" }
      })
      expect(updated.events).toEqual(["monitor.created"])
      expect(updated.url).toBe("https://example.com/exa")
      expect(updated.metadata).toEqual({ a: "b" })
      expect(updated.status).toBe("active")
      expect(updated.secret).toBeNull()
      // An empty update is valid: nothing changes.
      expect((yield* WebhooksClient.updateWebhook(hook.id, {})).events).toEqual(["monitor.created"])

      const page = yield* WebhooksClient.listWebhooks()
      expect(page.data.map((w) => w.id)).toEqual([hook.id])
      expect(page.data[0]!.secret).toBeNull()

      const deleted = yield* WebhooksClient.deleteWebhook(hook.id)
      expect(Option.getOrThrow(deleted).id).toBe(hook.id)
      for (
        const call of [
          WebhooksClient.getWebhook(hook.id) as Effect.Effect<
            unknown,
            Errors.GetWebhookError,
            WebhooksClient.WebhooksClient
          >,
          WebhooksClient.updateWebhook(hook.id, { url: "https://example.com/x" }),
          WebhooksClient.deleteWebhook(hook.id),
          WebhooksClient.listAttempts(hook.id)
        ]
      ) {
        const error = yield* Effect.flip(call)
        assert(error._tag === "NotFound")
        expect(error.resource).toBe("webhook")
        expect(error.id).toBe(hook.id)
        expect(error.message).toBe(`Webhook ${JSON.stringify(hook.id)} not found`)
      }
    }).pipe(Effect.provide(ExaApi.layerClient({ client: fast }))))
})

describe("the emulator delivers for real", () => {
  const layer = (options: ExaApi.Options = {}) => ExaApi.layerClient({ client: fast, ...options })
  const quick = { retry: Schedule.max([Schedule.spaced("30 seconds"), Schedule.recurs(2)]) }

  it.effect("an added event is POSTed, signed, to each active webhook subscribed to its type, and recorded", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const other = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
      yield* WebhooksClient.createWebhook({ events: ["monitor.created"], url: other.url })
      yield* api.addEvents([idle, created])
      yield* api.flush
      expect(target.received).toHaveLength(1)
      expect(other.received).toHaveLength(0)
      const delivery = target.received[0]!
      expect(delivery.headers["content-type"]).toBe("application/json")
      const event = yield* WebhookSignature.verify({
        secret: hook.secret,
        header: delivery.headers["exa-signature"],
        body: delivery.body,
        tolerance: "1000 days"
      })
      expect(event.id).toBe("ev_idle")
      const attempts = yield* WebhooksClient.listAttempts(hook.id)
      expect(attempts.data).toHaveLength(1)
      const attempt = attempts.data[0]!
      expect(attempt).toMatchObject({
        object: "webhook_attempt",
        eventId: "ev_idle",
        eventType: "webset.idle",
        webhookId: hook.id,
        url: target.url,
        successful: true,
        responseStatusCode: 200,
        responseBody: "ok",
        attempt: 1
      })
      expect(attempt.responseHeaders["content-type"]).toBe("text/plain")
      expect((yield* api.deliveries).map((d) => d.eventId)).toEqual(["ev_idle"])
    }).pipe(Effect.provide(layer())))

  it.effect("a failed delivery is retried on the schedule (TestClock), newest attempt first in the list", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
      target.answer = () => ({ status: 500, body: "boom" })
      yield* api.addEvents([idle])
      yield* api.flush
      expect(target.received).toHaveLength(1)
      yield* TestClock.adjust("29 seconds")
      yield* api.flush
      expect(target.received).toHaveLength(1)
      target.answer = () => ({ status: 204 })
      yield* TestClock.adjust("1 second")
      yield* api.flush
      expect(target.received).toHaveLength(2)
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.map((a) => [a.attempt, a.successful, a.responseStatusCode])).toEqual([[2, true, 204], [
        1,
        false,
        500
      ]])
      expect(attempts[1]!.responseBody).toBe("boom")
      const failed = (yield* WebhooksClient.listAttempts(hook.id, { successful: false })).data
      expect(failed.map((a) => a.attempt)).toEqual([1])
      expect((yield* WebhooksClient.listAttempts(hook.id, { eventType: "monitor.created" })).data).toEqual([])
      // Nothing more is tried after a success.
      yield* TestClock.adjust("1 hour")
      yield* api.flush
      expect(target.received).toHaveLength(2)
    }).pipe(Effect.provide(layer({ delivery: quick }))))

  it.effect("gives up when the schedule is done; a 3xx fails and is not followed; a dropped connection fails", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const elsewhere = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
      let n = 0
      target.answer = () => (n++ === 0 ? { status: 302, headers: { location: elsewhere.url } } : "drop")
      yield* api.addEvents([idle])
      yield* api.flush
      for (let i = 0; i < 4; i++) {
        yield* TestClock.adjust("30 seconds")
        yield* api.flush
      }
      expect(target.received).toHaveLength(3)
      expect(elsewhere.received).toHaveLength(0)
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.map((a) => [a.attempt, a.successful, a.responseStatusCode])).toEqual([
        [3, false, 0],
        [2, false, 0],
        [1, false, 302]
      ])
    }).pipe(Effect.provide(layer({ delivery: quick }))))

  it.effect("a receiver made down fails its deliveries without being reached; inactive and deleted webhooks get nothing", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle", "webset.created"], url: target.url })
      yield* api.receiverDown(hook.id, "45 seconds")
      yield* api.addEvents([idle])
      yield* api.flush
      expect(target.received).toHaveLength(0)
      yield* TestClock.adjust("30 seconds")
      yield* api.flush
      expect(target.received).toHaveLength(0)
      yield* TestClock.adjust("30 seconds")
      yield* api.flush
      expect(target.received).toHaveLength(1)
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.map((a) => [a.successful, a.responseStatusCode])).toEqual([[true, 200], [false, 0], [false, 0]])
      expect(attempts[2]!.responseBody).toBeNull()

      yield* api.setWebhookStatus(hook.id, "inactive")
      expect((yield* WebhooksClient.getWebhook(hook.id)).status).toBe("inactive")
      yield* api.addEvents([created])
      yield* api.flush
      expect(target.received).toHaveLength(1)
      yield* api.setWebhookStatus(hook.id, "active")
      target.answer = () => ({ status: 500 })
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_idle_2" })])
      yield* api.flush
      expect(target.received).toHaveLength(2)
      yield* WebhooksClient.deleteWebhook(hook.id)
      yield* TestClock.adjust("10 minutes")
      yield* api.flush
      expect(target.received).toHaveLength(2)
    }).pipe(Effect.provide(layer({ delivery: quick }))))

  it.effect("a receiver slower than the delivery timeout fails the attempt", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
      target.answer = () => new Promise(() => {})
      yield* api.addEvents([idle])
      const flushing = yield* Effect.forkChild(api.flush)
      // Until the receiver has the request, the clock must not move past the timeout.
      while (target.received.length === 0) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.await(flushing)
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.map((a) => [a.successful, a.responseStatusCode])).toEqual([[false, 0]])
    }).pipe(Effect.provide(layer({ delivery: { ...quick, timeout: "10 seconds" } }))))

  it.effect("failedDeliveries: exactly the events whose attempts all failed, each once, oldest first, fetched with getEvent", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle", "webset.created", "webset.item.enriched"],
        url: target.url
      })
      const start = DateTime.makeUnsafe(yield* Clock.currentTimeMillis)
      // idle: fails every time; created: fails, then succeeds; enriched: succeeds at once.
      target.answer = (request) =>
        request.body.includes("\"ev_created\"") &&
          target.received.filter((r) => r.body.includes("\"ev_created\"")).length > 1
          ? { status: 200 }
          : request.body.includes("\"ev_enriched\"")
          ? { status: 200 }
          : { status: 503 }
      yield* api.addEvents([idle])
      yield* api.flush
      yield* TestClock.adjust("1 second")
      yield* api.addEvents([created, enriched])
      yield* api.flush
      for (let i = 0; i < 3; i++) {
        yield* TestClock.adjust("30 seconds")
        yield* api.flush
      }
      const attempts = yield* Stream.runCollect(WebhooksClient.streamAttempts(hook.id, { limit: 2 }))
      expect(attempts.filter((a) => a.eventId === "ev_idle")).toHaveLength(3)
      const missed = yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since: start }))
      expect(missed.map((e) => e.id)).toEqual(["ev_idle"])
      expect(missed[0]!.type).toBe("webset.idle")
      // Looking only at attempts after every one was made: nothing.
      const later = DateTime.add(DateTime.makeUnsafe(yield* Clock.currentTimeMillis), { seconds: 1 })
      expect(yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since: later }))).toHaveLength(0)
      // An event the API no longer has ends the stream with NotFound naming it.
      yield* api.removeEvent("ev_idle")
      const error = yield* Effect.flip(Stream.runDrain(WebhooksClient.failedDeliveries(hook.id, { since: start })))
      assert(error._tag === "NotFound")
      expect([error.resource, error.id]).toEqual(["event", "ev_idle"])
    }).pipe(Effect.provide(layer({ delivery: quick }))))
})

describe("ExaApi.make", () => {
  it.live("its deliveries live in the scope it is built in: once that scope closes, none runs by itself", () =>
    Effect.scoped(Effect.gen(function*() {
      const target = yield* receiver
      const owned = yield* Scope.make()
      const api = yield* Scope.provide(ExaApi.make(), owned)
      const created = yield* api.handle({
        method: "POST",
        url: new URL("http://emulator/websets/v0/webhooks"),
        headers: { "x-api-key": Redacted.value(api.apiKey) },
        body: JSON.stringify({ events: ["webset.idle"], url: target.url })
      })
      assert(created._tag === "Reply" && created.reply.status === 200)
      yield* api.addEvents([idle])
      yield* api.flush
      expect(target.received).toHaveLength(1)
      yield* Scope.close(owned, Exit.void)
      // The background loop is gone with the scope: a new event waits for an explicit flush.
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_after_close" })])
      yield* Effect.sleep("300 millis")
      expect(target.received).toHaveLength(1)
      expect(yield* api.deliveries).toHaveLength(1)
    })))
})

describe("the emulator's webhooks endpoints", () => {
  it.effect("answer like the API: 400 for bad bodies and queries, 404 for unknown ids", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const key = Redacted.value(api.apiKey)
      const call = (method: string, path: string, body?: string) =>
        Effect.map(
          api.handle({ method, url: new URL(`http://emulator${path}`), headers: { "x-api-key": key }, body }),
          (outcome) => (outcome._tag === "Reply"
            ? [outcome.reply.status, JSON.parse(outcome.reply.body)] as const
            : [0, null] as const)
        )
      for (
        const body of [
          "{",
          "[]",
          JSON.stringify({ events: [], url: "https://x.test" }),
          JSON.stringify({ events: Array(20).fill("webset.idle"), url: "https://x.test" }),
          JSON.stringify({ events: ["webset.completed"], url: "https://x.test" }),
          JSON.stringify({ events: ["webset.idle"], url: "not a url" }),
          JSON.stringify({ events: ["webset.idle"], url: "https://x.test", metadata: { a: 1 } }),
          JSON.stringify({ events: ["webset.idle"], url: "https://x.test", status: "inactive" })
        ]
      ) {
        const [status, json] = yield* call("POST", "/websets/v0/webhooks", body)
        expect(status, body).toBe(400)
        expect(typeof json.error).toBe("string")
      }
      const [ok, hook] = yield* call(
        "POST",
        "/websets/v0/webhooks",
        JSON.stringify({ events: ["webset.idle"], url: "https://x.test" })
      )
      expect(ok).toBe(200)
      expect(hook.metadata).toEqual({})
      expect(typeof hook.secret).toBe("string")
      expect((yield* call("GET", `/websets/v0/webhooks/${hook.id}`))[1].secret).toBeNull()
      expect((yield* call("GET", "/websets/v0/webhooks/webhook_missing"))[0]).toBe(404)
      expect((yield* call("GET", "/websets/v0/webhooks/webhook_missing/attempts"))[0]).toBe(404)
      expect((yield* call("GET", "/websets/v0/webhooks?limit=0"))[0]).toBe(400)
      expect((yield* call("GET", "/websets/v0/webhooks?cursor=bogus"))[0]).toBe(400)
      expect((yield* call("GET", `/websets/v0/webhooks/${hook.id}/attempts?successful=maybe`))[0]).toBe(400)
      expect((yield* call("GET", `/websets/v0/webhooks/${hook.id}/attempts?successful=True`))[0]).toBe(200)
      expect((yield* call("GET", `/websets/v0/webhooks/${hook.id}/attempts?eventType=x`))[0]).toBe(400)
      const unauthorized = yield* api.handle({
        method: "GET",
        url: new URL("http://emulator/websets/v0/webhooks"),
        headers: {}
      })
      assert(unauthorized._tag === "Reply")
      expect(unauthorized.reply.status).toBe(401)
    }).pipe(Effect.provide(ExaApi.layer())))
})
