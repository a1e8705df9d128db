/**
 * `Retry.isUnsent`: the rule that decides whether a request that must not run twice (creating a webhook) may be sent
 * again. Only a failure that shows the server did not act on it counts: a 429, or a connection that never opened. A
 * create after a refused connection is retried, on every transport; after a reset connection or a timeout it is not
 * (the server may have created the webhook), while a read is retried there as usual.
 */
import { Errors, Exa, Retry, WebhooksClient } from "@effect-exa/client"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type { IncomingMessage, ServerResponse } from "node:http"
import { fetch as undiciFetch } from "undici"
import { eventually } from "./eventually.js"
import { refusedPort, serve } from "./loopback.js"

// The codes of a connection that never opened, as `Retry` lists them.
const unsent = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT"
]

// Codes of a connection lost after it opened, or of no connection problem at all: the request may have arrived.
const maybeSent = [
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "econnrefused",
  "ECONNREFUSED ",
  ""
]

const transport = (code?: string) =>
  new Errors.Transport({ description: "connection trouble", ...(code === undefined ? {} : { code }) })

describe("Retry.isUnsent", () => {
  it("is true for each code of a connection that never opened", () => {
    for (const code of unsent) expect(Retry.isUnsent(transport(code)), code).toBe(true)
  })

  it("is false for a connection lost after it opened, an unknown or missing code, and a code not spelt exactly", () => {
    for (const code of maybeSent) expect(Retry.isUnsent(transport(code)), JSON.stringify(code)).toBe(false)
    expect(Retry.isUnsent(transport())).toBe(false)
  })

  it("is true for a 429, false for a timeout, a 5xx and every other error", () => {
    expect(Retry.isUnsent(new Errors.RateLimited({ apiMessage: "slow down" }))).toBe(true)
    expect(Retry.isUnsent(new Errors.RateLimited({ apiMessage: "x", retryAfter: Duration.seconds(1) }))).toBe(true)
    for (
      const error of [
        new Errors.Timeout({ timeout: Duration.seconds(5) }),
        new Errors.ApiError({ status: 500, apiMessage: "boom" }),
        new Errors.ApiError({ status: 503, apiMessage: "busy", retryAfter: Duration.seconds(1) }),
        new Errors.ApiError({ status: 429, apiMessage: "not the RateLimited tag", code: "ECONNREFUSED" }),
        new Errors.ApiError({ status: 408, apiMessage: "timeout" }),
        new Errors.NotFound({ id: "ev_1" }),
        new Errors.Unauthorized({ status: 401, apiMessage: "no", code: "ECONNREFUSED" }),
        new Errors.Decode({ reason: "bad", body: "" }),
        new Errors.InvalidRequest({ reason: "bad id" })
      ]
    ) {
      expect(Retry.isUnsent(error), error._tag).toBe(false)
    }
  })
})

// An effect failing with `errors[n]` on its n-th run (the last one after that), counting its runs.
const failing = (errors: ReadonlyArray<Errors.ExaError>, succeedAfter = Infinity) => {
  let runs = 0
  const effect = Effect.suspend(() => {
    const n = runs++
    return n >= succeedAfter ? Effect.succeed(n) : Effect.fail(errors[Math.min(n, errors.length - 1)]!)
  })
  return { effect, runs: () => runs }
}

const quick: Retry.Options = { maxRetries: 2, initialDelay: "1 millis", jitter: false }

describe("Retry.apply with idempotent: false", () => {
  it.live("retries a refused connection and a 429 as the policy says, and nothing the server may have acted on", () =>
    Effect.gen(function*() {
      for (
        const error of [transport("ECONNREFUSED"), transport("ENOTFOUND"), new Errors.RateLimited({ apiMessage: "x" })]
      ) {
        const one = failing([error])
        const result = yield* Effect.flip(Retry.apply(quick, { idempotent: false })(one.effect))
        expect(result, error._tag).toBe(error)
        expect(one.runs(), error._tag).toBe(3)
      }
      for (
        const error of [
          transport("ECONNRESET"),
          transport(),
          new Errors.Timeout({ timeout: Duration.seconds(1) }),
          new Errors.ApiError({ status: 503, apiMessage: "busy" })
        ]
      ) {
        const one = failing([error])
        expect(yield* Effect.flip(Retry.apply(quick, { idempotent: false })(one.effect))).toBe(error)
        expect(one.runs(), error._tag).toBe(1)
        // The same failures are retried when the request may run twice.
        const idempotent = failing([error])
        yield* Effect.flip(Retry.apply(quick)(idempotent.effect))
        expect(idempotent.runs(), error._tag).toBe(3)
      }
    }))

  it.live("stops at the first failure that may have reached the server, after unsent ones", () =>
    Effect.gen(function*() {
      const reset = transport("ECONNRESET")
      const one = failing([transport("ECONNREFUSED"), reset, transport("ECONNREFUSED")])
      expect(yield* Effect.flip(Retry.apply({ ...quick, maxRetries: 5 }, { idempotent: false })(one.effect))).toBe(
        reset
      )
      expect(one.runs()).toBe(2)
    }))

  it.live("holds a schedule of the caller's own to the same rule; false means one attempt", () =>
    Effect.gen(function*() {
      const everything = Schedule.recurs(4) as Schedule.Schedule<unknown, Errors.ExaError>
      const refused = failing([transport("ECONNREFUSED")])
      yield* Effect.flip(Retry.apply(everything, { idempotent: false })(refused.effect))
      expect(refused.runs()).toBe(5)
      const reset = failing([transport("ECONNRESET")])
      yield* Effect.flip(Retry.apply(everything, { idempotent: false })(reset.effect))
      expect(reset.runs()).toBe(1)
      const off = failing([transport("ECONNREFUSED")])
      yield* Effect.flip(Retry.apply(false, { idempotent: false })(off.effect))
      expect(off.runs()).toBe(1)
    }))

  it.live("returns the value of the attempt that succeeds, having run each attempt once", () =>
    Effect.gen(function*() {
      const one = failing([transport("ECONNREFUSED")], 2)
      expect(yield* Retry.apply(quick, { idempotent: false })(one.effect)).toBe(2)
      expect(one.runs()).toBe(3)
      const first = failing([], 0)
      expect(yield* Retry.apply(quick, { idempotent: false })(first.effect)).toBe(0)
      expect(first.runs()).toBe(1)
    }))
})

interface Transport {
  readonly name: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
}

const transports: ReadonlyArray<Transport> = [
  { name: "NodeTransport", layer: NodeTransport.layer },
  { name: "FetchTransport", layer: FetchTransport.layer },
  { name: "FetchTransport on undici's fetch", layer: FetchTransport.layerWith({ fetch: undiciFetch as typeof fetch }) },
  { name: "@effect/platform's FetchHttpClient", layer: FetchHttpClient.layer }
]

const params: WebhooksClient.CreateWebhookParams = { events: ["webset.idle"], url: "https://hooks.example.com/exa" }

// A client over `transport` to `baseUrl` that counts the attempts it makes (each request the transport is given).
const counted = (transport: Transport, baseUrl: string, timeout: Duration.DurationInput) => {
  let attempts = 0
  const layer = Exa.layer({
    apiKey: Redacted.make("k-unsent"),
    baseUrl,
    timeout,
    retry: quick,
    transformClient: HttpClient.tapRequest(() => Effect.sync(() => attempts++))
  }).pipe(Layer.provide(transport.layer))
  return { layer, attempts: () => attempts }
}

// Reads the request, then destroys the connection without answering.
const reset = (req: IncomingMessage) => {
  req.resume()
  req.on("end", () => req.socket.destroy())
}

// Reads the request and never answers.
const silent = (req: IncomingMessage, _: ServerResponse) => {
  req.resume()
}

// Waits until the server has seen `n` requests (the client may give up before a request has reached the handler).
const seen = (server: { readonly requests: () => number }, n: number) =>
  eventually(
    Effect.sync(() => server.requests() >= n),
    `the server to see ${n} request(s)`,
    () => ` (it saw ${server.requests()})`
  )

for (const transport of transports) {
  describe(`createWebhook over ${transport.name}`, () => {
    it.live("is retried after a refused connection: three attempts, then the Transport error with its code", () =>
      Effect.gen(function*() {
        const port = yield* refusedPort
        const client = counted(transport, `http://127.0.0.1:${port}`, "30 seconds")
        const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(client.layer)))
        assert(error._tag === "Transport", error._tag)
        expect(error.code).toBe("ECONNREFUSED")
        expect(Retry.isUnsent(error)).toBe(true)
        expect(client.attempts()).toBe(3)
      }))

    it.live("is not retried after the connection is reset once the request arrived; a read is", () =>
      Effect.gen(function*() {
        const server = yield* serve(reset)
        const client = counted(transport, server.url, "30 seconds")
        const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(client.layer)))
        assert(error._tag === "Transport", error._tag)
        expect(Retry.isUnsent(error), error.code).toBe(false)
        expect(client.attempts()).toBe(1)
        expect(server.requests()).toBe(1)
        // The same failure on a read is retried: the server then sees the two retries too.
        const read = yield* Effect.flip(WebhooksClient.getWebhook("webhook_1").pipe(Effect.provide(client.layer)))
        expect(read._tag).toBe("Transport")
        expect(client.attempts()).toBe(4)
        expect(server.requests()).toBe(4)
      }).pipe(Effect.scoped))

    it.live("is not retried after a timeout: the server sees exactly one request", () =>
      Effect.gen(function*() {
        const server = yield* serve(silent)
        // The server never answers, so the timeout fires; long enough for the POST to reach the server first on a
        // busy machine (one that never arrived would prove nothing).
        const client = counted(transport, server.url, "5 seconds")
        const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(client.layer)))
        expect(error._tag).toBe("Timeout")
        expect(client.attempts()).toBe(1)
        yield* seen(server, 1)
        expect(server.requests()).toBe(1)
      }).pipe(Effect.scoped))
  })
}
