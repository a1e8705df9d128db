/**
 * WebhooksClient over a stub `HttpClient`: every call against a small in-memory webhooks API (`./webhooksApi.ts`,
 * routed by the clients' own endpoint tables), every bad argument, the create that is never sent twice once it may
 * have arrived, the delete whose answer was lost, a created webhook's secret kept out of every error and span,
 * `failedDeliveries`, event types this version does not know, and the webhook URL rule. Ported from the Effect 3
 * line's `packages/client/test/WebhooksClient.test.ts`, `WebhookUrlRule.test.ts` and
 * `packages/testing/test/WebhooksClient.test.ts` (the emulator's own deliveries are not ported: no emulator here).
 */
import { Errors, EventsClient, Exa, ExaClient, WebhooksClient } from "@effect-exa/client"
import { EventType, type Webhook } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { inspect } from "node:util"
import { idleWith, webhook, webhookAttempt } from "./fixtures.js"
import { json, stub } from "./stub.js"
import { recordingTracer } from "./tracer.js"
import { webhooksApi } from "./webhooksApi.js"

const secret = "whsec_0123456789abcdef0123456789abcdef0123456789abcdef"
const params: WebhooksClient.CreateWebhookParams = { events: ["webset.idle"], url: "https://example.com/exa" }

// Everything an error can show: its fields, its message, how it prints.
const shown = (error: unknown) => JSON.stringify(error) + String(error) + inspect(error, { depth: 10 })

const transportError = (request: HttpClientRequest.HttpClientRequest, code: string) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({ request, cause: Object.assign(new Error(code), { code }) })
  })

const bodyText = (request: HttpClientRequest.HttpClientRequest): string =>
  request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""

// A scripted server over the stub: `answer(request, n)` for the n-th request (from 0); `undefined` never answers.
const scripted = (
  answer: (request: HttpClientRequest.HttpClientRequest, n: number) => Response | undefined
) => {
  let n = 0
  const s = stub((_, request) => {
    const response = answer(request, n++)
    return response === undefined ? Effect.never : Effect.succeed(response)
  })
  const layer = Exa.layer({
    apiKey: Redacted.make("k-webhooks"),
    timeout: "1 second",
    retry: { initialDelay: "10 millis", jitter: false }
  }).pipe(Layer.provide(s.layer))
  return { seen: s.seen, layer }
}

const response = (status: number, body: unknown) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" }
  })

describe("WebhooksClient over the in-memory API", () => {
  it.effect("create, get, update, list, delete: the secret only on create, NotFound names the webhook", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
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
      const post = api.sent("POST")[0]!
      expect(post.url.pathname).toBe("/websets/v0/webhooks")
      expect(JSON.parse(bodyText(post.request))).toEqual({
        events: ["webset.idle", "webset.item.enriched"],
        url: "https://example.com/exa",
        metadata: { team: "growth" }
      })

      const fetched = yield* WebhooksClient.getWebhook(hook.id)
      expect(fetched.secret).toBeNull()
      expect(fetched.id).toBe(hook.id)

      const updated = yield* WebhooksClient.updateWebhook(hook.id, {
        events: ["monitor.created"],
        metadata: { a: "b" }
      })
      expect(api.sent("PATCH").map((s) => JSON.parse(bodyText(s.request)))).toEqual([
        { events: ["monitor.created"], metadata: { a: "b" } }
      ])
      expect(updated.events).toEqual(["monitor.created"])
      expect(updated.url).toBe("https://example.com/exa")
      expect(updated.metadata).toEqual({ a: "b" })
      expect(updated.status).toBe("active")
      expect(updated.secret).toBeNull()
      // An empty update is valid: nothing changes, an empty body is sent.
      expect((yield* WebhooksClient.updateWebhook(hook.id, {})).events).toEqual(["monitor.created"])
      expect(bodyText(api.sent("PATCH")[1]!.request)).toBe("{}")

      const page = yield* WebhooksClient.listWebhooks()
      expect(page.data.map((w) => w.id)).toEqual([hook.id])
      expect(page.data[0]!.secret).toBeNull()

      const deleted = yield* WebhooksClient.deleteWebhook(hook.id)
      expect(Option.getOrThrow(deleted).id).toBe(hook.id)
      const calls: ReadonlyArray<Effect.Effect<unknown, Errors.GetWebhookError, WebhooksClient.WebhooksClient>> = [
        WebhooksClient.getWebhook(hook.id),
        WebhooksClient.updateWebhook(hook.id, { url: "https://example.com/x" }),
        WebhooksClient.deleteWebhook(hook.id),
        WebhooksClient.listAttempts(hook.id)
      ]
      for (const call of calls) {
        const error = yield* Effect.flip(call)
        assert(error._tag === "NotFound")
        expect(error.resource).toBe("webhook")
        expect(error.id).toBe(hook.id)
        expect(error.message).toBe(`Webhook ${JSON.stringify(hook.id)} not found`)
      }
      // The first 404 of a delete is NotFound, not a retried success: one DELETE per call.
      expect(api.sent("DELETE")).toHaveLength(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("streamWebhooks walks every page; listWebhooks pages with limit and cursor", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const ids: Array<string> = []
      for (let i = 0; i < 7; i++) {
        ids.push((yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: `https://example.com/${i}` })).id)
      }
      const all = yield* Stream.runCollect(WebhooksClient.streamWebhooks({ limit: 3 }))
      expect(all.map((w) => w.id)).toEqual(ids)
      expect(api.sent("GET").map((s) => s.url.search)).toEqual(["?limit=3", "?cursor=3&limit=3", "?cursor=6&limit=3"])
      const first = yield* WebhooksClient.listWebhooks({ limit: 3 })
      expect(first.data).toHaveLength(3)
      assert(first.hasMore && first.nextCursor !== null)
      const second = yield* WebhooksClient.listWebhooks({ limit: 3, cursor: first.nextCursor })
      expect(second.data.map((w) => w.id)).toEqual(ids.slice(3, 6))
      // A stream starting at a cursor starts there.
      const tail = yield* Stream.runCollect(WebhooksClient.streamWebhooks({ limit: 3, cursor: "6" }))
      expect(tail.map((w) => w.id)).toEqual(ids.slice(6))
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("listAttempts sends its filters; streamAttempts walks every page, newest first", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook(params)
      const at = (eventId: string, second: number, successful: boolean, eventType = "webset.idle") =>
        api.attempts.push({
          ...webhookAttempt,
          id: `wattempt_${eventId}_${second}`,
          webhookId: hook.id,
          eventId,
          eventType: eventType as never,
          successful,
          attemptedAt: `2026-11-30T10:00:0${second}.000Z`
        })
      at("ev_1", 1, false)
      at("ev_2", 2, true, "webset.created")
      at("ev_1", 3, true)
      const page = yield* WebhooksClient.listAttempts(hook.id, { limit: 1 })
      expect(page.data.map((a) => a.id)).toEqual(["wattempt_ev_1_3"])
      assert(page.hasMore)
      const all = yield* Stream.runCollect(WebhooksClient.streamAttempts(hook.id, { limit: 1 }))
      expect(all.map((a) => a.id)).toEqual(["wattempt_ev_1_3", "wattempt_ev_2_2", "wattempt_ev_1_1"])
      const failed = yield* WebhooksClient.listAttempts(hook.id, { successful: false, eventType: "webset.idle" })
      expect(failed.data.map((a) => a.id)).toEqual(["wattempt_ev_1_1"])
      const last = api.sent("GET").at(-1)!
      expect(last.url.pathname).toBe(`/websets/v0/webhooks/${hook.id}/attempts`)
      expect([...last.url.searchParams]).toEqual([["eventType", "webset.idle"], ["successful", "false"]])
      expect(DateTime.isDateTime(failed.data[0]!.attemptedAt)).toBe(true)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("failedDeliveries: exactly the events whose attempts all failed, each once, oldest first, fetched with getEvent", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook(params)
      const at = (eventId: string, time: string, successful: boolean) =>
        api.attempts.push({
          ...webhookAttempt,
          id: `wattempt_${api.attempts.length}`,
          webhookId: hook.id,
          eventId,
          successful,
          attemptedAt: time
        })
      for (const id of ["ev_old", "ev_idle", "ev_created", "ev_enriched", "ev_late"]) api.events.set(id, idleWith(id))
      // Before the window: a failure that must not come back.
      at("ev_old", "2026-11-29T23:59:59.000Z", false)
      // ev_idle fails three times; ev_created fails, then succeeds; ev_enriched succeeds at once; ev_late fails.
      at("ev_idle", "2026-11-30T10:00:00.000Z", false)
      at("ev_created", "2026-11-30T10:00:01.000Z", false)
      at("ev_enriched", "2026-11-30T10:00:02.000Z", true)
      at("ev_idle", "2026-11-30T10:00:30.000Z", false)
      at("ev_created", "2026-11-30T10:00:31.000Z", true)
      at("ev_late", "2026-11-30T10:00:40.000Z", false)
      at("ev_idle", "2026-11-30T10:01:00.000Z", false)
      const since = "2026-11-30T00:00:00Z"
      const missed = yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since }))
      expect(missed.map((e) => e.id)).toEqual(["ev_idle", "ev_late"])
      expect(missed[0]!.type).toBe("webset.idle")
      // The attempts read 200 at a time, then each missed event fetched once.
      const gets = api.sent("GET").map((s) => s.url.pathname + s.url.search)
      expect(gets[0]).toBe(`/websets/v0/webhooks/${hook.id}/attempts?limit=200`)
      expect(gets.slice(1).sort()).toEqual(["/websets/v0/events/ev_idle", "/websets/v0/events/ev_late"])
      // `since` as a Date or a DateTime, and after every attempt: nothing.
      const later = yield* Stream.runCollect(
        WebhooksClient.failedDeliveries(hook.id, { since: new Date("2026-11-30T10:01:01Z") })
      )
      expect(later).toEqual([])
      const fromDateTime = yield* Stream.runCollect(
        WebhooksClient.failedDeliveries(hook.id, { since: DateTime.makeUnsafe("2026-11-30T10:00:35Z") })
      )
      expect(fromDateTime.map((e) => e.id)).toEqual(["ev_late", "ev_idle"])
      // An event the API no longer has ends the stream with NotFound naming it.
      api.events.delete("ev_idle")
      const error = yield* Effect.flip(Stream.runDrain(WebhooksClient.failedDeliveries(hook.id, { since })))
      assert(error._tag === "NotFound")
      expect([error.resource, error.id]).toEqual(["event", "ev_idle"])
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("failedDeliveries stops reading attempts after the first page with nothing in the window", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook(params)
      // 850 attempts, one a second; the window holds the newest 350 (500 to 849).
      for (let i = 0; i < 850; i++) {
        api.attempts.push({
          ...webhookAttempt,
          id: `wattempt_${i}`,
          webhookId: hook.id,
          eventId: i === 849 ? "ev_last" : `ev_${i}`,
          successful: i !== 849,
          attemptedAt: new Date(Date.UTC(2026, 10, 30, 10) + i * 1000).toISOString()
        })
      }
      api.events.set("ev_last", idleWith("ev_last"))
      const since = new Date(Date.UTC(2026, 10, 30, 10) + 500 * 1000)
      const missed = yield* Stream.runCollect(WebhooksClient.failedDeliveries(hook.id, { since }))
      expect(missed.map((e) => e.id)).toEqual(["ev_last"])
      // Pages of 200, newest first: 849-650, 649-450 (partly in the window), 449-250 (none: the walk ends there);
      // the two older pages are never asked for.
      const attemptPages = api.sent("GET").filter((s) => s.url.pathname.endsWith("/attempts"))
      expect(attemptPages.map((s) => s.url.search)).toEqual([
        "?limit=200",
        "?cursor=200&limit=200",
        "?cursor=400&limit=200"
      ])
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("an event id no request can name is skipped, reported typed, and the rest is replayed", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook(params)
      const attempt = (eventId: string, at: string) =>
        api.attempts.push({ ...webhookAttempt, webhookId: hook.id, eventId, attemptedAt: at })
      attempt("ev_2", "2026-11-30T10:00:03.000Z")
      attempt("..", "2026-11-30T10:00:02.000Z")
      attempt("ev_1", "2026-11-30T10:00:01.000Z")
      api.events.set("ev_1", idleWith("ev_1"))
      api.events.set("ev_2", idleWith("ev_2"))
      const skipped: Array<WebhooksClient.SkippedDelivery> = []
      const replayed = yield* WebhooksClient.failedDeliveries(hook.id, {
        since: "2026-11-30T00:00:00Z",
        onSkipped: (s) => Effect.sync(() => skipped.push(s))
      }).pipe(Stream.map((e) => e.id), Stream.runCollect)
      expect(replayed).toEqual(["ev_1", "ev_2"])
      expect(skipped.map((s) => s.eventId)).toEqual([".."])
      assert(skipped[0]!.error instanceof Errors.InvalidRequest)
      expect(skipped[0]!.error.reason).toBe("the event id \"..\" cannot be put in a URL path")
      // Without onSkipped, the same replay goes through too (a warning is logged).
      const again = yield* Stream.runCollect(
        WebhooksClient.failedDeliveries(hook.id, { since: "2026-11-30T00:00:00Z" })
      )
      expect(again.length).toBe(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("each call is a span named after it, with the webhook's id", () => {
    const api = webhooksApi()
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook(params)
      yield* WebhooksClient.getWebhook(hook.id)
      yield* WebhooksClient.listAttempts(hook.id, { eventType: "webset.idle" })
      yield* WebhooksClient.listWebhooks()
      const byName = (name: string) => spans.find((s) => s.name === name)!
      expect(byName("WebhooksClient.createWebhook").attributes.get("exa.webhook.id")).toBe(hook.id)
      expect(byName("WebhooksClient.createWebhook").attributes.get("exa.webhook.events")).toBe("webset.idle")
      expect(byName("WebhooksClient.getWebhook").attributes.get("exa.webhook.id")).toBe(hook.id)
      expect(byName("WebhooksClient.listAttempts").attributes.get("exa.event.type")).toBe("webset.idle")
      expect(byName("WebhooksClient.listAttempts").attributes.get("exa.attempts.count")).toBe(0)
      expect(byName("WebhooksClient.listWebhooks").attributes.get("exa.webhooks.count")).toBe(1)
      expect(inspect(spans, { depth: 12 })).not.toMatch(/whsec_[0-9a-f]{8}/)
    }).pipe(Effect.provide(api.layer), Effect.withTracer(tracer))
  })

  it.effect("WebhooksClient.Default over an ExaClient; Exa.layer gives it beside EventsClient on one connection", () => {
    const api = webhooksApi()
    api.events.set("ev_1", idleWith("ev_1"))
    const s = stub(() => json(200, webhook))
    const connection = ExaClient.layer({ apiKey: Redacted.make("k-default") }).pipe(Layer.provide(s.layer))
    return Effect.gen(function*() {
      const got = yield* WebhooksClient.getWebhook(webhook.id).pipe(
        Effect.provide(WebhooksClient.Default.pipe(Layer.provide(connection)))
      )
      expect(got.id).toBe(webhook.id)
      expect(s.seen[0]!.url.href).toBe(`https://api.exa.ai/websets/v0/webhooks/${webhook.id}`)
      const [event, page] = yield* Effect.zip(EventsClient.getEvent("ev_1"), WebhooksClient.listWebhooks()).pipe(
        Effect.provide(api.layer)
      )
      expect([event.id, page.data.length]).toEqual(["ev_1", 0])
      expect(api.seen.map((r) => r.headers["x-api-key"])).toEqual(["k-webhooks-api", "k-webhooks-api"])
    })
  })

  it.effect("EventsClient and WebhooksClient over one Exa.layer share its rate limiter: 10 calls at 5/s, the last at 1 s", () => {
    const api = webhooksApi({ rateLimit: { limit: 5, interval: "1 second" } })
    for (let i = 0; i < 5; i++) api.events.set(`ev_${i}`, idleWith(`ev_${i}`))
    return Effect.gen(function*() {
      const calls = [
        ...Array.from({ length: 5 }, (_, i) => EventsClient.getEvent(`ev_${i}`)),
        ...Array.from({ length: 5 }, () => WebhooksClient.listWebhooks())
      ]
      const fiber = yield* Effect.forkChild(Effect.all(calls, { concurrency: "unbounded", discard: true }))
      yield* TestClock.adjust("10 millis")
      // The bucket's first 5, whichever client made them.
      expect(api.seen).toHaveLength(5)
      yield* TestClock.adjust("790 millis")
      expect(api.seen).toHaveLength(9)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(fiber)
      expect(api.seen).toHaveLength(10)
      expect(new Set(api.seen.map((r) => r.url.pathname.split("/")[3]))).toEqual(new Set(["events", "webhooks"]))
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a connection provided inside another is its own (Exa.layer builds its own clients), with or without { local: true }", () => {
    const outer = webhooksApi({ apiKey: Redacted.make("k-outer") })
    const inner = webhooksApi({ apiKey: Redacted.make("k-inner") })
    return Effect.gen(function*() {
      yield* WebhooksClient.listWebhooks()
      yield* WebhooksClient.listWebhooks().pipe(Effect.provide(inner.layer))
      yield* WebhooksClient.listWebhooks().pipe(Effect.provide(inner.layer, { local: true }))
      yield* WebhooksClient.listWebhooks()
      expect(outer.seen.map((r) => r.headers["x-api-key"])).toEqual(["k-outer", "k-outer"])
      expect(inner.seen.map((r) => r.headers["x-api-key"])).toEqual(["k-inner", "k-inner"])
    }).pipe(Effect.provide(outer.layer))
  })
})

describe("WebhooksClient parameters", () => {
  it.effect("every bad argument is an InvalidRequest in the error channel, and nothing is sent", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
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
        Stream.runDrain(WebhooksClient.streamAttempts("", {})),
        Stream.runDrain(WebhooksClient.streamWebhooks({ limit: "3" as any })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", {} as any)),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: "yesterday" })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: new Date(NaN) })),
        Stream.runDrain(WebhooksClient.failedDeliveries("webhook_1", { since: new Date(0), concurrency: 0 })),
        Stream.runDrain(
          WebhooksClient.failedDeliveries("webhook_1", { since: new Date(0), onSkipped: "log" as any })
        ),
        Stream.runDrain(WebhooksClient.failedDeliveries("", { since: new Date(0) }))
      ]
      for (const call of bad) {
        const exit = yield* Effect.exit(call)
        assert(Exit.isFailure(exit), "expected a failure")
        const reason = exit.cause.reasons[0]
        assert(exit.cause.reasons.length === 1 && reason?._tag === "Fail", `expected a typed failure: ${exit.cause}`)
        expect((reason.error as Errors.ExaError)._tag).toBe("InvalidRequest")
      }
      expect(api.seen).toEqual([])
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the reasons name the argument", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const reasons = [
        yield* Effect.flip(WebhooksClient.createWebhook({ events: [], url: "https://example.com" })),
        yield* Effect.flip(WebhooksClient.createWebhook({ events: ["webset.idle"], url: "http://example.com/" })),
        yield* Effect.flip(
          WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://e.com", metadata: { a: 1 as any } })
        ),
        yield* Effect.flip(WebhooksClient.listAttempts("w", { successful: "yes" as any })),
        yield* Effect.flip(WebhooksClient.listAttempts("w", { eventType: "nope" as any })),
        yield* Effect.flip(Stream.runDrain(WebhooksClient.failedDeliveries("w", {} as any))),
        yield* Effect.flip(Stream.runDrain(WebhooksClient.failedDeliveries("w", { since: 0, concurrency: 65 } as any)))
      ].map((e) => e.message)
      expect(reasons).toEqual([
        "Invalid request: createWebhook.events must name at least one event type",
        "Invalid request: createWebhook.url must be an https URL (plain http only to localhost, 127.0.0.1 or [::1]), got \"http://example.com/\"",
        "Invalid request: createWebhook.metadata[\"a\"] must be a string, got 1",
        "Invalid request: successful must be true or false, got \"yes\"",
        "Invalid request: eventType must be an event type, got \"nope\"",
        "Invalid request: failedDeliveries needs since: how far back to look",
        "Invalid request: since must be a DateTime, a Date or an RFC 3339 string, got 0"
      ])
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a plain http URL is allowed to a loopback receiver; repeated event types are sent once", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      for (const url of ["http://localhost:3000/hook", "http://127.0.0.1:9/x", "http://[::1]:8080/"]) {
        const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle", "webset.idle"], url })
        expect(hook.url).toBe(url)
        expect(hook.events).toEqual(["webset.idle"])
      }
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a metadata key named __proto__ is sent and comes back", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const metadata = JSON.parse(`{"__proto__": "x", "b": "y"}`) as Record<string, string>
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle"],
        url: "https://example.com",
        metadata
      })
      expect(bodyText(api.seen[0]!.request)).toContain(`"metadata":{"__proto__":"x","b":"y"}`)
      expect(Object.keys(hook.metadata!)).toEqual(["__proto__", "b"])
      expect(Object.getOwnPropertyDescriptor(hook.metadata, "__proto__")?.value).toBe("x")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the secret stays redacted: not in String, JSON or inspect", () => {
    const api = webhooksApi()
    return Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
      const value = Redacted.value(hook.secret)
      expect(JSON.stringify(hook)).not.toContain(value)
      expect(inspect(hook, { depth: 10 })).not.toContain(value)
      expect(String(hook.secret)).not.toContain(value)
    }).pipe(Effect.provide(api.layer))
  })
})

describe("createWebhook is never sent twice once it may have arrived", () => {
  it.effect("a 503, a reset connection or a timeout: one POST and the error; a 429 or a refused connection: retried", () => {
    const api = webhooksApi({ timeout: "1 second" })
    const create = WebhooksClient.createWebhook({ events: ["webset.idle"], url: "https://example.com" })
    return Effect.gen(function*() {
      api.failNext(() => json(503, { error: "busy" }))
      expect((yield* Effect.flip(create))._tag).toBe("ApiError")
      expect(api.sent("POST")).toHaveLength(1)

      api.failNext((request) => Effect.fail(transportError(request, "ECONNRESET")))
      const reset = yield* Effect.flip(create)
      assert(reset._tag === "Transport")
      expect(reset.code).toBe("ECONNRESET")
      expect(api.sent("POST")).toHaveLength(2)

      api.failNext(() => Effect.never)
      const timing = yield* Effect.forkChild(Effect.flip(create))
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(timing))._tag).toBe("Timeout")
      expect(api.sent("POST")).toHaveLength(3)
      expect(api.webhooks.size).toBe(0)

      // A 429 and a connection that never opened show nothing was done: sent again, one webhook in the end.
      api.failNext(
        () => json(429, { error: "slow down" }),
        (request) => Effect.fail(transportError(request, "ECONNREFUSED"))
      )
      const retried = yield* Effect.forkChild(create)
      yield* TestClock.adjust("1 second")
      const hook = yield* Fiber.join(retried)
      expect(api.sent("POST")).toHaveLength(6)
      expect([...api.webhooks.keys()]).toEqual([hook.id])

      // GETs are retried as ever.
      api.failNext(() => json(503, { error: "busy" }))
      const got = yield* Effect.forkChild(WebhooksClient.getWebhook(hook.id))
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(got)).id).toBe(hook.id)
      expect(api.sent("GET")).toHaveLength(2)
    }).pipe(Effect.provide(api.layer))
  })
})

describe("createWebhook: an answer that does not decode", () => {
  it.effect("keeps no secret in the body, the reason or the message, and says a webhook may exist (with its id)", () =>
    Effect.gen(function*() {
      const answers = [
        // An object with a bad field: the secret is replaced, the rest kept, the id named.
        JSON.stringify({ ...webhook, secret, events: 42 }),
        // The secret echoed in another field too.
        JSON.stringify({ ...webhook, secret, status: `odd ${secret}`, note: { secret } }),
        // The whole answer a JSON string (the reason would quote it), or not JSON at all.
        JSON.stringify(secret),
        secret,
        JSON.stringify([secret])
      ]
      for (const answer of answers) {
        const server = scripted(() => response(201, answer))
        const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer)))
        assert(error._tag === "Decode", `${answer}: ${error._tag}`)
        expect(shown(error), answer).not.toContain(secret.slice(6, 30))
        expect(error.message).toContain("A webhook may have been created")
        expect(error.message).toContain("listWebhooks")
        if (answer.startsWith("{")) {
          expect(error.message).toContain(`(id "${webhook.id}")`)
          expect(error.body).toContain("<redacted>")
          expect(error.body).toContain(webhook.url)
        } else {
          expect(error.body).toBe("")
        }
        // Never retried: one webhook at most.
        expect(server.seen).toHaveLength(1)
      }
    }))

  it.effect("keeps the secret out of the call's span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const server = scripted(() => response(201, secret))
      const error = yield* Effect.flip(
        WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer), Effect.withTracer(tracer))
      )
      expect(error._tag).toBe("Decode")
      assert(spans.some((s) => s.name === "WebhooksClient.createWebhook"))
      expect(inspect(spans, { depth: 12 })).not.toContain(secret.slice(6, 30))
    }))

  it.effect("a create answer without a secret is a Decode error, keeping the body", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ ...webhook, secret: null })
      const server = scripted(() => response(200, body))
      const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer)))
      assert(error._tag === "Decode")
      expect(error.body).toBe(body)
    }))

  it.effect("an answer that decodes is untouched: the secret is there, Redacted", () =>
    Effect.gen(function*() {
      const server = scripted(() => response(201, { ...webhook, secret }))
      const created = yield* WebhooksClient.createWebhook(params).pipe(Effect.provide(server.layer))
      expect(Redacted.value(created.secret)).toBe(secret)
    }))
})

describe("deleteWebhook after a lost answer", () => {
  // The first attempt answered with `first` (or never), every later one with a 404.
  const gone = (first: Response | undefined) =>
    scripted((_, i) => (i === 0 ? first : response(404, { error: "Webhook not found" })))

  it.effect("a 404 to the retry after a timeout is the delete that succeeded: Option.none()", () =>
    Effect.gen(function*() {
      const server = gone(undefined)
      const fiber = yield* Effect.forkChild(
        WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(server.layer))
      )
      yield* TestClock.adjust("2 seconds")
      const result = yield* Fiber.join(fiber)
      expect(Option.isNone(result)).toBe(true)
      expect(server.seen.map((s) => s.request.method)).toEqual(["DELETE", "DELETE"])
    }))

  it.effect("after a 5xx too; but after a 429 (not acted on), or at the first attempt, a 404 is NotFound", () =>
    Effect.gen(function*() {
      const after503 = gone(response(503, { error: "busy" }))
      const fiber = yield* Effect.forkChild(
        WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(after503.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* Fiber.join(fiber))).toBe(true)

      const after429 = gone(response(429, { error: "slow down" }))
      const limited = yield* Effect.forkChild(
        Effect.flip(WebhooksClient.deleteWebhook("webhook_1")).pipe(Effect.provide(after429.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(limited))._tag).toBe("NotFound")

      const first = scripted(() => response(404, { error: "Webhook not found" }))
      const error = yield* Effect.flip(WebhooksClient.deleteWebhook("webhook_1").pipe(Effect.provide(first.layer)))
      assert(error._tag === "NotFound")
      expect(error.resource).toBe("webhook")
    }))

  it.effect("only the delete: a GET retried after a timeout still reports NotFound", () =>
    Effect.gen(function*() {
      const server = gone(undefined)
      const fiber = yield* Effect.forkChild(
        Effect.flip(WebhooksClient.getWebhook("webhook_1")).pipe(Effect.provide(server.layer))
      )
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(fiber))._tag).toBe("NotFound")
    }))

  it.effect("a delete answered at once returns the webhook", () =>
    Effect.gen(function*() {
      const server = scripted(() => response(200, webhook))
      const deleted = yield* WebhooksClient.deleteWebhook(webhook.id).pipe(Effect.provide(server.layer))
      expect(Option.map(deleted, (w) => w.id)).toEqual(Option.some(webhook.id))
    }))
})

describe("event types this version does not know", () => {
  it.effect("are sent as they are on create and update, so a copied subscription keeps them", () =>
    Effect.gen(function*() {
      const future = EventType.UnrecognizedEventType.make("webset.future.thing")
      const server = scripted((request) =>
        response(200, {
          ...webhook,
          events: ["webset.idle", "webset.future.thing"],
          secret: request.method === "POST" ? secret : null
        })
      )
      const created = yield* WebhooksClient.createWebhook({
        events: ["webset.idle", future],
        url: "https://example.com/exa"
      }).pipe(Effect.provide(server.layer))
      const copy: ReadonlyArray<EventType.AnyEventType> = created.events
      yield* WebhooksClient.updateWebhook(created.id, { events: copy }).pipe(Effect.provide(server.layer))
      expect(server.seen).toHaveLength(2)
      for (const sent of server.seen) {
        expect(JSON.parse(bodyText(sent.request)).events).toEqual(["webset.idle", "webset.future.thing"])
      }
    }))

  it.effect("but a value not shaped like a type is refused before sending", () =>
    Effect.gen(function*() {
      const server = scripted(() => response(200, webhook))
      for (const bad of ["", "Webset Idle", "webset", "https://evil.example/x", `webset.${"x".repeat(100)}`]) {
        const error = yield* Effect.flip(
          WebhooksClient.createWebhook({
            events: [bad as Webhook.Webhook["events"][number]],
            url: "https://example.com"
          }).pipe(Effect.provide(server.layer))
        )
        expect(error._tag, bad).toBe("InvalidRequest")
      }
      expect(server.seen).toEqual([])
    }))
})

describe("createWebhook and updateWebhook: the webhook URL", () => {
  const refused: ReadonlyArray<readonly [string, string]> = [
    ["http://127.0.0.1\\@evil.example/", "must not contain a backslash"],
    ["http://localhost\\@evil.example/exa", "must not contain a backslash"],
    ["https://user:hunter2@hooks.example.com/", "must not carry a user name or password"],
    ["http://user:hunter2@evil.example/", "must not carry a user name or password"],
    ["http://evil.example@127.0.0.1/", "must not carry a user name or password"],
    ["https://hooks.exa\tmple.com/", "whitespace or control characters"],
    ["https:hooks.example.com/", "must start with http:// or https://"],
    [`https://e.com/${"a".repeat(2049)}`, "at most 2048 characters"],
    // The client's own rule still applies after the schema's.
    ["http://hooks.example.com/", "must be an https URL"]
  ]

  it.effect("refuses what parsers read differently or what carries a password, before anything is sent", () =>
    Effect.gen(function*() {
      for (const [url, reason] of refused) {
        const server = scripted(() => response(201, { ...webhook, secret }))
        const create = yield* Effect.flip(
          WebhooksClient.createWebhook({ events: ["webset.idle"], url }).pipe(Effect.provide(server.layer))
        )
        const update = yield* Effect.flip(
          WebhooksClient.updateWebhook("webhook_1", { url }).pipe(Effect.provide(server.layer))
        )
        for (const [error, name] of [[create, "createWebhook.url"], [update, "updateWebhook.url"]] as const) {
          assert(error._tag === "InvalidRequest", `${JSON.stringify(url)}: ${error._tag}`)
          expect(error.reason, JSON.stringify(url)).toContain(reason)
          expect(error.reason, JSON.stringify(url)).toContain(name)
          expect(shown(error), url).not.toContain("hunter2")
        }
        expect(server.seen, JSON.stringify(url)).toEqual([])
      }
    }))

  it.effect("sends https URLs and plain http to loopback as given", () =>
    Effect.gen(function*() {
      for (
        const url of [
          "https://hooks.example.com/exa?x=1",
          "http://127.0.0.1:3000/hook",
          "http://[::1]:8080/",
          "http://localhost/a@b"
        ]
      ) {
        const server = scripted(() => response(201, { ...webhook, secret }))
        yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url }).pipe(Effect.provide(server.layer))
        expect(server.seen.map((s) => JSON.parse(bodyText(s.request)).url)).toEqual([url])
      }
    }))
})
