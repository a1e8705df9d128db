/**
 * EventsClient over a stub `HttpClient`: what it sends, what it makes of each answer, retries and timeouts on the
 * `TestClock`, `layerConfig`, tracing and the key. Ported from the Effect 3 line's `EventsClient.test.ts` (the
 * emulator-backed cases run against the stub here: the emulator is not ported yet).
 */
import { Errors, EventsClient, Exa, ExaClient, Retry } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { readFileSync } from "node:fs"
import { version } from "../src/internal/version.js"
import { idle, idleWith } from "./fixtures.js"
import { json, stub } from "./stub.js"
import { recordingTracer } from "./tracer.js"

const KEY = "exa-secret-key-1234"
const apiKey = Redacted.make(KEY)

const withStub = (handler: Parameters<typeof stub>[0], options: Partial<ExaClient.Options> = {}) => {
  const s = stub(handler)
  const layer = Exa.layer({ apiKey, retry: false, ...options }).pipe(Layer.provide(s.layer))
  return { seen: s.seen, layer }
}

const env = (entries: Record<string, string>) =>
  Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(entries))

describe("EventsClient requests", () => {
  it.effect("sends the key, accept and user-agent to {baseUrl}/websets/v0/events/{id}", () => {
    const { layer, seen } = withStub(() => json(200, idle), { baseUrl: "https://exa.example.com/" })
    return Effect.gen(function*() {
      const event = yield* EventsClient.getEvent("ev_1")
      assert.instanceOf(event, Event.WebsetIdleEvent)
      expect(seen[0]!.url.href).toBe("https://exa.example.com/websets/v0/events/ev_1")
      expect(seen[0]!.request.method).toBe("GET")
      expect(seen[0]!.headers["x-api-key"]).toBe(KEY)
      expect(seen[0]!.headers["accept"]).toBe("application/json")
      expect(seen[0]!.headers["user-agent"]).toBe(`effect-exa/${version}`)
    }).pipe(Effect.provide(layer))
  })

  it("the user-agent version is the package's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(version).toBe(pkg.version)
  })

  it.effect("percent-encodes the id into one path segment", () => {
    const { layer, seen } = withStub(() => json(404, {}))
    return Effect.gen(function*() {
      for (const id of ["../websets/x", "a/b?c", "x#y", "100%", "a b"]) {
        yield* Effect.flip(EventsClient.getEvent(id))
      }
      expect(seen.map((s) => s.url.pathname)).toEqual([
        "/websets/v0/events/..%2Fwebsets%2Fx",
        "/websets/v0/events/a%2Fb%3Fc",
        "/websets/v0/events/x%23y",
        "/websets/v0/events/100%25",
        "/websets/v0/events/a%20b"
      ])
      expect(seen.every((s) => s.url.search === "" && s.url.hash === "")).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("invalid arguments fail with InvalidRequest and send nothing", () => {
    const { layer, seen } = withStub(() => json(200, idle))
    return Effect.gen(function*() {
      const hostile = Object.defineProperty({}, "limit", {
        get() {
          throw new Error("a getter that throws")
        }
      })
      const errors = [
        yield* Effect.flip(EventsClient.getEvent("")),
        yield* Effect.flip(EventsClient.getEvent("..")),
        yield* Effect.flip(EventsClient.getEvent(42 as never)),
        yield* Effect.flip(EventsClient.listEvents({ limit: 0 })),
        yield* Effect.flip(EventsClient.listEvents({ limit: 201 })),
        yield* Effect.flip(EventsClient.listEvents({ limit: 2.5 })),
        yield* Effect.flip(EventsClient.listEvents({ cursor: "" })),
        yield* Effect.flip(EventsClient.listEvents({ types: ["webset.exploded" as any] })),
        yield* Effect.flip(EventsClient.listEvents({ types: [] })),
        yield* Effect.flip(EventsClient.listEvents({ createdAfter: "yesterday" })),
        yield* Effect.flip(EventsClient.listEvents({ createdBefore: new Date(NaN) })),
        yield* Effect.flip(EventsClient.listEvents("x" as never)),
        yield* Effect.flip(EventsClient.listEvents(hostile)),
        yield* Effect.flip(Stream.runCollect(EventsClient.streamEvents({ limit: 0 })))
      ]
      for (const error of errors) expect(error._tag).toBe("InvalidRequest")
      expect(errors.map((e) => e.message)).toEqual([
        "Invalid request: the event id must not be empty",
        "Invalid request: the event id \"..\" cannot be put in a URL path",
        "Invalid request: the event id must be a string, got 42",
        "Invalid request: limit must be an integer from 1 to 200, got 0",
        "Invalid request: limit must be an integer from 1 to 200, got 201",
        "Invalid request: limit must be an integer from 1 to 200, got 2.5",
        "Invalid request: cursor must not be empty",
        "Invalid request: unknown event type \"webset.exploded\"",
        "Invalid request: types must name at least one event type",
        "Invalid request: createdAfter must be an RFC 3339 timestamp, got \"yesterday\"",
        "Invalid request: createdBefore is an invalid Date",
        "Invalid request: the parameters of listEvents must be an object, got \"x\"",
        "Invalid request: the arguments could not be read (Error: a getter that throws)",
        "Invalid request: limit must be an integer from 1 to 200, got 0"
      ])
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("serialises list parameters the way the API expects", () => {
    const { layer, seen } = withStub(() => json(200, { data: [], hasMore: false, nextCursor: null }))
    return Effect.gen(function*() {
      yield* EventsClient.listEvents({
        cursor: "abc def/+",
        limit: 50,
        types: ["webset.created", "webset.item.enriched", "webset.created"],
        createdAfter: new Date("2025-01-01T00:00:00Z"),
        createdBefore: "2025-02-01T00:00:00Z"
      })
      yield* EventsClient.listEvents()
      const [first, second] = seen
      expect([...first!.url.searchParams.entries()]).toEqual([
        ["cursor", "abc def/+"],
        ["limit", "50"],
        ["types", "webset.created"],
        ["types", "webset.item.enriched"],
        ["createdBefore", "2025-02-01T00:00:00Z"],
        ["createdAfter", "2025-01-01T00:00:00.000Z"]
      ])
      expect(second!.url.search).toBe("")
    }).pipe(Effect.provide(layer))
  })
})

describe("EventsClient responses", () => {
  const failWith = (response: ReturnType<typeof json>) =>
    Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(withStub(() => response).layer))

  it.effect("404 is NotFound with the id and the x-request-id header", () =>
    Effect.gen(function*() {
      const error = yield* failWith(
        json(404, { statusCode: 404, message: "Event not found" }, { "x-request-id": "req_h" })
      )
      assert(error._tag === "NotFound")
      expect(error.id).toBe("ev_1")
      expect(error.resource).toBe("event")
      expect(error.requestId).toBe("req_h")
      expect(error.message).toBe("Event \"ev_1\" not found")
    }))

  it.effect("401 and 403 are Unauthorized with the API's message", () =>
    Effect.gen(function*() {
      const e401 = yield* failWith(json(401, { requestId: "req_b", error: "Invalid API key", tag: "INVALID_API_KEY" }))
      assert(e401._tag === "Unauthorized")
      expect([e401.status, e401.apiMessage, e401.code, e401.requestId]).toEqual([
        401,
        "Invalid API key",
        "INVALID_API_KEY",
        "req_b"
      ])
      const e403 = yield* failWith(json(403, { message: "Forbidden resource" }))
      assert(e403._tag === "Unauthorized")
      expect([e403.status, e403.apiMessage]).toEqual([403, "Forbidden resource"])
    }))

  it.effect("error bodies of every shape give a message, a code and a request id", () =>
    Effect.gen(function*() {
      const cases: Array<[ReturnType<typeof json>, string, string | undefined, string | undefined]> = [
        [
          json(400, { requestId: "r1", error: "Invalid request body | x", tag: "INVALID_REQUEST_BODY" }),
          "Invalid request body | x",
          "INVALID_REQUEST_BODY",
          "r1"
        ],
        [
          json(400, { error: { type: "invalid", code: "MONITOR_NOT_FOUND", message: "No monitor" }, requestId: "r2" }),
          "No monitor",
          "MONITOR_NOT_FOUND",
          "r2"
        ],
        [
          json(400, { statusCode: 400, message: "Unrecognized key(s) in object: 'x'", error: "Bad Request" }),
          "Bad Request: Unrecognized key(s) in object: 'x'",
          undefined,
          undefined
        ],
        [
          json(502, "<html>\n  <h1>502 Bad Gateway</h1>\n</html>", { "content-type": "text/html" }),
          "<html> <h1>502 Bad Gateway</h1> </html>",
          undefined,
          undefined
        ],
        [json(500, ""), "HTTP 500 with an empty body", undefined, undefined],
        [json(500, "[1,2]"), "[1,2]", undefined, undefined]
      ]
      for (const [response, message, code, requestId] of cases) {
        const error = yield* failWith(response)
        assert(error._tag === "ApiError")
        expect(error.apiMessage).toBe(message)
        expect(error.code).toBe(code)
        expect(error.requestId).toBe(requestId)
      }
    }))

  it.effect("429 reads retry-after-ms, Retry-After seconds and HTTP dates", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const delays: Array<number | undefined> = []
      for (
        const headers of [
          { "retry-after-ms": "1500" },
          { "retry-after": "7" },
          { "retry-after": "Thu, 01 Jan 2026 00:00:20 GMT" },
          { "retry-after": "soon" },
          {}
        ]
      ) {
        const error = yield* failWith(json(429, { error: "You've exceeded your Exa rate limit" }, headers))
        assert(error._tag === "RateLimited")
        delays.push(error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter))
      }
      expect(delays).toEqual([1500, 7000, 20000, undefined, undefined])
    }))

  it.effect("bad 2xx bodies are Decode errors that keep the body", () =>
    Effect.gen(function*() {
      const cases: Array<[string, string]> = [
        ["", "empty"],
        ["<!doctype html><p>maintenance</p>", "not valid JSON"],
        [JSON.stringify(idle).slice(0, 200), "not valid JSON"],
        [
          JSON.stringify({ error: "Internal error", tag: "INTERNAL_ERROR" }),
          `an error object, not an event: "Internal error"`
        ],
        [JSON.stringify({ id: "x" }), "the body has no string \"type\", so it is not an event"],
        [JSON.stringify([idle]), "expected an event object"],
        [JSON.stringify({ ...idle, data: { ...idle.data, status: "exploded" } }), `["status"]`]
      ]
      for (const [body, reason] of cases) {
        const error = yield* failWith(json(200, body, { "content-type": "text/plain" }))
        assert(error._tag === "Decode")
        expect(error.body).toBe(body)
        expect(error.status).toBe(200)
        expect(error.reason).toContain(reason)
      }
    }))

  it.effect("a valid event is accepted whatever the content type, and unknown types decode", () =>
    Effect.gen(function*() {
      const unknown = {
        id: "ev_x",
        object: "event",
        type: "webset.archived",
        data: { a: 1 },
        createdAt: "2026-01-01T00:00:00Z"
      }
      const event = yield* EventsClient.getEvent("ev_x").pipe(
        Effect.provide(withStub(() => json(200, unknown, { "content-type": "text/html" })).layer)
      )
      assert.instanceOf(event, Event.UnknownEvent)
      expect(event.data).toEqual({ a: 1 })
    }))
})

describe("streamEvents", () => {
  const page = (ids: ReadonlyArray<string>, nextCursor: string | null) => ({
    data: ids.map(idleWith),
    hasMore: nextCursor !== null,
    nextCursor
  })

  it.effect("walks every page lazily, starting at the cursor, with the filters on each request", () => {
    const pages: Record<string, ReturnType<typeof page>> = {
      start: page(["ev_1", "ev_2"], "c2"),
      c2: page(["ev_3"], "c3"),
      c3: page([], null)
    }
    const { layer, seen } = withStub((url) => json(200, pages[url.searchParams.get("cursor") ?? "none"]))
    return Effect.gen(function*() {
      const firstTwo = yield* Stream.runCollect(
        Stream.take(EventsClient.streamEvents({ cursor: "start", limit: 2 }), 2)
      )
      expect(firstTwo.map((e) => e.id)).toEqual(["ev_1", "ev_2"])
      expect(seen).toHaveLength(1)
      const all = yield* Stream.runCollect(EventsClient.streamEvents({ cursor: "start", types: ["webset.idle"] }))
      expect(all.map((e) => e.id)).toEqual(["ev_1", "ev_2", "ev_3"])
      expect(seen.slice(1).map((s) => [...s.url.searchParams.entries()])).toEqual([
        [["cursor", "start"], ["types", "webset.idle"]],
        [["cursor", "c2"], ["types", "webset.idle"]],
        [["cursor", "c3"], ["types", "webset.idle"]]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a server that would page forever ends the stream with ServerFault, after the page's events", () =>
    Effect.gen(function*() {
      const run = (answer: (cursor: string | null) => ReturnType<typeof page>) =>
        Effect.gen(function*() {
          const got: Array<string> = []
          const error = yield* Effect.flip(
            Stream.runForEach(EventsClient.streamEvents(), (event) => Effect.sync(() => got.push(event.id)))
          ).pipe(Effect.provide(withStub((url) => json(200, answer(url.searchParams.get("cursor")))).layer))
          return { got, error }
        })
      const repeated = yield* run((cursor) => page([`ev_${cursor ?? 0}`], "same"))
      expect(repeated.got).toEqual(["ev_0", "ev_same"])
      expect(repeated.error).toBeInstanceOf(Errors.ServerFault)
      expect(repeated.error.message).toBe(
        "The server broke the API contract: the server gave the cursor \"same\" again, which would page forever"
      )
      const noCursor = yield* run(() => ({ data: [idleWith("ev_1")], hasMore: true, nextCursor: null }))
      expect(noCursor.got).toEqual(["ev_1"])
      expect(noCursor.error).toMatchObject({
        _tag: "ServerFault",
        reason: "a page says hasMore but gives no nextCursor"
      })
      let n = 0
      const empty = yield* run(() => page([], `c${n++}`))
      expect(empty.error).toMatchObject({
        _tag: "ServerFault",
        reason: "the server gave 20 empty pages in a row, each saying there is more"
      })
    }))
})

describe("retries and timeouts (TestClock)", () => {
  const flaky = (statuses: ReadonlyArray<number>, headers: Record<string, string> = {}) => {
    let n = 0
    return () => {
      const status = statuses[n++] ?? 200
      return status === 200 ? json(200, idle) : json(status, { error: "try again" }, headers)
    }
  }

  it.effect("retries 503 with exponential backoff: 500 ms, then 1 s", () => {
    const { layer, seen } = withStub(flaky([503, 503]), { retry: { jitter: false } })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("499 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(seen).toHaveLength(2)
      yield* TestClock.adjust("999 millis")
      expect(seen).toHaveLength(2)
      yield* TestClock.adjust("1 millis")
      const event = yield* Fiber.join(fiber)
      expect(event.id).toBe(idle.id)
      expect(seen).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("honours Retry-After over the backoff, capped at maxRetryAfter", () => {
    const { layer, seen } = withStub(flaky([429, 429], { "retry-after": "120" }), {
      retry: { jitter: false, maxRetryAfter: "10 seconds" }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("9999 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(seen).toHaveLength(2)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("jitter keeps each delay within [0.75, 1] of the backoff", () => {
    const { layer, seen } = withStub(flaky([500]), { retry: {} })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("374 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("126 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  for (const status of [400, 401, 403, 404, 422]) {
    it.effect(`never retries ${status}`, () => {
      const { layer, seen } = withStub(flaky([status, status, status]), { retry: {} })
      return Effect.gen(function*() {
        yield* Effect.flip(EventsClient.getEvent("ev_1"))
        expect(seen).toHaveLength(1)
      }).pipe(Effect.provide(layer))
    })
  }

  for (const status of [408, 409, 429, 500, 502, 503, 504]) {
    it.effect(`retries ${status}`, () => {
      const { layer, seen } = withStub(flaky([status]), { retry: { jitter: false } })
      return Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
        yield* TestClock.adjust("500 millis")
        yield* Fiber.join(fiber)
        expect(seen).toHaveLength(2)
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("a Decode failure is not retried", () => {
    const { layer, seen } = withStub(() => json(200, "{"), { retry: {} })
    return Effect.gen(function*() {
      expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("Decode")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a custom schedule replaces the default", () => {
    const { layer, seen } = withStub(flaky([500, 500, 500, 500]), {
      retry: Retry.schedule({ maxRetries: 4, initialDelay: "10 millis", jitter: false })
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(5)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a hung request times out after 30 s by default, and is aborted", () => {
    const { layer, seen } = withStub(() => Effect.never, { retry: false })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.flip(EventsClient.getEvent("ev_1")))
      yield* TestClock.adjust("29 seconds")
      expect(seen[0]!.signal.aborted).toBe(false)
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert(error._tag === "Timeout")
      expect(Duration.toSeconds(error.timeout)).toBe(30)
      expect(error.message).toBe("The request timed out after 30s")
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a timed-out attempt is retried", () => {
    let n = 0
    const { layer, seen } = withStub(() => (n++ === 0 ? Effect.never : json(200, idle)), {
      timeout: "1 second",
      retry: { jitter: false }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("500 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("interrupting getEvent aborts the request", () => {
    const { layer, seen } = withStub(() => Effect.never)
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 millis")
      expect(seen[0]!.signal.aborted).toBe(false)
      yield* Fiber.interrupt(fiber)
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})

describe("layerConfig", () => {
  it.effect("reads EXA_API_KEY and EXA_BASE_URL through Config", () => {
    const s = stub(() => json(200, idle))
    return Effect.gen(function*() {
      yield* EventsClient.getEvent("ev_1").pipe(
        Effect.provide(Exa.layerConfig({ retry: false }).pipe(Layer.provide(s.layer))),
        env({ EXA_API_KEY: "from-env", EXA_BASE_URL: "http://exa.internal:8080" })
      )
      expect(s.seen[0]!.url.origin).toBe("http://exa.internal:8080")
      expect(s.seen[0]!.headers["x-api-key"]).toBe("from-env")
    })
  })

  it.effect("fails to build without EXA_API_KEY, naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(Exa.layerConfig().pipe(Layer.provide(stub(() => json(200, idle)).layer))).pipe(
          Effect.scoped,
          env({})
        )
      )
      expect(String(error)).toContain("EXA_API_KEY")
    }))

  it.effect("an empty key is refused (from the environment or given), a blank EXA_BASE_URL is not set", () =>
    Effect.gen(function*() {
      const build = (layer: Layer.Layer<Exa.Clients, Config.ConfigError>) =>
        Effect.flip(Layer.build(layer).pipe(Effect.scoped))
      const http = stub(() => json(200, idle)).layer
      const empty = yield* build(Exa.layerConfig({ retry: false }).pipe(Layer.provide(http))).pipe(
        env({ EXA_API_KEY: "" })
      )
      expect(String(empty)).toContain("EXA_API_KEY")
      const fromUnknown = yield* build(Exa.layerConfig({ retry: false }).pipe(Layer.provide(http))).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({ EXA_API_KEY: "" }))
      )
      expect(String(fromUnknown)).toContain("EXA_API_KEY")
      const explicit = yield* build(
        Exa.layerConfig({ apiKey: Config.succeed(Redacted.make("")) }).pipe(Layer.provide(http))
      )
      expect(String(explicit)).toContain("apiKey must not be empty")
      const s = stub(() => json(200, idle))
      yield* EventsClient.getEvent("ev_1").pipe(
        Effect.provide(Exa.layerConfig({ retry: false }).pipe(Layer.provide(s.layer))),
        env({ EXA_API_KEY: "k", EXA_BASE_URL: "  " })
      )
      expect(s.seen[0]!.url.origin).toBe(ExaClient.defaultBaseUrl)
    }))

  it.effect("options that are not an object fail the layer with a ConfigError, never a throw", () =>
    Effect.gen(function*() {
      const http = stub(() => json(200, idle)).layer
      for (const options of [null, 42, "key"]) {
        const error = yield* Effect.flip(
          Layer.build(Exa.layerConfig(options as never).pipe(Layer.provide(http))).pipe(Effect.scoped)
        )
        expect(error._tag).toBe("ConfigError")
        expect(String(error)).toContain("options")
      }
      for (const options of [null, undefined, 42, "key", [], { apiKey: null }]) {
        const error = yield* Effect.flip(
          Layer.build(Exa.layer(options as never).pipe(Layer.provide(http))).pipe(Effect.scoped)
        )
        expect(error._tag).toBe("ConfigError")
      }
    }))
})

describe("tracing", () => {
  it.effect("getEvent is a span with the event id, type, status and request id; no HTTP span by default", () => {
    const { spans, tracer } = recordingTracer()
    const { layer, seen } = withStub(() => json(200, idle, { "x-request-id": "req_1" }))
    return Effect.gen(function*() {
      yield* EventsClient.getEvent(idle.id)
      const span = spans.find((s) => s.name === "EventsClient.getEvent")!
      expect(span.attributes.get("exa.event.id")).toBe(idle.id)
      expect(span.attributes.get("exa.event.type")).toBe("webset.idle")
      expect(span.attributes.get("http.response.status_code")).toBe(200)
      expect(span.attributes.get("exa.request_id")).toBe("req_1")
      expect(spans.map((s) => s.name)).toEqual(["EventsClient.getEvent"])
      expect(Object.keys(seen[0]!.headers)).not.toContain("traceparent")
    }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
  })

  it.effect("listEvents is a span with its filters and the page's size; a caller's span is its parent", () => {
    const { spans, tracer } = recordingTracer()
    const { layer } = withStub(() => json(200, { data: [idle], hasMore: false, nextCursor: null }))
    return Effect.gen(function*() {
      yield* Effect.withSpan(EventsClient.listEvents({ types: ["webset.idle"], limit: 5 }), "user.work")
      const span = spans.find((s) => s.name === "EventsClient.listEvents")!
      expect(span.attributes.get("exa.event.types")).toBe("webset.idle")
      expect(span.attributes.get("exa.limit")).toBe(5)
      expect(span.attributes.get("exa.events.count")).toBe(1)
      expect(span.parent).toBe("user.work")
    }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
  })
})

describe("the API key never leaks", () => {
  it.effect("not in errors, their JSON or toString, nor in the redacted key's rendering", () =>
    Effect.gen(function*() {
      const echo = () => json(401, { error: `key ${KEY} is not valid` }, { "x-request-id": `req ${KEY}` })
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(withStub(echo).layer))
      expect(error._tag).toBe("Unauthorized")
      const rendered = [
        JSON.stringify(error),
        String(error),
        error.message,
        error.stack ?? "",
        String(apiKey),
        JSON.stringify({ apiKey })
      ]
      for (const text of rendered) expect(text).not.toContain(KEY)
      expect(error.message).toBe("Unauthorized (401): key <redacted> is not valid")
      expect(Errors.isExaError(error)).toBe(true)
      expect(Errors.isExaError(new Error("x"))).toBe(false)
    }))
})
