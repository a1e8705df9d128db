/**
 * The request core (`internal/request.ts`) on its own: the exact error for every bad option, and what it makes of
 * each kind of response and transport failure, with endpoints declared here (with and without `empty`, `notFound`,
 * `annotate`) over a scripted `HttpClient`.
 */
import { type Endpoint, Errors, ExaClient } from "@effect-exa/client"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Settings from "../src/internal/settings.js"
import * as TransportContract from "../src/TransportContract.js"
import { recordingTracer } from "./tracer.js"

const apiKey = Redacted.make("key-for-core-tests")

const invalid = (options: unknown): { path: ReadonlyArray<string>; message: string } | undefined => {
  const result = Settings.settings(options)
  if (Either.isRight(result)) return undefined
  const error = result.left
  assert(error._op === "InvalidData")
  return { path: error.path, message: error.message }
}

const credentials = "baseUrl must not hold credentials (user:password@); the key goes in apiKey"
const queryOrFragment = "baseUrl must not have a query or a fragment"
const endpointPath =
  "baseUrl must be the API's origin (for example https://api.exa.ai), not an endpoint path: the client adds /websets/v0/… itself"
const notDuration = (name: string, got: string) => `${name} must be a Duration (for example "5 minutes"), got ${got}`
const sizeMessage = "maxResponseSize must be a whole number of bytes from 1 to 268435456 (256 MiB)"

describe("the options, each bad one with its exact error", () => {
  it("names the option and says what it must be", () => {
    const throwing = Object.defineProperty({}, "apiKey", {
      get() {
        throw new Error("a getter that throws")
      }
    })
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [null, "options", "options must be an object"],
      [42, "options", "options must be an object"],
      [throwing, "options", "the options could not be read"],
      [{ apiKey: "plain" }, "apiKey", "apiKey must be a Redacted string (Redacted.make or Config.redacted)"],
      [{ apiKey: Redacted.make(42) }, "apiKey", "apiKey must not be empty"],
      [{ apiKey: Redacted.make("") }, "apiKey", "apiKey must not be empty"],
      [
        { apiKey: Redacted.make("k\n") },
        "apiKey",
        "apiKey must not contain a line break (CR or LF) or NUL; check how it was read (a trailing newline?)"
      ],
      [{ apiKey, baseUrl: 42 }, "baseUrl", "baseUrl must be a string"],
      [
        { apiKey, baseUrl: "api.exa.ai" },
        "baseUrl",
        "baseUrl must be an absolute http(s) URL such as https://api.exa.ai"
      ],
      [{ apiKey, baseUrl: "ftp://api.exa.ai" }, "baseUrl", "baseUrl must use http or https"],
      [{ apiKey, baseUrl: "https://user@api.exa.ai" }, "baseUrl", credentials],
      [{ apiKey, baseUrl: "https://:pass@api.exa.ai" }, "baseUrl", credentials],
      [{ apiKey, baseUrl: "https://api.exa.ai/?q=1" }, "baseUrl", queryOrFragment],
      [{ apiKey, baseUrl: "https://api.exa.ai/#top" }, "baseUrl", queryOrFragment],
      [{ apiKey, baseUrl: "https://api.exa.ai?" }, "baseUrl", queryOrFragment],
      [{ apiKey, baseUrl: "https://api.exa.ai#" }, "baseUrl", queryOrFragment],
      [{ apiKey, baseUrl: "https://api.exa.ai/websets///" }, "baseUrl", endpointPath],
      [{ apiKey, baseUrl: "https://proxy.test/exa/websets/v0" }, "baseUrl", endpointPath],
      [{ apiKey, timeout: "soon" }, "timeout", notDuration("timeout", "\"soon\"")],
      [{ apiKey, timeout: 0 }, "timeout", "timeout must be longer than zero"],
      [{ apiKey, retry: "yes" }, "retry", "retry must be retry options, a Schedule, or false"],
      [{ apiKey, retry: null }, "retry", "retry must be retry options, a Schedule, or false"],
      [{ apiKey, retry: { maxRetries: -1 } }, "retry.maxRetries", "retry.maxRetries must be a whole number, 0 or more"],
      [
        { apiKey, retry: { maxRetries: 1.5 } },
        "retry.maxRetries",
        "retry.maxRetries must be a whole number, 0 or more"
      ],
      [
        { apiKey, retry: { maxRetries: "2" } },
        "retry.maxRetries",
        "retry.maxRetries must be a whole number, 0 or more"
      ],
      [
        { apiKey, retry: { maxRetries: -Infinity } },
        "retry.maxRetries",
        "retry.maxRetries must be a whole number, 0 or more"
      ],
      [{ apiKey, retry: { initialDelay: 0 } }, "retry.initialDelay", "retry.initialDelay must be longer than zero"],
      [{ apiKey, retry: { maxDelay: "x" } }, "retry.maxDelay", notDuration("retry.maxDelay", "\"x\"")],
      [{ apiKey, retry: { maxRetryAfter: -1 } }, "retry.maxRetryAfter", "retry.maxRetryAfter must be longer than zero"],
      [{ apiKey, maxResponseSize: 0 }, "maxResponseSize", sizeMessage],
      [{ apiKey, maxResponseSize: 1.5 }, "maxResponseSize", sizeMessage],
      [{ apiKey, maxResponseSize: "1" }, "maxResponseSize", sizeMessage],
      [{ apiKey, maxResponseSize: 256 * 1024 * 1024 + 1 }, "maxResponseSize", sizeMessage],
      [{ apiKey, transformClient: 42 }, "transformClient", "transformClient must be a function"],
      [{ apiKey, httpSpans: "yes" }, "httpSpans", "httpSpans must be true or false"],
      [{ apiKey, rateLimit: null }, "rateLimit", "rateLimit must be { limit, interval }"],
      [{ apiKey, rateLimit: 5 }, "rateLimit", "rateLimit must be { limit, interval }"],
      [
        { apiKey, rateLimit: { limit: 0, interval: "1 second" } },
        "rateLimit.limit",
        "rateLimit.limit must be a whole number, 1 or more"
      ],
      [
        { apiKey, rateLimit: { limit: 1.5, interval: "1 second" } },
        "rateLimit.limit",
        "rateLimit.limit must be a whole number, 1 or more"
      ],
      [
        { apiKey, rateLimit: { limit: "3", interval: "1 second" } },
        "rateLimit.limit",
        "rateLimit.limit must be a whole number, 1 or more"
      ],
      [
        { apiKey, rateLimit: { limit: 1, interval: "1 second", algorithm: "leaky" } },
        "rateLimit.algorithm",
        "rateLimit.algorithm must be \"token-bucket\" or \"fixed-window\""
      ],
      [{ apiKey, rateLimit: { limit: 1 } }, "rateLimit.interval", notDuration("rateLimit.interval", "undefined")]
    ]
    for (const [options, name, message] of cases) {
      expect(invalid(options), message).toEqual({ path: [name], message })
    }
  })

  it("accepts the edges of every range, and keeps what it was given", () => {
    const ok = (options: Record<string, unknown>) => {
      const result = Settings.settings({ apiKey, ...options })
      assert(Either.isRight(result), JSON.stringify(options))
      return result.right
    }
    expect(ok({ baseUrl: "https://proxy.test/exa//" })).toMatchObject({
      baseUrl: "https://proxy.test/exa",
      origin: "https://proxy.test"
    })
    expect(ok({ baseUrl: "https://proxy.test/websets/v0/extra" }).baseUrl).toBe("https://proxy.test/websets/v0/extra")
    expect(ok({}).baseUrl).toBe("https://api.exa.ai")
    expect(ok({ maxResponseSize: 1 }).maxResponseBytes).toBe(1)
    expect(ok({ maxResponseSize: 256 * 1024 * 1024 }).maxResponseBytes).toBe(256 * 1024 * 1024)
    expect(ok({ rateLimit: { limit: 1, interval: "1 second" } }).rateLimit).toMatchObject({
      limit: 1,
      algorithm: "token-bucket"
    })
    expect(ok({ rateLimit: { limit: 2, interval: "1 second", algorithm: "fixed-window" } }).rateLimit?.algorithm).toBe(
      "fixed-window"
    )
    expect(ok({ rateLimit: { limit: 2, interval: "1 second", algorithm: "token-bucket" } }).rateLimit?.algorithm).toBe(
      "token-bucket"
    )
    expect(ok({ retry: { maxRetries: 0 } }).retry).toEqual({ maxRetries: 0 })
    expect(ok({ retry: { maxRetries: Infinity, initialDelay: "1 second", maxDelay: 10, maxRetryAfter: "1 minute" } }))
      .toBeDefined()
    expect(ok({ retry: false }).retry).toBe(false)
    expect(ok({ retry: Schedule.recurs(1) })).toBeDefined()
    expect(ok({ timeout: Infinity }).timeout).toEqual(Duration.infinity)
    expect(ok({ httpSpans: true }).httpSpans).toBe(true)
    expect(ok({ httpSpans: false }).httpSpans).toBe(false)
    expect(ok({}).httpSpans).toBe(false)
    const transform = (client: HttpClient.HttpClient) => client
    expect(ok({ transformClient: transform }).transformClient).toBe(transform)
  })

  it.effect("configured: options that are not an object, or cannot be read, are a ConfigError on options", () =>
    Effect.gen(function*() {
      const make = () => Effect.succeed("built")
      const notObject = yield* Effect.flip(Settings.configured(null as never, make))
      expect(notObject).toEqual(ConfigError.InvalidData(["options"], "options must be an object"))
      const throwing = Object.defineProperty({}, "apiKey", {
        get() {
          throw new Error("a getter that throws")
        }
      })
      const unreadable = yield* Effect.flip(Settings.configured(throwing as never, make))
      expect(unreadable).toEqual(ConfigError.InvalidData(["options"], "the options could not be read"))
    }))
})

// ---------------------------------------------------------------------------------------------------------------

interface Sent {
  readonly request: HttpClientRequest.HttpClientRequest
}

/** A client answering each request with `answer`; what was sent is kept. */
const scripted = (
  answer: (request: HttpClientRequest.HttpClientRequest) => Effect.Effect<Response, HttpClientError.HttpClientError>
) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request) => {
    sent.push({ request })
    return Effect.map(answer(request), (response) => HttpClientResponse.fromWeb(request, response))
  })
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

// An endpoint declared for these tests, with the parts a test varies.
interface Declared {
  readonly method?: Endpoint.Method
  readonly body?: unknown
  readonly notFound?: { readonly resource: string; readonly id: string }
  readonly empty?: { readonly value: unknown }
  readonly decode?: Endpoint.Endpoint<[], unknown>["decode"]
  readonly describe?: Endpoint.Endpoint<[], unknown>["describe"]
}

const endpoint = (over: Declared = {}): Endpoint.Endpoint<[], unknown, Errors.NotFound> => ({
  name: "Test.call",
  method: over.method ?? "GET",
  path: "/websets/v0/things/{id}",
  request: () => ({
    path: { id: over.notFound?.id ?? "t_1" },
    ...(over.body === undefined ? {} : { body: over.body })
  }),
  decode: over.decode ?? ((json) => Either.right(json)),
  describe: over.describe ?? (() => "not a thing"),
  ...(over.notFound === undefined ? {} : { notFound: over.notFound.resource }),
  ...(over.empty === undefined ? {} : { empty: over.empty })
})

const call = (
  answer: Parameters<typeof scripted>[0],
  declared: Endpoint.Endpoint<[], unknown, Errors.NotFound> = endpoint(),
  options: Partial<ExaClient.Options> = {}
) =>
  Effect.gen(function*() {
    const { layer, sent } = scripted(answer)
    const core = yield* ExaClient.make({ apiKey, retry: false, ...options }).pipe(Effect.provide(layer))
    const exit = yield* Effect.exit(core.run(declared))
    return { exit, sent }
  }).pipe(Effect.scoped)

const failureOf = <A>(exit: { exit: Exit.Exit<A, unknown> }) => {
  assert(exit.exit._tag === "Failure" && exit.exit.cause._tag === "Fail", String(exit.exit))
  return exit.exit.cause.error as any
}

const text = (body: string | null, init: ResponseInit = {}) => Effect.succeed(new Response(body, init))

describe("what the core makes of a response", () => {
  it.effect("a key echoed back is scrubbed from errors, when it is at least 4 characters (a shorter one would scrub innocent text)", () =>
    Effect.gen(function*() {
      const long = yield* call(
        () => text(JSON.stringify({ error: "bad key k123 given" }), { status: 400 }),
        endpoint(),
        {
          apiKey: Redacted.make("k123")
        }
      )
      expect(failureOf(long).apiMessage).toBe("bad key <redacted> given")
      const short = yield* call(
        () => text(JSON.stringify({ error: "bad key k12 given" }), { status: 400 }),
        endpoint(),
        {
          apiKey: Redacted.make("k12")
        }
      )
      expect(failureOf(short).apiMessage).toBe("bad key k12 given")
    }))

  it.effect("statuses 300 to 399 but 304, and 0 (a browser's unfollowed redirect), are Redirected", () =>
    Effect.gen(function*() {
      const at300 = failureOf(
        yield* call(() => text(null, { status: 300, headers: { location: "https://elsewhere.test/" } }))
      )
      expect(at300).toBeInstanceOf(Errors.Redirected)
      expect(at300).toMatchObject({ status: 300, location: "https://elsewhere.test/" })
      expect(failureOf(yield* call(() => text(null, { status: 399 })))).toBeInstanceOf(Errors.Redirected)
      const at304 = failureOf(yield* call(() => text(null, { status: 304 })))
      expect(at304).toBeInstanceOf(Errors.ApiError)
      expect(at304.status).toBe(304)
      const zero = failureOf(yield* call(() => Effect.succeed(Response.error())))
      expect(zero).toBeInstanceOf(Errors.Redirected)
      expect("status" in zero).toBe(false)
      expect("location" in zero).toBe(false)
      // 299 is a success.
      const ok = yield* call(() => text(`{"ok":true}`, { status: 299 }))
      expect(ok.exit).toEqual(Effect.runSync(Effect.exit(Effect.succeed({ ok: true }))))
    }))

  it.effect("a 404 is NotFound only for an endpoint that declares what it means; the header's request id wins over the body's", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: "nope", requestId: "req_body" })
      const plain = failureOf(yield* call(() => text(body, { status: 404, headers: { "x-request-id": "req_head" } })))
      expect(plain).toBeInstanceOf(Errors.ApiError)
      expect(plain.requestId).toBe("req_head")
      const declared = failureOf(
        yield* call(() => text(body, { status: 404 }), endpoint({ notFound: { resource: "thing", id: "t_1" } }))
      )
      expect(declared).toBeInstanceOf(Errors.NotFound)
      expect(declared).toMatchObject({ resource: "thing", id: "t_1", requestId: "req_body" })
    }))

  it.effect("a body-less success is the endpoint's empty value when it has one, else a Decode", () =>
    Effect.gen(function*() {
      const empty = yield* call(() => text(null, { status: 204 }), endpoint({ empty: { value: "gone" } }))
      assert(empty.exit._tag === "Success")
      expect(empty.exit.value).toBe("gone")
      // An endpoint with an empty value still decodes a body when there is one.
      const full = yield* call(() => text(`{"id":"t_1"}`, { status: 200 }), endpoint({ empty: { value: "gone" } }))
      assert(full.exit._tag === "Success")
      expect(full.exit.value).toEqual({ id: "t_1" })
      const none = failureOf(yield* call(() => text(null, { status: 204 })))
      expect(none).toBeInstanceOf(Errors.Decode)
    }))

  it.effect("a body that does not decode is a Decode with the status, the body and the request id", () =>
    Effect.gen(function*() {
      const failed = failureOf(
        yield* call(
          () => text(`{"id":1}`, { status: 200, headers: { "x-request-id": "req_7" } }),
          endpoint({ decode: () => Either.left(undefined as never), describe: () => "id must be a string" })
        )
      )
      expect(failed).toBeInstanceOf(Errors.Decode)
      expect(failed).toMatchObject({ reason: "id must be a string", body: `{"id":1}`, status: 200, requestId: "req_7" })
    }))

  it.effect("a body is read within the limit: exactly the limit passes, one byte more is ResponseTooLarge before reading", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ pad: "x".repeat(54) })
      expect(body.length).toBe(64)
      const exact = yield* call(() => text(body, { headers: { "content-length": "64" } }), endpoint(), {
        maxResponseSize: 64
      })
      expect(exact.exit._tag).toBe("Success")
      const over = failureOf(
        yield* call(
          () => text(`${body} `, { headers: { "content-length": "65", "x-request-id": "req_big" } }),
          endpoint(),
          {
            maxResponseSize: 64
          }
        )
      )
      expect(over).toBeInstanceOf(Errors.ResponseTooLarge)
      expect(over).toMatchObject({ limit: 64, contentLength: 65, status: 200, requestId: "req_big" })
    }))

  it.effect("a compressed body is counted as it is read (its length says nothing of its size); an identity one is read whole", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ pad: "x".repeat(100) })
      // A transport that decompressed the body: the announced length is the compressed one.
      const gzip = failureOf(
        yield* call(() => text(body, { headers: { "content-length": "20", "content-encoding": "gzip" } }), endpoint(), {
          maxResponseSize: 64
        })
      )
      expect(gzip).toBeInstanceOf(Errors.ResponseTooLarge)
      expect(gzip.contentLength).toBeUndefined()
      // An uncompressed body of announced length: the transport stops at that length, so it is read whole.
      for (const encoding of [{}, { "content-encoding": "identity" }]) {
        const whole = yield* call(() => text(body, { headers: { "content-length": "60", ...encoding } }), endpoint(), {
          maxResponseSize: 64
        })
        expect(whole.exit._tag).toBe("Success")
      }
    }))

  it.effect("a body that breaks off while read is a Transport naming the read, with the cause's code", () =>
    Effect.gen(function*() {
      const broken = () =>
        Effect.succeed(
          new Response(
            new ReadableStream({
              pull(controller) {
                controller.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
              }
            })
          )
        )
      const failed = failureOf(yield* call(broken))
      expect(failed).toBeInstanceOf(Errors.Transport)
      expect(failed.description.startsWith("reading the response failed: ")).toBe(true)
      expect(failed.code).toBe("ECONNRESET")
      expect(failed.cause).toBeDefined()
    }))

  it.effect("a request the transport could not build is InvalidRequest; one it could not send is Transport", () =>
    Effect.gen(function*() {
      const encode = failureOf(
        yield* call((request) =>
          Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Encode", cause: new Error("cannot encode the body") })
          )
        )
      )
      expect(encode).toBeInstanceOf(Errors.InvalidRequest)
      expect(encode.reason.startsWith("the request could not be sent as built (Encode): ")).toBe(true)
      const refused = failureOf(
        yield* call((request) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
            })
          )
        )
      )
      expect(refused).toBeInstanceOf(Errors.Transport)
      expect(refused.code).toBe("ECONNREFUSED")
      expect(refused.description).not.toContain("reading the response")
    }))

  it.effect("a JSON body is sent as application/json", () =>
    Effect.gen(function*() {
      const { sent } = yield* call(() => text(`{}`), endpoint({ method: "POST", body: { url: "https://a.test" } }))
      const body = sent[0]!.request.body
      assert(body._tag === "Uint8Array")
      expect(body.contentType).toBe("application/json")
      expect(new TextDecoder().decode(body.body)).toBe(`{"url":"https://a.test"}`)
    }))

  it.effect("a transport of another package gets each attempt's limits, deadline included, and its responses are read as any", () =>
    Effect.gen(function*() {
      const seen: Array<TransportContract.Limits> = []
      const answering = (response: () => Response) => (request: HttpClientRequest.HttpClientRequest) =>
        Effect.map(FiberRef.get(TransportContract.current), (limits) => {
          seen.push(limits)
          return HttpClientResponse.fromWeb(request, response())
        })
      const run = (response: () => Response, declared = endpoint()) =>
        Effect.gen(function*() {
          const core = yield* ExaClient.make({ apiKey, retry: false, maxResponseSize: 1000 })
          return yield* Effect.exit(core.run(declared))
        }).pipe(
          Effect.provide(Layer.succeed(HttpClient.HttpClient, HttpClient.make(answering(response)))),
          Effect.scoped
        )
      const ok = yield* run(() => new Response(`{"id":"t_1"}`))
      assert(ok._tag === "Success")
      expect(ok.value).toEqual({ id: "t_1" })
      // The transport saw this call's limits, deadline included.
      expect(seen[0]?.maxResponseBytes).toBe(1000)
      expect(seen[0]?.deadline?.expired).toBe(false)
      const notJson = failureOf({ exit: yield* run(() => new Response("<html>", { status: 200 })) })
      expect(notJson).toBeInstanceOf(Errors.Decode)
      expect(notJson.body).toBe("<html>")
      const gone = failureOf({
        exit: yield* run(
          () => new Response(`{"error":"no"}`, { status: 404 }),
          endpoint({ notFound: { resource: "thing", id: "t_1" } })
        )
      })
      expect(gone).toMatchObject({ _tag: "NotFound", resource: "thing", id: "t_1" })
      // After the call, the caller's fiber is back to its own limits.
      expect(yield* FiberRef.get(TransportContract.current)).toEqual({
        maxResponseBytes: TransportContract.defaultMaxResponseBytes,
        deadline: undefined
      })
    }))

  it.effect("requests never follow redirects, and keep the caller's other fetch options", () =>
    Effect.gen(function*() {
      const inits: Array<RequestInit | undefined> = []
      const fetchLayer = FetchHttpClient.layer.pipe(
        Layer.provide(Layer.succeed(
          FetchHttpClient.Fetch,
          (async (_: unknown, init?: RequestInit) => {
            inits.push(init)
            return new Response(`{}`, { headers: { "content-type": "application/json" } })
          }) as typeof fetch
        ))
      )
      const run = Effect.gen(function*() {
        const core = yield* ExaClient.make({ apiKey, retry: false })
        return yield* core.run(endpoint())
      }).pipe(Effect.provide(fetchLayer), Effect.scoped)
      yield* run
      yield* Effect.provideService(run, FetchHttpClient.RequestInit, { redirect: "follow", credentials: "include" })
      expect(inits[0]?.redirect).toBe("manual")
      expect(inits[1]?.redirect).toBe("manual")
      expect(inits[1]?.credentials).toBe("include")
    }))
})

describe("the core's spans", () => {
  it.effect("an endpoint without annotate succeeds traced; the request id is an attribute only when there is one", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const plain = yield* call(() => text(`{}`)).pipe(Effect.withTracer(tracer))
      expect(plain.exit._tag).toBe("Success")
      expect(spans[0]!.attributes.get("http.response.status_code")).toBe(200)
      expect(spans[0]!.attributes.has("exa.request_id")).toBe(false)
      yield* call(() => text(`{}`, { headers: { "x-request-id": "req_span" } })).pipe(Effect.withTracer(tracer))
      expect(spans[1]!.attributes.get("exa.request_id")).toBe("req_span")
    }))

  it.effect("a failed call's span says why, without a captured stack (no Error made per call, no frames of the caller exported)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const failed = yield* call(() => text(`{"error":"no"}`, { status: 500 })).pipe(Effect.withTracer(tracer))
      expect(failed.exit._tag).toBe("Failure")
      expect(spans[0]!.attributes.get("http.response.status_code")).toBe(500)
      expect(spans[0]!.exit).toHaveLength(1)
      expect(spans[0]!.attributes.has("code.stacktrace")).toBe(false)
    }))

  it.effect("with httpSpans, each attempt has a client span under the call's", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* call(() => text(`{}`), endpoint(), { httpSpans: true }).pipe(Effect.withTracer(tracer))
      expect(spans.map((s) => [s.name, s.kind])).toEqual([["Test.call", "internal"], ["http.client GET", "client"]])
      // A failed attempt's client span has no captured stack either.
      const failed = yield* call(() => text(`{"error":"no"}`, { status: 500 }), endpoint(), { httpSpans: true }).pipe(
        Effect.withTracer(tracer)
      )
      expect(failed.exit._tag).toBe("Failure")
      expect(spans.slice(2).map((s) => [s.name, s.exit.length, s.attributes.has("code.stacktrace")])).toEqual([
        ["Test.call", 1, false],
        ["http.client GET", 1, false]
      ])
    }))
})

describe("below transformClient, no request leaves the API's origin", () => {
  // A transformClient that sends every request to `url` instead.
  const to = (url: string) => (client: HttpClient.HttpClient) =>
    HttpClient.mapRequest(client, (request) => HttpClientRequest.setUrl(request, url))

  it.effect("one to another origin, or to a host that merely starts like the API's, is Redirected and never sent", () =>
    Effect.gen(function*() {
      for (const url of ["https://elsewhere.test/websets/v0/things/t_1", "https://api.exa.ai.elsewhere.test/x"]) {
        const result = yield* call(() => text(`{}`), endpoint(), { transformClient: to(url) })
        const error = failureOf(result)
        assert(error instanceof Errors.Redirected, String(error))
        expect(error.location).toBe(url)
        expect(result.sent).toEqual([])
      }
    }))

  it.effect("one to the origin itself, or to any path under it, is sent", () =>
    Effect.gen(function*() {
      for (const url of ["https://api.exa.ai", "https://api.exa.ai/elsewhere"]) {
        const result = yield* call(() => text(`{}`), endpoint(), { transformClient: to(url) })
        expect(result.exit._tag).toBe("Success")
        expect(result.sent.map((s) => s.request.url)).toEqual([url])
      }
    }))
})
