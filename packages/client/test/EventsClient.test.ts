import { Errors, EventsClient, Exa, ExaClient, Retry } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import type * as Tracer from "effect/Tracer"
import { readFileSync } from "node:fs"
import { version } from "../src/internal/version.js"
import { json, stub } from "./stub.js"
import { recordingTracer } from "./tracer.js"

const KEY = "exa-secret-key-1234"
const apiKey = Redacted.make(KEY)
const idle = Fixtures.events["webset.idle"]

const withStub = (
  handler: Parameters<typeof stub>[0],
  options: Partial<ExaClient.Options> = {}
) => {
  const s = stub(handler)
  const layer = Exa.layer({ apiKey, retry: false, ...options }).pipe(Layer.provide(s.layer))
  return { seen: s.seen, layer }
}

describe("EventsClient requests", () => {
  it.effect("sends the key, accept and user-agent to {baseUrl}/websets/v0/events/{id}", () => {
    const { seen, layer } = withStub(() => json(200, idle), { baseUrl: "https://exa.example.com/" })
    return Effect.gen(function*() {
      const event = yield* EventsClient.getEvent("ev_1")
      assert.instanceOf(event, Event.WebsetIdleEvent)
      expect(seen[0]!.url.href).toBe("https://exa.example.com/websets/v0/events/ev_1")
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
    const { seen, layer } = withStub(() => json(404, {}))
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
    const { seen, layer } = withStub(() => json(200, idle))
    return Effect.gen(function*() {
      const errors = [
        yield* Effect.flip(EventsClient.getEvent("")),
        yield* Effect.flip(EventsClient.getEvent("..")),
        yield* Effect.flip(EventsClient.listEvents({ limit: 0 })),
        yield* Effect.flip(EventsClient.listEvents({ limit: 201 })),
        yield* Effect.flip(EventsClient.listEvents({ limit: 2.5 })),
        yield* Effect.flip(EventsClient.listEvents({ cursor: "" })),
        yield* Effect.flip(EventsClient.listEvents({ types: ["webset.exploded" as any] })),
        yield* Effect.flip(EventsClient.listEvents({ createdAfter: "yesterday" })),
        yield* Effect.flip(EventsClient.listEvents({ createdBefore: new Date(NaN) }))
      ]
      for (const error of errors) expect(error._tag).toBe("InvalidRequest")
      expect(errors[3]!.message).toContain("1 to 200")
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("serialises list parameters the way the API expects", () => {
    const { seen, layer } = withStub(() => json(200, { data: [], hasMore: false, nextCursor: null }))
    return Effect.gen(function*() {
      yield* EventsClient.listEvents({
        cursor: "abc def/+",
        limit: 50,
        types: ["webset.created", "webset.item.enriched"],
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
  const failWith = (response: Effect.Effect<Response>) =>
    Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(withStub(() => response).layer))

  it.effect("404 is NotFound with the id and the x-request-id header", () =>
    Effect.gen(function*() {
      const error = yield* failWith(
        json(404, { statusCode: 404, message: "Event not found" }, { "x-request-id": "req_h" })
      )
      assert(error._tag === "NotFound")
      expect(error.id).toBe("ev_1")
      expect(error.requestId).toBe("req_h")
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
      const cases: Array<[Effect.Effect<Response>, string, string | undefined, string | undefined]> = [
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
      const huge = JSON.stringify({ ...idle, data: { ...idle.data, title: "x".repeat(2_000_000), status: "exploded" } })
      const cases: Array<[string, string]> = [
        ["", "empty"],
        ["<!doctype html><p>maintenance</p>", "not valid JSON"],
        [JSON.stringify(idle).slice(0, 200), "not valid JSON"],
        [
          JSON.stringify({ error: "Internal error", tag: "INTERNAL_ERROR" }),
          `an error object, not an event: "Internal error"`
        ],
        [JSON.stringify([idle]), "expected an event object"],
        [JSON.stringify({ ...idle, data: { ...idle.data, status: "exploded" } }), `["status"]`],
        [huge, `["status"]`]
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

  it.effect("a connection failure is Transport", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(
        Effect.provide(
          Exa.layer({ apiKey, retry: false, baseUrl: "http://127.0.0.1:1" }).pipe(
            Layer.provide((yield* Effect.promise(() => import("@effect/platform/FetchHttpClient"))).layer)
          )
        )
      )
      expect(error._tag).toBe("Transport")
      expect(error.message).not.toContain(KEY)
    }), { timeout: 20_000 })
})

describe("retries and timeouts (TestClock)", () => {
  const flaky = (statuses: ReadonlyArray<number>, headers: Record<string, string> = {}) => {
    let n = 0
    return (() => {
      const status = statuses[n++] ?? 200
      return status === 200 ? json(200, idle) : json(status, { error: "try again" }, headers)
    })
  }

  it.effect("retries 503 with exponential backoff: 500 ms, then 1 s", () => {
    const { seen, layer } = withStub(flaky([503, 503]), { retry: { jitter: false } })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
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
    const { seen, layer } = withStub(flaky([429, 429], { "retry-after": "120" }), {
      retry: { jitter: false, maxRetryAfter: "10 seconds" }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
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
    const { seen, layer } = withStub(flaky([500]), { retry: {} })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("374 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("126 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  for (const status of [400, 401, 403, 404, 422]) {
    it.effect(`never retries ${status}`, () => {
      const { seen, layer } = withStub(flaky([status, status, status]), { retry: {} })
      return Effect.gen(function*() {
        yield* Effect.flip(EventsClient.getEvent("ev_1"))
        expect(seen).toHaveLength(1)
      }).pipe(Effect.provide(layer))
    })
  }

  for (const status of [408, 409, 429, 500, 502, 503, 504]) {
    it.effect(`retries ${status}`, () => {
      const { seen, layer } = withStub(flaky([status]), { retry: { jitter: false } })
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
        yield* TestClock.adjust("500 millis")
        yield* Fiber.join(fiber)
        expect(seen).toHaveLength(2)
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("a Decode failure is not retried", () => {
    const { seen, layer } = withStub(() => json(200, "{"), { retry: {} })
    return Effect.gen(function*() {
      expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("Decode")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a custom schedule replaces the default", () => {
    const { seen, layer } = withStub(flaky([500, 500, 500, 500]), {
      retry: Retry.schedule({ maxRetries: 4, initialDelay: "10 millis", jitter: false })
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(5)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a hung request times out after 30 s by default, and is aborted", () => {
    const { seen, layer } = withStub(() => Effect.never, { retry: false })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(EventsClient.getEvent("ev_1")))
      yield* TestClock.adjust("29 seconds")
      expect(seen[0]!.signal.aborted).toBe(false)
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert(error._tag === "Timeout")
      expect(Duration.toSeconds(error.timeout)).toBe(30)
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a timed-out attempt is retried", () => {
    let n = 0
    const { seen, layer } = withStub(() => (n++ === 0 ? Effect.never : json(200, idle)), {
      timeout: "1 second",
      retry: { jitter: false }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("500 millis")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("interrupting getEvent aborts the request", () => {
    const { seen, layer } = withStub(() => Effect.never)
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(EventsClient.getEvent("ev_1"))
      yield* TestClock.adjust("1 millis")
      expect(seen[0]!.signal.aborted).toBe(false)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      // The request is aborted as the interrupted fiber ends: a few scheduler ticks, no clock time.
      yield* Effect.yieldNow().pipe(Effect.repeat({ until: () => seen[0]!.signal.aborted, times: 100 }))
      expect(seen[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})

describe("layerConfig", () => {
  it.effect("reads EXA_API_KEY and EXA_BASE_URL through Config", () => {
    const s = stub(() => json(200, idle))
    const layer = Exa.layerConfig({ retry: false }).pipe(
      Layer.provide(s.layer),
      Layer.provide(
        Layer.setConfigProvider(
          ConfigProvider.fromMap(new Map([["EXA_API_KEY", "from-env"], ["EXA_BASE_URL", "http://exa.internal:8080"]]))
        )
      )
    )
    return Effect.gen(function*() {
      yield* EventsClient.getEvent("ev_1")
      expect(s.seen[0]!.url.origin).toBe("http://exa.internal:8080")
      expect(s.seen[0]!.headers["x-api-key"]).toBe("from-env")
    }).pipe(Effect.provide(layer))
  })

  it.effect("fails to build without EXA_API_KEY", () => {
    const layer = Exa.layerConfig().pipe(
      Layer.provide(stub(() => json(200, idle)).layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
    )
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(layer).pipe(Effect.scoped))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toContain("EXA_API_KEY")
    })
  })

  it.effect("an empty EXA_API_KEY is an InvalidData naming the variable; a blank EXA_BASE_URL is not set", () =>
    Effect.gen(function*() {
      const build = (env: ReadonlyArray<readonly [string, string]>) =>
        Layer.build(Exa.layerConfig({ retry: false }).pipe(Layer.provide(stub(() => json(200, idle)).layer))).pipe(
          Effect.scoped,
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env)))
        )
      const empty = yield* Effect.flip(build([["EXA_API_KEY", ""]]))
      expect(empty).toMatchObject({ _op: "InvalidData", path: ["EXA_API_KEY"], message: "must not be empty" })
      // Given explicitly, the same empty key is refused by the option check.
      const explicit = yield* Effect.flip(
        Layer.build(
          Exa.layerConfig({ apiKey: Config.succeed(Redacted.make("")) }).pipe(
            Layer.provide(stub(() => json(200, idle)).layer)
          )
        ).pipe(Effect.scoped)
      )
      expect(explicit).toMatchObject({ _op: "InvalidData", path: ["apiKey"] })
      const s = stub(() => json(200, idle))
      yield* EventsClient.getEvent("ev_1").pipe(
        Effect.provide(Exa.layerConfig({ retry: false }).pipe(Layer.provide(s.layer))),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["EXA_API_KEY", "k"], ["EXA_BASE_URL", "  "]])))
      )
      expect(s.seen[0]!.url.origin).toBe(ExaClient.defaultBaseUrl)
    }))
})

describe("tracing", () => {
  it.effect("getEvent is a span with the event id, type, status and request id; no HTTP span by default", () => {
    const { spans, tracer } = recordingTracer()
    const layer = ExaApi.layerClient({ events: [idle] })
    return Effect.gen(function*() {
      yield* EventsClient.getEvent(idle.id)
      const span = spans.find((s) => s.name === "EventsClient.getEvent")!
      expect(span.attributes.get("exa.event.id")).toBe(idle.id)
      expect(span.attributes.get("exa.event.type")).toBe("webset.idle")
      expect(span.attributes.get("http.response.status_code")).toBe(200)
      expect(span.attributes.get("exa.request_id")).toMatch(/^req_/)
      expect(spans.map((s) => s.name)).toEqual(["EventsClient.getEvent"])
      const api = yield* ExaApi.ExaApi
      expect(Object.keys((yield* api.requests)[0]!.headers)).not.toContain("traceparent")
    }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
  })

  it.effect("with httpSpans, an HTTP client span is nested, with trace headers; the key is in no span", () => {
    const { spans, tracer } = recordingTracer()
    const layer = ExaApi.layerClient({ events: [idle], client: { httpSpans: true } })
    return Effect.gen(function*() {
      yield* EventsClient.getEvent(idle.id)
      expect(spans.map((s) => s.name)).toEqual(["EventsClient.getEvent", "http.client GET"])
      const api = yield* ExaApi.ExaApi
      expect(Object.keys((yield* api.requests)[0]!.headers)).toContain("traceparent")
      const key = Redacted.value(ExaApi.defaultApiKey)
      const everything = JSON.stringify(
        spans.map((s) => [s.name, [...s.attributes.entries()], s.events]),
        (_, v) => (typeof v === "bigint" ? String(v) : v)
      )
      expect(everything).not.toContain(key)
      const http = spans.find((s) => s.name === "http.client GET")!
      expect(http.attributes.get("http.response.status_code")).toBe(200)
      expect(http.attributes.get("url.path")).toBe(`/websets/v0/events/${idle.id}`)
      expect(http.parent).toBe("EventsClient.getEvent")
    }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
  })

  it.effect("under Effect's default tracer too, each call is a span under the caller's; the caller's span is kept", () => {
    const native = Effect.runSync(Effect.tracer)
    const made: Array<string> = []
    const span = native.span
    return Effect.gen(function*() {
      // Spy on the default tracer itself: the client makes its spans whichever tracer is installed.
      ;(native as { span: Tracer.Tracer["span"] }).span = (name, ...rest) => {
        made.push(name)
        return span(name, ...rest)
      }
      const parent = yield* Effect.withSpan(
        Effect.zipRight(EventsClient.getEvent(idle.id), Effect.currentSpan),
        "user.work"
      )
      expect(parent.name).toBe("user.work")
      expect(made).toEqual(["user.work", "EventsClient.getEvent"])
      yield* EventsClient.listEvents({ limit: 1 })
      expect(made).toEqual(["user.work", "EventsClient.getEvent", "EventsClient.listEvents"])
    }).pipe(
      Effect.provide(ExaApi.layerClient({ events: [idle] })),
      Effect.ensuring(Effect.sync(() => ((native as { span: Tracer.Tracer["span"] }).span = span)))
    )
  })

  it.effect("listEvents is a span with its filters", () => {
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      yield* EventsClient.listEvents({ types: ["webset.idle"], limit: 5 })
      const span = spans.find((s) => s.name === "EventsClient.listEvents")!
      expect(span.attributes.get("exa.event.types")).toBe("webset.idle")
      expect(span.attributes.get("exa.events.count")).toBe(1)
    }).pipe(Effect.provide(ExaApi.layerClient({ events: [idle] })), Effect.withTracer(tracer))
  })
})

describe("the API key never leaks", () => {
  it.effect("not in errors, their JSON or toString, nor in logs of the redacted key", () =>
    Effect.gen(function*() {
      const layer = Exa.layer({ apiKey, retry: false }).pipe(
        Layer.provide(ExaApi.layerHttpClient),
        Layer.provideMerge(ExaApi.layer({ apiKey: "a-different-key" }))
      )
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(layer))
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
      expect(Errors.isExaError(error)).toBe(true)
      expect(Errors.isExaError(new Error("x"))).toBe(false)
    }))
})
