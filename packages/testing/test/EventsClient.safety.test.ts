/**
 * Safe by construction, on every transport: a hostile server (redirects, odd bodies, huge or deeply nested JSON,
 * garbage headers, cursors that loop) and a hostile caller (any value a JavaScript caller can pass) each get a
 * typed error, the same on every transport, and the key never leaves its origin or shows up anywhere.
 */
import { Errors, EventsClient } from "@effect-exa/client"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
// The client suite's recording tracer: one definition of what a span export holds.
import { inspect } from "node:util"
import { recordingTracer } from "../../client/test/tracer.js"
import { type ClientOptions, transports } from "./transports.js"

const events = Array.from(
  { length: 6 },
  (_, i) =>
    Fixtures.make("webset.idle", { id: `ev_${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() })
)
const key = Redacted.value(ExaApi.defaultApiKey)
const noRetry: ClientOptions = { retry: false }

// Everything a failure can be turned into text by: none of it may hold the key.
const everywhere = (value: unknown): string =>
  [
    JSON.stringify(value),
    String(value),
    inspect(value, { depth: 10 }),
    value instanceof Error ? value.message + (value.stack ?? "") : "",
    Cause.pretty(Cause.fail(value))
  ].join("\n")

for (const transport of transports) {
  describe(`safety over ${transport.name}`, () => {
    const run = <A, E>(
      effect: Effect.Effect<A, E, EventsClient.EventsClient | ExaApi.ExaApi>,
      client: ClientOptions = noRetry,
      options: ExaApi.Options = { events }
    ) => effect.pipe(Effect.provide(transport.layer(options, client)), Effect.scoped)

    describe("redirects", () => {
      it.live("a 3xx is Redirected with its status and Location, and is not followed", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({
            _tag: "Status",
            status: 302,
            body: "",
            headers: { location: "http://localhost:9/steal" }
          })
          const error = yield* Effect.flip(EventsClient.getEvent("ev_1"))
          assert(error._tag === "Redirected")
          expect(error.status).toBe(302)
          expect(error.location).toBe("http://localhost:9/steal")
          expect(error.message).toContain("302")
          expect((yield* api.requests).length).toBe(1)
          // A 304 is no redirect (the client never asks conditionally): an ApiError.
          yield* api.failNext({ _tag: "Status", status: 304, body: "" })
          const notModified = yield* Effect.flip(EventsClient.getEvent("ev_1"))
          expect([notModified._tag, "status" in notModified ? notModified.status : undefined]).toEqual([
            "ApiError",
            304
          ])
        })))

      it.live("with followRedirects in transformClient, the key never goes to another origin", () =>
        run(
          Effect.gen(function*() {
            const api = yield* ExaApi.ExaApi
            // `localhost` is another origin than `127.0.0.1`, though the same server: were the redirect followed,
            // the emulator would see a second request, with the key.
            yield* api.failNext({
              _tag: "Status",
              status: 307,
              body: "",
              headers: { location: "http://localhost:1/websets/v0/events/ev_1" }
            })
            const error = yield* Effect.flip(EventsClient.getEvent("ev_1"))
            assert(error._tag === "Redirected")
            expect(error.location).toBe("http://localhost:1/websets/v0/events/ev_1")
            expect((yield* api.requests).length).toBe(1)
          }),
          { retry: false, transformClient: HttpClient.followRedirects() }
        ))

      it.live("with followRedirects in transformClient, a same-origin redirect is followed", () =>
        run(
          Effect.gen(function*() {
            const api = yield* ExaApi.ExaApi
            const first = yield* EventsClient.getEvent("ev_2")
            // The in-memory emulator is reached at the default origin; the loopback one at its own address.
            const host = (yield* api.requests)[0]!.headers["host"]
            const origin = host === undefined ? "https://api.exa.ai" : `http://${host}`
            yield* api.failNext({
              _tag: "Status",
              status: 301,
              body: "",
              headers: { location: `${origin}/websets/v0/events/ev_3` }
            })
            const event = yield* EventsClient.getEvent("ev_2")
            expect(first.id).toBe("ev_2")
            expect(event.id).toBe("ev_3")
          }),
          { retry: false, transformClient: HttpClient.followRedirects() }
        ))
    })

    describe("odd bodies", () => {
      it.live("a UTF-8 BOM before valid JSON decodes", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Body", body: `\uFEFF${JSON.stringify(events[1])}` })
          const event = yield* EventsClient.getEvent("ev_1")
          expect(event.id).toBe("ev_1")
        })))

      it.live("JSON nested 100,000 levels deep is Decode (or an ApiError), never a defect", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          const deep = "[".repeat(100_000) + "]".repeat(100_000)
          const inData =
            `{"id":"ev_1","object":"event","type":"webset.idle","createdAt":"2026-01-01T00:00:00Z","data":${deep}}`
          const unknownType =
            `{"id":"ev_1","object":"event","type":"webset.future","createdAt":"2026-01-01T00:00:00Z","data":${deep}}`
          const errorBody = `{"error":${deep}}`
          yield* api.failNext({ _tag: "Body", body: deep })
          yield* api.failNext({ _tag: "Body", body: inData })
          yield* api.failNext({ _tag: "Body", body: errorBody, status: 500 })
          yield* api.failNext({ _tag: "Body", body: `{"error":{"message":${deep}}}`, status: 400 })
          expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("Decode")
          expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("Decode")
          expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("ApiError")
          expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("ApiError")
          // An unknown type keeps its data as it is: a success, however deep.
          yield* api.failNext({ _tag: "Body", body: unknownType })
          const event = yield* EventsClient.getEvent("ev_1")
          expect(event.type).toBe("webset.future")
          yield* api.failNext({ _tag: "Body", body: `{"data":${deep},"hasMore":false,"nextCursor":null}` })
          expect((yield* Effect.flip(EventsClient.listEvents()))._tag).toBe("Decode")
        })))

      it.live("a body over maxResponseSize is ResponseTooLarge, not read whole", () =>
        run(
          Effect.gen(function*() {
            const api = yield* ExaApi.ExaApi
            yield* api.failNext({ _tag: "Body", body: JSON.stringify({ ...events[1], padding: "x".repeat(20_000) }) })
            const error = yield* Effect.flip(EventsClient.getEvent("ev_1"))
            assert(error._tag === "ResponseTooLarge")
            expect(error.limit).toBe(16_384)
            expect(error.status).toBe(200)
            // A body under the limit still decodes.
            expect((yield* EventsClient.getEvent("ev_1")).id).toBe("ev_1")
          }),
          { retry: false, maxResponseSize: 16_384 }
        ))
    })

    describe("Retry-After", () => {
      it.live("only non-negative delta-seconds, an HTTP-date or retry-after-ms are honoured", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          const cases: ReadonlyArray<readonly [Record<string, string>, number | undefined]> = [
            [{ "retry-after": "3" }, 3000],
            [{ "retry-after-ms": "250" }, 250],
            [{ "retry-after": "-5" }, undefined],
            [{ "retry-after": "1, 2" }, undefined],
            [{ "retry-after": "soon" }, undefined],
            [{ "retry-after": "1.5" }, undefined],
            [{ "retry-after": "" }, undefined],
            [{ "retry-after-ms": "-1" }, undefined],
            [{ "retry-after": "Thu, 01 Jan 1970 00:00:00 GMT" }, 0],
            [{ "retry-after": "Thu, 01 Jan 1970 00:00:00 GMT, Thu, 01 Jan 1970 00:00:00 GMT" }, undefined]
          ]
          for (const [headers, expected] of cases) {
            yield* api.failNext({ _tag: "Status", status: 429, body: { error: "slow down" }, headers })
            const error = yield* Effect.flip(EventsClient.getEvent("ev_1"))
            assert(error._tag === "RateLimited")
            expect(
              error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter),
              JSON.stringify(headers)
            )
              .toBe(expected)
          }
        })))
    })

    describe("streams never loop", () => {
      const page = (ids: ReadonlyArray<number>, hasMore: boolean, nextCursor: string | null) =>
        JSON.stringify({ data: ids.map((i) => events[i]), hasMore, nextCursor })

      it.live("hasMore with a null or empty nextCursor ends the stream with ServerFault, after the page", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          for (const cursor of [null, ""]) {
            yield* api.failNext({ _tag: "Body", body: page([5, 4], true, cursor) })
            const seen: Array<string> = []
            const error = yield* EventsClient.streamEvents().pipe(
              Stream.runForEach((event) => Effect.sync(() => seen.push(event.id))),
              Effect.flip
            )
            assert(error._tag === "ServerFault")
            expect(error.reason).toContain("nextCursor")
            expect(seen).toEqual(["ev_5", "ev_4"])
          }
        })))

      it.live("a cursor that was already followed ends the stream with ServerFault", () =>
        run(Effect.gen(function*() {
          const api = yield* ExaApi.ExaApi
          yield* api.failNext({ _tag: "Body", body: page([5], true, "cur_a") })
          yield* api.failNext({ _tag: "Body", body: page([4], true, "cur_b") })
          yield* api.failNext({ _tag: "Body", body: page([3], true, "cur_a") })
          const result = yield* EventsClient.streamEvents().pipe(Stream.runCollect, Effect.exit)
          assert(Exit.isFailure(result))
          const error = Cause.failureOption(result.cause)
          assert(error._tag === "Some" && error.value._tag === "ServerFault")
          expect((yield* api.requests).length).toBe(3)
          // A stream started at a cursor counts it as followed.
          yield* api.failNext({ _tag: "Body", body: page([2], true, "cur_z") })
          const again = yield* Effect.flip(Stream.runDrain(EventsClient.streamEvents({ cursor: "cur_z" })))
          expect(again._tag).toBe("ServerFault")
        })))

      it.live("the same stream value can be run twice", () =>
        run(Effect.gen(function*() {
          const stream = EventsClient.streamEvents({ limit: 2 })
          const first = yield* Stream.runCollect(stream)
          const second = yield* Stream.runCollect(stream)
          expect(Chunk.size(first)).toBe(6)
          expect(Chunk.toArray(second).map((e) => e.id)).toEqual(Chunk.toArray(first).map((e) => e.id))
        })))
    })

    describe("hostile callers", () => {
      const hostile: ReadonlyArray<unknown> = [
        null,
        undefined,
        42,
        {},
        [],
        Symbol("x"),
        () => "ev_1",
        "",
        ".",
        "..",
        "ev_\uD800",
        "\uDC00ev"
      ]
      const throwing = Object.defineProperty({}, "limit", {
        enumerable: true,
        get() {
          throw new Error("boom")
        }
      })
      const badParams: ReadonlyArray<unknown> = [
        null,
        42,
        "cursor",
        [],
        { limit: "5" },
        { limit: 0 },
        { limit: 201 },
        { limit: 1.5 },
        { limit: Number.NaN },
        { types: "webset.idle" },
        { types: [1] },
        { types: ["webset.nope"] },
        { types: [] },
        { cursor: 5 },
        { cursor: "" },
        { cursor: "cur_\uD800" },
        { createdAfter: {} },
        { createdAfter: "yesterday" },
        { createdBefore: new Date(Number.NaN) },
        { createdBefore: 1700000000000 },
        throwing
      ]

      it.live("every bad argument is InvalidRequest, nothing throws, nothing is sent", () =>
        run(Effect.gen(function*() {
          const client = yield* EventsClient.EventsClient
          const api = yield* ExaApi.ExaApi
          for (const id of hostile) {
            let effect: Effect.Effect<unknown, Errors.GetEventError> | undefined
            expect(() => (effect = client.getEvent(id as string))).not.toThrow()
            const error = yield* Effect.flip(effect!)
            expect(error._tag, String(typeof id === "symbol" ? "symbol" : JSON.stringify(id))).toBe("InvalidRequest")
          }
          for (const params of badParams) {
            let list: Effect.Effect<unknown, Errors.ListEventsError> | undefined
            let stream: Stream.Stream<unknown, Errors.StreamEventsError> | undefined
            expect(() => (list = client.listEvents(params as EventsClient.ListEventsParams))).not.toThrow()
            expect(() => (stream = client.streamEvents(params as EventsClient.ListEventsParams))).not.toThrow()
            expect((yield* Effect.flip(list!))._tag, inspect(params)).toBe("InvalidRequest")
            expect((yield* Effect.flip(Stream.runDrain(stream!)))._tag, inspect(params)).toBe("InvalidRequest")
          }
          expect(yield* api.requests).toEqual([])
        })))
    })

    describe("the key never shows up", () => {
      const failures: ReadonlyArray<ExaApi.Failure> = [
        { _tag: "Status", status: 401, body: { error: `bad key ${key}`, tag: "INVALID_API_KEY" } },
        { _tag: "Status", status: 404, body: { error: `no such event for ${key}` } },
        {
          _tag: "Status",
          status: 500,
          body: { error: { message: `boom ${key}`, code: key } },
          headers: { "x-request-id": key }
        },
        { _tag: "Status", status: 429, body: { error: key } },
        { _tag: "Status", status: 302, body: "", headers: { location: `http://localhost:9/?k=${key}` } },
        { _tag: "Body", body: `{"echo":"${key}"}` },
        { _tag: "Body", body: `not json ${key}`, contentType: "text/plain" },
        { _tag: "Body", body: "{}", headers: { "x-request-id": key } },
        { _tag: "Body", body: "x".repeat(40_000), headers: { "x-request-id": key } },
        { _tag: "Stall" },
        { _tag: "Transport" }
      ]

      for (const httpSpans of [false, true]) {
        it.live(`in no error, Cause.pretty, inspect, JSON, log or span (httpSpans ${httpSpans})`, () => {
          const logs: Array<string> = []
          const logger = Logger.make(({ cause, message }) =>
            logs.push(inspect(message, { depth: 10 }) + Cause.pretty(cause))
          )
          // Every span with its attributes, events and exit value.
          const { spans, tracer } = recordingTracer()
          return run(
            Effect.gen(function*() {
              const api = yield* ExaApi.ExaApi
              for (const failure of failures) {
                yield* api.failNext(failure)
                const exit = yield* Effect.exit(EventsClient.getEvent("ev_1"))
                assert(Exit.isFailure(exit))
                const error = Cause.squash(exit.cause)
                expect(Errors.isExaError(error), failure._tag).toBe(true)
                expect(everywhere(error), JSON.stringify(failure)).not.toContain(key)
                expect(Cause.pretty(exit.cause)).not.toContain(key)
                yield* Effect.logError("failed", exit.cause)
                yield* Effect.logDebug(error)
              }
              expect(logs.length).toBeGreaterThan(0)
              expect(logs.join("\n")).not.toContain(key)
              expect(spans.length).toBeGreaterThan(0)
              expect(inspect(spans, { depth: 12 })).not.toContain(key)
            }).pipe(
              Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
              Logger.withMinimumLogLevel(LogLevel.All),
              Effect.withTracer(tracer)
            ),
            { retry: false, httpSpans, maxResponseSize: 32_768, timeout: "300 millis" }
          )
        })
      }
    })
  })
}
