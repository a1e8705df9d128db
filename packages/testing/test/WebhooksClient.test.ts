/**
 * The webhooks API: the client's calls over every transport against the emulator, parameter checks, and the
 * emulator's real deliveries (signed POSTs to a receiver on loopback, attempts, retries on the Effect clock) with
 * `failedDeliveries` on top.
 */
import { type Errors, WebhooksClient, WebhookSignature } from "@effect-exa/client"
import { Webhook } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as util from "node:util"
import { receiver } from "./receiver.js"
import { type ClientOptions, transports } from "./transports.js"

const fast: ClientOptions = { retry: { initialDelay: "5 millis", jitter: false } }

const idle = Fixtures.make("webset.idle", { id: "ev_idle", createdAt: "2026-11-30T10:00:00.000Z" })
const created = Fixtures.make("webset.created", { id: "ev_created", createdAt: "2026-11-30T10:00:01.000Z" })
const enriched = Fixtures.make("webset.item.enriched", { id: "ev_enriched", createdAt: "2026-11-30T10:00:02.000Z" })

for (const transport of transports) {
  describe(`WebhooksClient over ${transport.name}`, () => {
    const run = <A, E>(
      effect: Effect.Effect<A, E, WebhooksClient.WebhooksClient | ExaApi.ExaApi>,
      client: ClientOptions = fast
    ) => effect.pipe(Effect.provide(transport.layer({}, client)), Effect.scoped)

    it.live("create, get, update, list, delete: the secret only on create, NotFound names the webhook", () =>
      run(Effect.gen(function*() {
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
      })))

    it.live("attempts and failedDeliveries over this transport: a delivery that failed is found and fetched", () =>
      Effect.gen(function*() {
        const target = yield* receiver
        const api = yield* ExaApi.ExaApi
        const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle", "webset.created"], url: target.url })
        const since = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
        target.answer = (request) => (request.body.includes("\"ev_idle\"") ? { status: 500 } : { status: 200 })
        yield* api.addEvents([idle, created])
        yield* api.flush
        const page = yield* WebhooksClient.listAttempts(hook.id, { limit: 1 })
        expect(page.data).toHaveLength(1)
        assert(page.hasMore)
        const all = Chunk.toReadonlyArray(
          yield* Stream.runCollect(WebhooksClient.streamAttempts(hook.id, { limit: 1 }))
        )
        expect(all.map((a) => [a.eventId, a.successful]).sort()).toEqual([["ev_created", true], ["ev_idle", false]])
        const failed = yield* WebhooksClient.listAttempts(hook.id, { successful: false, eventType: "webset.idle" })
        expect(failed.data.map((a) => a.eventId)).toEqual(["ev_idle"])
        const missed = Chunk.toReadonlyArray(
          yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since }))
        )
        expect(missed.map((e) => e.id)).toEqual(["ev_idle"])
      }).pipe(
        Effect.provide(transport.layer({ events: [idle, created], delivery: { retry: Schedule.stop } }, fast)),
        Effect.scoped
      ))

    it.live("streamWebhooks walks every page; listWebhooks pages with limit and cursor", () =>
      run(Effect.gen(function*() {
        const ids: Array<string> = []
        for (let i = 0; i < 7; i++) {
          ids.push(
            (yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: `https://example.com/${i}` })).id
          )
        }
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(WebhooksClient.streamWebhooks({ limit: 3 })))
        expect(all.map((w) => w.id).sort()).toEqual([...ids].sort())
        const first = yield* WebhooksClient.listWebhooks({ limit: 3 })
        expect(first.data).toHaveLength(3)
        assert(first.hasMore && first.nextCursor !== null)
        const second = yield* WebhooksClient.listWebhooks({ limit: 3, cursor: first.nextCursor })
        expect(second.data.map((w) => w.id)).not.toContain(first.data[0]!.id)
        const requests = (yield* ExaApi.ExaApi.pipe(Effect.flatMap((api) => api.requests))).filter((r) =>
          r.method === "GET"
        )
        expect(requests.some((r) => r.query.some(([k, v]) => k === "limit" && v === "3"))).toBe(true)
      })))
  })
}

describe("WebhooksClient parameters", () => {
  const run = <A, E>(effect: Effect.Effect<A, E, WebhooksClient.WebhooksClient | ExaApi.ExaApi>) =>
    effect.pipe(Effect.provide(ExaApi.layerClient({ client: fast })), Effect.scoped)

  it.effect("every bad argument is an InvalidRequest in the error channel, and nothing is sent", () =>
    run(Effect.gen(function*() {
      const bad: Array<Effect.Effect<unknown, unknown, WebhooksClient.WebhooksClient>> = [
        WebhooksClient.createWebhook({ events: [], url: "https://example.com" }),
        WebhooksClient.createWebhook({ events: ["Webset Done" as any], url: "https://example.com" }),
        WebhooksClient.createWebhook({ events: ["https://evil.example/x" as any], url: "https://example.com" }),
        WebhooksClient.createWebhook({ events: [`webset.${"x".repeat(100)}` as any], url: "https://example.com" }),
        WebhooksClient.createWebhook({ events: "webset.idle" as any, url: "https://example.com" }),
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "http://example.com/hook" }),
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "/hook" }),
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "ftp://example.com/hook" }),
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: 42 as any }),
        WebhooksClient.createWebhook({
          events: ["webset.idle"],
          url: "https://example.com",
          metadata: { a: 1 as any }
        }),
        WebhooksClient.createWebhook({
          events: ["webset.idle"],
          url: "https://example.com",
          metadata: { a: "x".repeat(1001) }
        }),
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com", metadata: [] as any }),
        WebhooksClient.createWebhook(null as any),
        WebhooksClient.createWebhook(undefined as any),
        WebhooksClient.createWebhook({
          get events(): never {
            throw new Error("hostile getter")
          },
          url: "https://example.com"
        }),
        WebhooksClient.getWebhook(""),
        WebhooksClient.getWebhook(".."),
        WebhooksClient.getWebhook(7 as any),
        WebhooksClient.getWebhook("\uD800"),
        WebhooksClient.updateWebhook("webhook_1", { events: [] }),
        WebhooksClient.updateWebhook("webhook_1", { url: "javascript:alert(1)" }),
        WebhooksClient.updateWebhook("webhook_1", null as any),
        WebhooksClient.deleteWebhook(null as any),
        WebhooksClient.listWebhooks({ limit: 0 }),
        WebhooksClient.listWebhooks({ limit: 201 }),
        WebhooksClient.listWebhooks({ cursor: "" }),
        WebhooksClient.listAttempts("webhook_1", { eventType: "nope" as any }),
        WebhooksClient.listAttempts("webhook_1", { successful: "yes" as any }),
        WebhooksClient.listAttempts("webhook_1", { limit: 1.5 }),
        WebhooksClient.listAttempts("", {}),
        Stream.runDrain(WebhooksClient.streamAttempts("webhook_1", { limit: -1 })),
        Stream.runDrain(WebhooksClient.streamWebhooks({ limit: "3" as any })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", {} as any)),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: "yesterday" })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: new Date(NaN) })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: new Date(0), concurrency: 0 }))
      ]
      for (const call of bad) {
        const exit = yield* Effect.exit(call)
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail", `expected a typed failure, got ${String(exit)}`)
        expect((exit.cause.error as Errors.ExaError)._tag).toBe("InvalidRequest")
      }
      const api = yield* ExaApi.ExaApi
      expect(yield* api.requests).toEqual([])
    })))

  it.effect("a plain http URL is allowed to a loopback receiver; repeated event types are sent once", () =>
    run(Effect.gen(function*() {
      for (const url of ["http://localhost:3000/hook", "http://127.0.0.1:9/x", "http://[::1]:8080/"]) {
        const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle", "webset.idle"], url })
        expect(hook.url).toBe(url)
        expect(hook.events).toEqual(["webset.idle"])
      }
    })))

  it.effect("a metadata key named __proto__ is sent and comes back", () =>
    run(Effect.gen(function*() {
      const metadata = JSON.parse(`{"__proto__": "x", "b": "y"}`) as Record<string, string>
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle"],
        url: "https://example.com",
        metadata
      })
      expect(Object.keys(hook.metadata!)).toEqual(["__proto__", "b"])
      expect(Object.getOwnPropertyDescriptor(hook.metadata, "__proto__")?.value).toBe("x")
    })))

  it.effect("the secret stays redacted: not in String, JSON, inspect or logs", () =>
    run(Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
      const secret = Redacted.value(hook.secret)
      expect(JSON.stringify(hook)).not.toContain(secret)
      expect(util.inspect(hook, { depth: 10 })).not.toContain(secret)
      expect(String(hook.secret)).not.toContain(secret)
    })))

  it.effect("createWebhook is not retried once the request may have reached the server, but is after a 429", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Status", status: 503 })
      const error = yield* Effect.flip(
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
      )
      expect(error._tag).toBe("ApiError")
      expect((yield* api.requests).filter((r) => r.method === "POST")).toHaveLength(1)
      yield* api.failNext({ _tag: "Transport" })
      expect(
        (yield* Effect.flip(WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })))._tag
      )
        .toBe("Transport")
      expect((yield* api.requests).filter((r) => r.method === "POST")).toHaveLength(2)
      yield* api.reset
      yield* api.failNext({ _tag: "RateLimited" })
      const fiber = yield* Effect.fork(
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
      )
      yield* TestClock.adjust("1 second")
      const hook = yield* fiber.await
      assert(Exit.isSuccess(hook))
      expect((yield* api.requests).filter((r) => r.method === "POST")).toHaveLength(2)
      // One webhook: the scripted failures never reached the emulator's handler.
      expect((yield* api.webhooks).length).toBe(1)
      // GETs are retried as ever.
      yield* api.failNext({ _tag: "Status", status: 503 })
      const got = yield* Effect.fork(WebhooksClient.getWebhook(hook.value.id))
      yield* TestClock.adjust("1 second")
      assert(Exit.isSuccess(yield* got.await))
    })))

  it.effect("a create response without a secret is a Decode error, keeping the body", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const body = JSON.stringify({ ...Fixtures.webhook, secret: null })
      yield* api.failNext({ _tag: "Body", body })
      const error = yield* Effect.flip(
        WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
      )
      assert(error._tag === "Decode")
      expect(error.body).toBe(body)
    })))
})

describe("the emulator delivers for real", () => {
  const layer = (options: ExaApi.Options = {}) => ExaApi.layerClient({ client: fast, ...options })
  const quick = { retry: Schedule.spaced("30 seconds").pipe(Schedule.intersect(Schedule.recurs(2))) }

  it.scoped("an added event is POSTed, signed, to each active webhook subscribed to its type, and recorded", () =>
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

  it.scoped("a failed delivery is retried on the schedule (TestClock), newest attempt first in the list", () =>
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

  it.scoped("gives up when the schedule is done; a 3xx fails and is not followed; a dropped connection fails", () =>
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

  it.scoped("a receiver made down fails its deliveries without being reached; inactive and deleted webhooks get nothing", () =>
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

  it.scoped("a receiver slower than the delivery timeout fails the attempt", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
      target.answer = () => new Promise(() => {})
      yield* api.addEvents([idle])
      const flushing = yield* Effect.fork(api.flush)
      // Until the receiver has the request, the clock must not move past the timeout.
      while (target.received.length === 0) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
      yield* TestClock.adjust("10 seconds")
      yield* flushing.await
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.map((a) => [a.successful, a.responseStatusCode])).toEqual([[false, 0]])
    }).pipe(Effect.provide(layer({ delivery: { ...quick, timeout: "10 seconds" } }))))

  it.scoped("failedDeliveries: exactly the events whose attempts all failed, each once, oldest first, fetched with getEvent", () =>
    Effect.gen(function*() {
      const target = yield* receiver
      const api = yield* ExaApi.ExaApi
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle", "webset.created", "webset.item.enriched"],
        url: target.url
      })
      const start = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
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
      const attempts = Chunk.toReadonlyArray(
        yield* Stream.runCollect(WebhooksClient.streamAttempts(hook.id, { limit: 2 }))
      )
      expect(attempts.filter((a) => a.eventId === "ev_idle")).toHaveLength(3)
      const missed = Chunk.toReadonlyArray(
        yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since: start }))
      )
      expect(missed.map((e) => e.id)).toEqual(["ev_idle"])
      expect(missed[0]!.type).toBe("webset.idle")
      // Looking only at attempts after every one was made: nothing.
      const later = DateTime.add(DateTime.unsafeMake(yield* Clock.currentTimeMillis), { seconds: 1 })
      expect(Chunk.size(yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since: later })))).toBe(0)
      // An event the API no longer has ends the stream with NotFound naming it.
      yield* api.removeEvent("ev_idle")
      const error = yield* Effect.flip(Stream.runDrain(WebhooksClient.failedDeliveries(hook.id, { since: start })))
      assert(error._tag === "NotFound")
      expect([error.resource, error.id]).toEqual(["event", "ev_idle"])
    }).pipe(Effect.provide(layer({ delivery: quick }))))
})

describe("replay after receivers that fail and recover", () => {
  // Whether the receiver is up at each try, per event, drawn by fast-check; with three tries per event, some events
  // get through on a retry and some never do.
  it.scoped("every event is handled exactly once: by a delivery, or else by the replay", () =>
    Effect.gen(function*() {
      const outcomes = FastCheck.sample(
        FastCheck.array(FastCheck.array(FastCheck.boolean(), { minLength: 3, maxLength: 3 }), {
          minLength: 12,
          maxLength: 12
        }),
        { numRuns: 4, seed: 7 }
      )
      for (const upAt of outcomes) {
        yield* Effect.scoped(
          Effect.gen(function*() {
            const target = yield* receiver
            const api = yield* ExaApi.ExaApi
            const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: target.url })
            const since = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
            const events = upAt.map((_, i) => Fixtures.make("webset.idle", { id: `ev_${i}` }))
            const tries = new Map<string, number>()
            const handled: Array<string> = []
            target.answer = (request) => {
              const id = (JSON.parse(request.body) as { id: string }).id
              const n = tries.get(id) ?? 0
              tries.set(id, n + 1)
              if (!upAt[Number(id.slice(3))]![n]) return { status: 503 }
              handled.push(id)
              return { status: 200 }
            }
            yield* api.addEvents(events)
            yield* api.flush
            for (let i = 0; i < 3; i++) {
              yield* TestClock.adjust("30 seconds")
              yield* api.flush
            }
            const delivered = new Set(handled)
            const replayed = Chunk.toReadonlyArray(
              yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since }))
            ).map((e) => e.id)
            // None lost, none handled twice, and the replay only brings what delivery missed.
            expect(new Set(replayed).size).toBe(replayed.length)
            expect(replayed.filter((id) => delivered.has(id))).toEqual([])
            expect([...delivered, ...replayed].sort()).toEqual(events.map((e) => e.id).sort())
            expect(replayed.length).toBe(upAt.filter((tries) => !tries.some(Boolean)).length)
          }).pipe(
            Effect.provide(
              ExaApi.layerClient({
                client: fast,
                delivery: { retry: Schedule.spaced("30 seconds").pipe(Schedule.intersect(Schedule.recurs(2))) }
              })
            )
          )
        )
      }
    }))
})

describe("ExaApi.make", () => {
  it.live("its deliveries live in the scope it is built in: once that scope closes, none runs by itself", () =>
    Effect.scoped(Effect.gen(function*() {
      const target = yield* receiver
      const owned = yield* Scope.make()
      const api = yield* Scope.extend(ExaApi.make(), owned)
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
    }).pipe(Effect.provide(ExaApi.layer()), Effect.scoped))
})

describe("Webhook schemas", () => {
  it("decode the fixtures, redact the secret, and encode back to the same JSON", () => {
    const decoded = Webhook.decodeEither({ ...Fixtures.webhook, secret: "whsec_abc" })
    assert(Either.isRight(decoded))
    assert(decoded.right.secret !== null)
    expect(Redacted.value(decoded.right.secret)).toBe("whsec_abc")
    expect(Either.isLeft(Webhook.decodeCreatedEither({ ...Fixtures.webhook, secret: null }))).toBe(true)
  })
})
