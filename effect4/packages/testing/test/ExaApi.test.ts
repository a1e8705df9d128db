/**
 * The emulator's events endpoints, scripted failures and control surface, ported from the Effect 3 line's
 * `ExaApi.test.ts`, plus the real client over `layerClient`.
 */
import { EventsClient } from "@effect-exa/client"
import { type Event } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { createHmac } from "node:crypto"
import { createServer } from "node:http"

const KEY = "test-api-key"
const events = Array.from(
  { length: 7 },
  (_, i) =>
    Fixtures.make(i % 2 === 0 ? "webset.idle" : "monitor.run.completed", {
      id: `ev_${i}`,
      createdAt: `2025-01-0${i + 1}T00:00:00.000Z`
    })
)

const get = (path: string, headers: Record<string, string> = { "x-api-key": KEY }) =>
  Effect.flatMap(
    Effect.service(ExaApi.ExaApi),
    (api) =>
      Effect.map(api.handle({ method: "GET", url: new URL(path, "http://exa.test"), headers }), (outcome) => {
        if (outcome._tag === "Transport") return { status: 0, headers: {}, body: undefined as any }
        return { ...outcome.reply, body: outcome.reply.body === "" ? undefined : JSON.parse(outcome.reply.body) }
      })
  )

const run = <A, E>(effect: Effect.Effect<A, E, ExaApi.ExaApi>) => Effect.provide(effect, ExaApi.layer({ events }))

describe("ExaApi emulator", () => {
  it.effect("serves an event by id with a request id", () =>
    run(Effect.gen(function*() {
      const response = yield* get("/websets/v0/events/ev_3")
      expect(response.status).toBe(200)
      expect(response.body).toEqual(events[3])
      expect(response.headers["x-request-id"]).toMatch(/^req_\d{6}$/)
      expect(response.headers["content-type"]).toContain("application/json")
    })))

  it.effect("404 for unknown ids and unknown routes, with the API's body shapes", () =>
    run(Effect.gen(function*() {
      const missing = yield* get("/websets/v0/events/ev_x")
      expect(missing.status).toBe(404)
      expect(missing.body).toMatchObject({ error: "Event not found", tag: "NOT_FOUND" })
      const route = yield* get("/websets/v0/imports")
      expect(route.status).toBe(404)
      expect(route.body).toEqual({ statusCode: 404, message: "Cannot GET /websets/v0/imports", error: "Not Found" })
      const webhook = yield* get("/websets/v0/webhooks/webhook_x")
      expect(webhook.status).toBe(404)
      expect(webhook.body).toMatchObject({ error: "Webhook not found", tag: "NOT_FOUND" })
    })))

  it.effect("401 without the key or with a wrong one; Bearer works too", () =>
    run(Effect.gen(function*() {
      expect((yield* get("/websets/v0/events/ev_1", {})).status).toBe(401)
      expect((yield* get("/websets/v0/events", { "x-api-key": "nope" })).body).toMatchObject({ tag: "INVALID_API_KEY" })
      expect((yield* get("/websets/v0/events/ev_1", { authorization: `Bearer ${KEY}` })).status).toBe(200)
    })))

  it.effect("pages newest first, with cursors, up to the last event and no further", () =>
    run(Effect.gen(function*() {
      const ids: Array<string> = []
      let path: string | undefined = "/websets/v0/events?limit=3"
      let pages = 0
      while (path !== undefined) {
        const page: any = (yield* get(path)).body
        pages++
        ids.push(...page.data.map((e: Event.Encoded) => e.id))
        expect(page.hasMore).toBe(page.nextCursor !== null)
        path = page.hasMore ? `/websets/v0/events?limit=3&cursor=${encodeURIComponent(page.nextCursor)}` : undefined
      }
      expect(pages).toBe(3)
      expect(ids).toEqual(["ev_6", "ev_5", "ev_4", "ev_3", "ev_2", "ev_1", "ev_0"])
      // An exact multiple: the last full page says there is no more.
      const exact: any = (yield* get("/websets/v0/events?limit=7")).body
      expect([exact.data.length, exact.hasMore, exact.nextCursor]).toEqual([7, false, null])
      expect(((yield* get("/websets/v0/events")).body as any).data).toHaveLength(7)
    })))

  it.effect("filters by types and by inclusive createdAfter/createdBefore", () =>
    run(Effect.gen(function*() {
      const typed: any = (yield* get("/websets/v0/events?types=monitor.run.completed")).body
      expect(typed.data.map((e: any) => e.id)).toEqual(["ev_5", "ev_3", "ev_1"])
      const both: any = (yield* get("/websets/v0/events?types=monitor.run.completed&types=webset.idle&limit=200")).body
      expect(both.data).toHaveLength(7)
      const window: any =
        (yield* get("/websets/v0/events?createdAfter=2025-01-02T00:00:00Z&createdBefore=2025-01-04T00:00:00.000Z")).body
      expect(window.data.map((e: any) => e.id)).toEqual(["ev_3", "ev_2", "ev_1"])
    })))

  it.effect("rejects bad parameters with 400, like the API", () =>
    run(Effect.gen(function*() {
      for (
        const query of [
          "limit=0",
          "limit=201",
          "limit=abc",
          "types=webset.exploded",
          "cursor=bogus",
          "createdAfter=yesterday",
          "extra=1"
        ]
      ) {
        const response = yield* get(`/websets/v0/events?${query}`)
        expect(response.status, query).toBe(400)
        expect(response.body.error, query).toBeTypeOf("string")
      }
    })))

  it.effect("scripted failures apply to the next requests, in order, then it answers normally", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Status", status: 503 }, 2)
      yield* api.failNext({ _tag: "RateLimited", retryAfter: "2500 millis" })
      yield* api.failNext({ _tag: "Body", body: "{\"trunc", status: 200 })
      yield* api.failNext({ _tag: "Transport" })
      const seen: Array<string> = []
      for (let i = 0; i < 6; i++) {
        const outcome = yield* api.handle({
          method: "GET",
          url: new URL("http://x/websets/v0/events/ev_1"),
          headers: { "x-api-key": KEY }
        })
        seen.push(
          outcome._tag === "Transport" ? "transport" : `${outcome.reply.status} ${outcome.reply.body.slice(0, 7)}`
        )
      }
      expect(seen).toEqual([
        "503 {\"reque",
        "503 {\"reque",
        "429 {\"error",
        "200 {\"trunc",
        "transport",
        "200 {\"id\":\""
      ])
    })))

  it.effect("a 429 carries Retry-After in whole seconds", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "RateLimited", retryAfter: "2500 millis" })
      const response = yield* get("/websets/v0/events/ev_1")
      expect(response.status).toBe(429)
      expect(response.headers["retry-after"]).toBe("3")
      expect(response.body.error).toContain("rate limit")
    })))

  it.effect("a scripted delay runs on the Effect clock", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Delay", delay: "10 seconds" })
      const fiber = yield* Effect.forkChild(get("/websets/v0/events/ev_1"))
      yield* TestClock.adjust("9 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
    })))

  it.effect("records requests with credentials redacted; reset forgets them", () =>
    run(Effect.gen(function*() {
      yield* get("/websets/v0/events?types=webset.idle&limit=2", { "x-api-key": KEY, "user-agent": "t" })
      yield* get("/websets/v0/events/ev_1", { authorization: `Bearer ${KEY}` })
      const api = yield* ExaApi.ExaApi
      const [first, second] = yield* api.requests
      expect(first).toEqual({
        method: "GET",
        path: "/websets/v0/events",
        query: [["types", "webset.idle"], ["limit", "2"]],
        headers: { "x-api-key": "<redacted>", "user-agent": "t" }
      })
      expect(second!.headers.authorization).toBe("<redacted>")
      yield* api.reset
      expect(yield* api.requests).toHaveLength(0)
    })))

  it.effect("events can be added (decoded or JSON) and removed", () =>
    run(Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.addEvents([
        Fixtures.makeEvent("import.created", { id: "ev_new", createdAt: "2026-01-01T00:00:00.000Z" })
      ])
      expect((yield* api.events)[0]!.id).toBe("ev_new")
      expect((yield* get("/websets/v0/events/ev_new")).body.type).toBe("import.created")
      yield* api.removeEvent("ev_new")
      expect((yield* get("/websets/v0/events/ev_new")).status).toBe(404)
    })))

  it.effect("layerClient: the real client over the emulator, its failures mapped to the client's errors", () =>
    Effect.gen(function*() {
      const event = yield* EventsClient.getEvent("ev_2")
      expect(event.id).toBe("ev_2")
      expect(event.type).toBe("webset.idle")
      const page = yield* EventsClient.listEvents({ limit: 2, types: ["monitor.run.completed"] })
      expect(page.data.map((e) => e.id)).toEqual(["ev_5", "ev_3"])
      const missing = yield* Effect.flip(EventsClient.getEvent("ev_missing"))
      expect(missing._tag).toBe("NotFound")
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Transport" })
      expect((yield* Effect.flip(EventsClient.getEvent("ev_2")))._tag).toBe("Transport")
      yield* api.failNext({ _tag: "Body", body: "{\"trunc" })
      expect((yield* Effect.flip(EventsClient.getEvent("ev_2")))._tag).toBe("Decode")
      // The client sent the emulator's key, which the record keeps redacted.
      expect((yield* api.requests)[0]!.headers["x-api-key"]).toBe("<redacted>")
    }).pipe(Effect.provide(ExaApi.layerClient({ events, client: { retry: false } }))))

  it.effect("layerClient with a wrong key on the emulator's side: 401 becomes the client's Unauthorized", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Status", status: 401, body: { error: "Invalid API key", tag: "INVALID_API_KEY" } })
      expect((yield* Effect.flip(EventsClient.getEvent("ev_2")))._tag).toBe("Unauthorized")
    }).pipe(Effect.provide(ExaApi.layerClient({ events, client: { retry: false } }))))
  it.live("delivers a held event to a URL, signed", () =>
    Effect.gen(function*() {
      const received: Array<{ signature: string | undefined; body: string }> = []
      const server = createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          received.push({ signature: req.headers["exa-signature"] as string | undefined, body })
          res.writeHead(204).end()
        })
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.sync(() => server.close())
      )
      const address = server.address() as { port: number }
      const api = yield* ExaApi.ExaApi
      const reply = yield* api.deliver(`http://127.0.0.1:${address.port}/hook`, "ev_2", {
        secret: "whsec_x",
        timestamp: 1700000000
      })
      expect(reply?.status).toBe(204)
      expect(yield* api.deliver("http://127.0.0.1:1/", "ev_missing", { secret: "whsec_x" })).toBeUndefined()
      const [delivery] = received
      expect(JSON.parse(delivery!.body)).toEqual(events[2])
      const expected = createHmac("sha256", "whsec_x").update(`1700000000.${delivery!.body}`).digest("hex")
      expect(delivery!.signature).toBe(`t=1700000000,v1=${expected}`)
    }).pipe(Effect.provide(ExaApi.layer({ events }))))
})
