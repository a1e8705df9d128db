/**
 * The client's behaviour suite, run over every transport (./transports.ts) with identical expectations.
 */
import { EventsClient } from "@effect-exa/client"
import { Event, EventType } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type ClientOptions, transports } from "./transports.js"

// 120 events spread over time, of several types, for pagination and filters.
const many = Array.from({ length: 120 }, (_, i) => {
  const type = EventType.all[i % EventType.all.length]!
  return Fixtures.make(type, {
    id: `ev_${String(i).padStart(3, "0")}`,
    createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString()
  })
})

const fast: ClientOptions = { retry: { initialDelay: "5 millis", jitter: false } }

for (const transport of transports) {
  describe(`EventsClient over ${transport.name}`, () => {
    const run = <A, E>(
      effect: Effect.Effect<A, E, EventsClient.EventsClient | ExaApi.ExaApi>,
      client: ClientOptions = fast,
      options: ExaApi.Options = { events: many }
    ) => effect.pipe(Effect.provide(transport.layer(options, client)), Effect.scoped)

    it.live("getEvent decodes every type", () =>
      run(Effect.gen(function*() {
        for (const event of many.slice(0, 19)) {
          const decoded = yield* EventsClient.getEvent(event.id)
          expect(decoded.type).toBe(event.type)
          expect(decoded.id).toBe(event.id)
          expect(Event.isKnown(decoded)).toBe(EventType.isKnown(event.type))
        }
      })))

    it.live("an unknown id is NotFound, with the request id", () =>
      run(Effect.gen(function*() {
        const error = yield* Effect.flip(EventsClient.getEvent("ev_missing"))
        assert(error._tag === "NotFound")
        expect(error.id).toBe("ev_missing")
        expect(error.requestId).toMatch(/^req_/)
      })))

    it.live("ids that look like paths never reach another route", () =>
      run(Effect.gen(function*() {
        for (const id of ["../websets/x", "a/b?c", "ev_1#x", "%2F", "..%2F", "a/../../x"]) {
          const error = yield* Effect.flip(EventsClient.getEvent(id))
          expect(error._tag, id).toBe("NotFound")
        }
        for (const id of ["..", "."]) {
          const error = yield* Effect.flip(EventsClient.getEvent(id))
          expect(error._tag, id).toBe("InvalidRequest")
        }
        const api = yield* ExaApi.ExaApi
        const paths = (yield* api.requests).map((r) => r.path)
        for (const path of paths) expect(path).toMatch(/^\/websets\/v0\/events\/[^/]+$/)
      })))

    it.live("a wrong key is Unauthorized and the key never shows", () =>
      run(
        Effect.gen(function*() {
          const error = yield* Effect.flip(EventsClient.getEvent("ev_001"))
          assert(error._tag === "Unauthorized")
          expect(error.status).toBe(401)
          expect(error.code).toBe("INVALID_API_KEY")
          expect(JSON.stringify(error) + String(error) + error.message).not.toContain("wrong-key")
        }),
        // The emulator expects its own key; this client sends another.
        { ...fast, transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-api-key", "wrong-key")) }
      ))

    it.live("a non-JSON 200 is Decode, keeping the body", () =>
      run(Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        yield* api.failNext({ _tag: "Body", body: "<html>upstream error</html>", contentType: "text/html" })
        const error = yield* Effect.flip(EventsClient.getEvent("ev_001"))
        assert(error._tag === "Decode")
        expect(error.body).toBe("<html>upstream error</html>")
        expect(error.reason).toContain("not valid JSON")
      })))

    it.live("429 is RateLimited with the Retry-After delay", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "RateLimited", retryAfter: "3 seconds" })
          const error = yield* Effect.flip(EventsClient.getEvent("ev_001"))
          assert(error._tag === "RateLimited")
          expect(Duration.toMillis(error.retryAfter!)).toBe(3000)
          expect(error.apiMessage).toContain("rate limit")
        }),
        { retry: false }
      ))

    it.live("a 429 with Retry-After, then success: retried after the delay", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "RateLimited", retryAfter: "1 second" })
          const start = Date.now()
          const event = yield* EventsClient.getEvent("ev_002")
          expect(event.id).toBe("ev_002")
          expect(Date.now() - start).toBeGreaterThanOrEqual(950)
          expect((yield* api.requests).length).toBe(2)
        }),
        { retry: { initialDelay: "5 millis", jitter: false, maxRetryAfter: "1 second" } }
      ))

    it.live("5xx and transport failures are retried, then succeed", () =>
      run(Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        yield* api.failNext({ _tag: "Status", status: 503 })
        yield* api.failNext({ _tag: "Transport" })
        const event = yield* EventsClient.getEvent("ev_003")
        expect(event.id).toBe("ev_003")
        expect((yield* api.requests).length).toBe(3)
      })))

    it.live("retries stop after maxRetries with the last error", () =>
      run(Effect.gen(function*() {
        const api = yield* ExaApi.ExaApi
        yield* api.failNext({ _tag: "Status", status: 500, body: { error: "boom", tag: "INTERNAL_ERROR" } }, 5)
        const error = yield* Effect.flip(EventsClient.getEvent("ev_003"))
        assert(error._tag === "ApiError")
        expect(error.status).toBe(500)
        expect(error.code).toBe("INTERNAL_ERROR")
        expect((yield* api.requests).length).toBe(3)
      })))

    it.live("a slow answer is a Timeout", () =>
      run(
        Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Delay", delay: "2 seconds" })
          const error = yield* Effect.flip(EventsClient.getEvent("ev_004"))
          assert(error._tag === "Timeout")
          expect(Duration.toMillis(error.timeout)).toBe(100)
        }),
        { retry: false, timeout: "100 millis" }
      ))

    it.live("streamEvents pages through everything, newest first", () =>
      run(Effect.gen(function*() {
        const events = yield* EventsClient.streamEvents({ limit: 25 }).pipe(
          Stream.runCollect,
          Effect.map(Chunk.toArray)
        )
        expect(events.map((e) => e.id)).toEqual([...many].reverse().map((e) => e.id))
        const api = yield* ExaApi.ExaApi
        expect((yield* api.requests).length).toBe(5)
      })))

    it.live("streamEvents is lazy: taking a few events requests one page", () =>
      run(Effect.gen(function*() {
        const events = yield* EventsClient.streamEvents({ limit: 10 }).pipe(Stream.take(3), Stream.runCollect)
        expect(Chunk.size(events)).toBe(3)
        const api = yield* ExaApi.ExaApi
        expect((yield* api.requests).length).toBe(1)
      })))

    it.live("listEvents follows cursors and the types filter", () =>
      run(Effect.gen(function*() {
        const types = ["webset.item.enriched", "monitor.run.completed"] as const
        const first = yield* EventsClient.listEvents({ types, limit: 5 })
        expect(first.data).toHaveLength(5)
        expect(first.hasMore).toBe(true)
        assert(first.nextCursor !== null)
        const rest = yield* EventsClient.streamEvents({ types, limit: 5, cursor: first.nextCursor }).pipe(
          Stream.runCollect,
          Effect.map(Chunk.toArray)
        )
        const all = [...first.data, ...rest]
        const expected = many.filter((e) => (types as ReadonlyArray<string>).includes(e.type)).reverse()
        expect(all.map((e) => e.id)).toEqual(expected.map((e) => e.id))
        const api = yield* ExaApi.ExaApi
        const query = (yield* api.requests)[0]!.query
        expect(query.filter(([k]) => k === "types").map(([, v]) => v)).toEqual([...types])
      })))
  })
}
