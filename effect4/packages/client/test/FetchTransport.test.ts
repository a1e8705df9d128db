/**
 * FetchTransport: the client over it against a real server on loopback (a round trip, a refused connection, a
 * redirect never followed even when `requestInit` asks for it, bodies over the limit, a timeout that aborts the
 * request), and the transport alone (the `fetch` it is given, `EncodeError` for a request `fetch` refuses as built or
 * a body it does not send, `TransportError` for the network).
 */
import { Errors, EventsClient, Exa, FetchTransport } from "@effect-exa/client"
import { assert, describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { IncomingMessage } from "node:http"
import { eventually } from "./eventually.js"
import { idle } from "./fixtures.js"
import { refusedUrl, serve } from "./server.js"

const KEY = "fetch-transport-key-4321"

const client = (
  baseUrl: string,
  options: { readonly maxResponseSize?: number; readonly timeout?: Duration.Input } = {},
  transport: Layer.Layer<HttpClient.HttpClient> = FetchTransport.layer
) => Exa.layer({ apiKey: Redacted.make(KEY), baseUrl, retry: false, ...options }).pipe(Layer.provide(transport))

describe("the client over FetchTransport on loopback", () => {
  it.live("a round trip: the event decodes, the key arrives as x-api-key", () =>
    Effect.gen(function*() {
      const headers: Array<IncomingMessage["headers"]> = []
      const { url } = yield* serve((req, res) => {
        headers.push(req.headers)
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(idle))
      })
      const event = yield* EventsClient.getEvent(idle.id).pipe(Effect.provide(client(url)))
      expect(event.id).toBe(idle.id)
      expect(headers[0]?.["x-api-key"]).toBe(KEY)
    }).pipe(Effect.scoped))

  it.live("a refused connection is Transport ECONNREFUSED, naming the address and not the key", () =>
    Effect.gen(function*() {
      const url = yield* refusedUrl
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url))))
      assert(error._tag === "Transport", String(error))
      expect(error.code).toBe("ECONNREFUSED")
      expect(error.description).toBe(`connection refused by ${new URL(url).host}`)
      expect(JSON.stringify(error) + error.message).not.toContain(KEY)
    }))

  it.live("a redirect is not followed, even with requestInit's redirect: follow", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_, res) => res.writeHead(200).end(JSON.stringify(idle)))
      const { url } = yield* serve((_, res) => res.writeHead(302, { location: `${elsewhere.url}/steal` }).end())
      const follow = FetchTransport.layerWith({ requestInit: { redirect: "follow" } })
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url, {}, follow))))
      expect(error).toBeInstanceOf(Errors.Redirected)
      expect(error).toMatchObject({ status: 302, location: `${elsewhere.url}/steal` })
      expect(elsewhere.requests()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("a body over maxResponseSize is ResponseTooLarge, announced or streamed", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ ...idle, pad: "x".repeat(10_000) })
      const announced = yield* serve((_, res) =>
        res.writeHead(200, { "content-length": String(Buffer.byteLength(big)) }).end(big)
      )
      const streamed = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.write(big.slice(0, 6000))
        res.end(big.slice(6000))
      })
      const first = yield* Effect.flip(
        EventsClient.getEvent("ev_1").pipe(Effect.provide(client(announced.url, { maxResponseSize: 4096 })))
      )
      expect(first).toMatchObject({ _tag: "ResponseTooLarge", limit: 4096, contentLength: Buffer.byteLength(big) })
      const second = yield* Effect.flip(
        EventsClient.getEvent("ev_1").pipe(Effect.provide(client(streamed.url, { maxResponseSize: 4096 })))
      )
      expect(second).toMatchObject({ _tag: "ResponseTooLarge", limit: 4096, status: 200 })
    }).pipe(Effect.scoped))

  it.live("a server that never answers is a Timeout, and the request is aborted (the server sees it close)", () =>
    Effect.gen(function*() {
      let closed = false
      const { requests, url } = yield* serve((req) => {
        req.socket.on("close", () => (closed = true))
      })
      // Long enough for the request to reach the server on a busy machine (the close is only seen if it did).
      const error = yield* Effect.flip(
        EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url, { timeout: "2 seconds" })))
      )
      expect(error._tag).toBe("Timeout")
      // The abort reaches the server as a closed socket: wait for it without asserting how long it took.
      yield* eventually(
        Effect.sync(() => closed),
        "the server to see the connection close",
        () => ` (requests arrived: ${requests()})`
      )
    }).pipe(Effect.scoped))
})

describe("FetchTransport alone", () => {
  const execute = (transport: HttpClient.HttpClient, request: HttpClientRequest.HttpClientRequest) =>
    Effect.flip(transport.execute(request))

  it.effect("calls the fetch it is given, with manual redirects and without a hand-set content-length", () =>
    Effect.gen(function*() {
      const seen: Array<RequestInit | undefined> = []
      const transport = FetchTransport.make({
        fetch: (_, init) => (seen.push(init), Promise.resolve(new Response("{}", { status: 200 })))
      })
      const request = HttpClientRequest.post("http://127.0.0.1:1/x").pipe(
        HttpClientRequest.bodyText("{\"a\":1}", "application/json"),
        HttpClientRequest.setHeader("content-length", "999")
      )
      const response = yield* transport.execute(request)
      expect(response.status).toBe(200)
      expect(seen[0]?.redirect).toBe("manual")
      // `bodyText` encodes the text: the bytes are handed to `fetch` as they are.
      expect(new TextDecoder().decode(seen[0]?.body as Uint8Array)).toBe("{\"a\":1}")
      expect((seen[0]?.headers as Record<string, string>)["content-length"]).toBeUndefined()
    }))

  it.effect("a request fetch refuses as built is an EncodeError; the network's failure a TransportError", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.get("http://127.0.0.1:1/x")
      const refused = yield* execute(
        FetchTransport.make({
          fetch: () => {
            throw new TypeError("invalid header value")
          }
        }),
        request
      )
      expect(refused.reason._tag).toBe("EncodeError")
      const network = yield* execute(
        FetchTransport.make({ fetch: () => Promise.reject(new TypeError("fetch failed")) }),
        request
      )
      expect(network.reason._tag).toBe("TransportError")
    }))

  it.effect("a streamed body is not sent: an EncodeError before fetch is called", () =>
    Effect.gen(function*() {
      let calls = 0
      const transport = FetchTransport.make({ fetch: () => (calls++, Promise.resolve(new Response(""))) })
      const request = HttpClientRequest.post("http://127.0.0.1:1/x").pipe(
        HttpClientRequest.setBody(HttpBody.stream(Stream.make(new Uint8Array([1]))))
      )
      const error = yield* execute(transport, request)
      expect(error.reason._tag).toBe("EncodeError")
      expect(calls).toBe(0)
    }))
})
