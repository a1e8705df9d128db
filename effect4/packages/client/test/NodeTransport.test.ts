/**
 * NodeTransport: the client over it against a real server on loopback (a round trip, a refused connection, a
 * redirect never followed even through undici's redirect interceptor, bodies over `maxResponseSize` plain, streamed
 * and compressed, a timeout and an interruption that abort the request on the server's side, the key in no error),
 * and the transport alone (bodies sent and decoded, `EncodeError` for a request undici refuses as built or a body it
 * does not send, `TransportError` for the network, a dispatcher of the caller's never closed, its own agent closed
 * with the layer).
 */
import { Errors, EventsClient, Exa } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { assert, describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { IncomingMessage } from "node:http"
import * as Zlib from "node:zlib"
import { Agent, interceptors, MockAgent } from "undici"
import { eventually } from "./eventually.js"
import { idle } from "./fixtures.js"
import { refusedUrl, serve } from "./server.js"
import { recordingTracer } from "./tracer.js"

const KEY = "node-transport-key-8765"

const client = (
  baseUrl: string,
  options: { readonly maxResponseSize?: number; readonly timeout?: Duration.Input } = {},
  transport: Layer.Layer<HttpClient.HttpClient> = NodeTransport.layer
) => Exa.layer({ apiKey: Redacted.make(KEY), baseUrl, retry: false, ...options }).pipe(Layer.provide(transport))

const json = JSON.stringify(idle)

describe("the client over NodeTransport on loopback", () => {
  it.live("a round trip: the event decodes, the key arrives as x-api-key", () =>
    Effect.gen(function*() {
      const headers: Array<IncomingMessage["headers"]> = []
      const { url } = yield* serve((req, res) => {
        headers.push(req.headers)
        res.writeHead(200, { "content-type": "application/json" }).end(json)
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
      expect(JSON.stringify(error) + error.message + String(error.cause)).not.toContain(KEY)
    }))

  it.live("a body cut off by the server is a Transport error without the key", () =>
    Effect.gen(function*() {
      const { url } = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.write(json.slice(0, 20), () => res.destroy())
      })
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url))))
      expect(error._tag).toBe("Transport")
      expect(JSON.stringify(error) + error.message).not.toContain(KEY)
    }).pipe(Effect.scoped))

  it.live("a redirect is not followed, even through a dispatcher with undici's redirect interceptor", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_, res) => res.writeHead(200).end(json))
      const { url } = yield* serve((_, res) => res.writeHead(302, { location: `${elsewhere.url}/steal` }).end())
      const following = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }))
      yield* Effect.addFinalizer(() => Effect.promise(() => following.close()))
      for (const transport of [NodeTransport.layer, NodeTransport.layerWith({ dispatcher: following })]) {
        const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url, {}, transport))))
        expect(error).toBeInstanceOf(Errors.Redirected)
        expect(error).toMatchObject({ status: 302, location: `${elsewhere.url}/steal` })
      }
      expect(elsewhere.requests()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("a body over maxResponseSize is ResponseTooLarge: announced, streamed, or inflated from a small gzip", () =>
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
      const gzipped = Zlib.gzipSync(big)
      expect(gzipped.length).toBeLessThan(4096)
      const compressed = yield* serve((_, res) =>
        res.writeHead(200, { "content-encoding": "gzip", "content-length": String(gzipped.length) }).end(gzipped)
      )
      const get = (url: string) =>
        Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url, { maxResponseSize: 4096 }))))
      expect(yield* get(announced.url)).toMatchObject({
        _tag: "ResponseTooLarge",
        limit: 4096,
        contentLength: Buffer.byteLength(big)
      })
      expect(yield* get(streamed.url)).toMatchObject({ _tag: "ResponseTooLarge", limit: 4096, status: 200 })
      expect(yield* get(compressed.url)).toMatchObject({ _tag: "ResponseTooLarge", limit: 4096, status: 200 })
      // The same three bodies within a limit that holds them decode.
      for (const url of [announced.url, streamed.url, compressed.url]) {
        const event = yield* EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url)))
        expect(event.id).toBe(idle.id)
      }
    }).pipe(Effect.scoped))

  it.live("a body of announced length cut off, or stalled half-way, is a Transport error or a Timeout (aborted)", () =>
    Effect.gen(function*() {
      // An announced, unencoded length: the body is read whole by undici's own reader, not streamed.
      const cut = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(json.length) })
        res.write(json.slice(0, 20), () => res.destroy())
      })
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(cut.url))))
      expect(error._tag).toBe("Transport")
      expect(JSON.stringify(error) + error.message).not.toContain(KEY)

      const stalled = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(json.length) })
        res.write(json.slice(0, 20))
      })
      // Long enough for the request to reach the server on a busy machine (the abort is only seen if it did).
      const context = yield* Layer.build(client(stalled.url, { timeout: "2 seconds" }))
      const late = yield* Effect.flip(EventsClient.getEvent("ev_2").pipe(Effect.provide(context)))
      expect(late._tag).toBe("Timeout")
      yield* eventually(
        Effect.sync(() => stalled.aborted.length > 0),
        "the server to see the stalled request aborted",
        () => ` (requests arrived: ${stalled.requests()})`
      )
      expect(stalled.aborted).toEqual(["/websets/v0/events/ev_2"])
    }).pipe(Effect.scoped))

  it.live("a server that never answers is a Timeout, and the request is aborted (the server sees it close)", () =>
    Effect.gen(function*() {
      const { aborted, requests, url } = yield* serve(() => {})
      // Built for the whole test, so that only the request's own abort can close the connection; the timeout long
      // enough for the request to reach the server on a busy machine (the abort is only seen if it did).
      const context = yield* Layer.build(client(url, { timeout: "2 seconds" }))
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(context)))
      expect(error._tag).toBe("Timeout")
      yield* eventually(
        Effect.sync(() => aborted.length > 0),
        "the server to see the request aborted",
        () => ` (requests arrived: ${requests()})`
      )
      expect(aborted).toEqual(["/websets/v0/events/ev_1"])
    }).pipe(Effect.scoped))
})

describe("NodeTransport alone", () => {
  it.live("the key is in no span: Effect's HTTP span of the transport alone, nor the client's with httpSpans", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { url } = yield* serve((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(json))
      // Every header recorded on Effect's span: the key's is there, redacted.
      yield* NodeTransport.make().execute(
        HttpClientRequest.get(`${url}/x`).pipe(HttpClientRequest.setHeader("x-api-key", KEY))
      ).pipe(Effect.withTracer(tracer), Effect.provideService(HttpClient.TracerHeaderFilter, () => true))
      const layer = Exa.layer({ apiKey: Redacted.make(KEY), baseUrl: url, retry: false, httpSpans: true }).pipe(
        Layer.provide(NodeTransport.layer)
      )
      yield* EventsClient.getEvent("ev_1").pipe(Effect.provide(layer), Effect.withTracer(tracer))
      // Effect's own span of the first request, and the client's two of the second.
      expect(spans.length).toBeGreaterThanOrEqual(3)
      const rendered = spans.map((span) => JSON.stringify([span.name, [...span.attributes]])).join("\n")
      expect(rendered).toContain("http.request.header.x-api-key")
      expect(rendered).not.toContain(KEY)
    }).pipe(Effect.scoped))

  it.live("sends text and byte bodies without a hand-set content-length; reads status, headers and cookies", () =>
    Effect.gen(function*() {
      const { bodies, url } = yield* serve((req, res) => {
        res.setHeader("set-cookie", ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2"])
        res.writeHead(201, { "x-request-id": "req_1" })
        res.end(`${req.method} ${req.url} ${req.headers["content-type"]} ${req.headers["content-length"]}`)
      })
      const transport = NodeTransport.make()
      const text = yield* transport.execute(
        HttpClientRequest.post(`${url}/p?q=1#frag`).pipe(
          HttpClientRequest.bodyText("héllo", "text/plain"),
          HttpClientRequest.setHeader("content-length", "999")
        )
      )
      expect([text.status, yield* text.text, text.headers["x-request-id"]]).toEqual([
        201,
        "POST /p?q=1 text/plain 6",
        "req_1"
      ])
      expect(text.url).toBe(`${url}/p?q=1`)
      expect(text.pipe((response) => response.status)).toBe(201)
      expect(Object.keys(text.cookies.cookies).sort()).toEqual(["a", "b"])
      const bytes = yield* transport.execute(
        HttpClientRequest.put(`${url}/b`).pipe(HttpClientRequest.bodyUint8Array(new Uint8Array([104, 105])))
      )
      expect(yield* bytes.text).toBe("PUT /b application/octet-stream 2")
      expect(bodies).toEqual(["héllo", "hi"])
    }).pipe(Effect.scoped))

  it.live("asks for compressed bodies and decodes gzip, deflate (zlib and raw), br and two codings in turn", () =>
    Effect.gen(function*() {
      const body = Buffer.from(json)
      const encodings: Record<string, Buffer> = {
        "/gzip": Zlib.gzipSync(body),
        "/deflate": Zlib.deflateSync(body),
        "/raw": Zlib.deflateRawSync(body),
        "/br": Zlib.brotliCompressSync(body),
        "/both": Zlib.brotliCompressSync(Zlib.gzipSync(body))
      }
      const codings: Record<string, string> = {
        "/gzip": "gzip",
        "/deflate": "deflate",
        "/raw": "deflate",
        "/br": "br",
        "/both": "gzip, br"
      }
      const asked: Array<string | undefined> = []
      const { url } = yield* serve((req, res) => {
        asked.push(req.headers["accept-encoding"])
        res.writeHead(200, { "content-encoding": codings[req.url!]! }).end(encodings[req.url!])
      })
      const transport = NodeTransport.make()
      for (const path of Object.keys(encodings)) {
        const response = yield* transport.get(`${url}${path}`)
        expect(yield* response.json).toEqual(idle)
      }
      const streamed = yield* transport.get(`${url}/gzip`)
      const chunks = yield* Stream.runCollect(streamed.stream)
      expect(Buffer.concat(chunks).toString()).toBe(json)
      expect(asked[0]).toBe("gzip, deflate, br")
    }).pipe(Effect.scoped))

  it.live("a refused connection is a TransportError", () =>
    Effect.gen(function*() {
      const url = yield* refusedUrl
      const error = yield* Effect.flip(NodeTransport.make().get(url))
      expect(error.reason._tag).toBe("TransportError")
    }))

  it.live("a request undici refuses as built is an EncodeError; the client reports it as InvalidRequest", () =>
    Effect.gen(function*() {
      const { url, requests } = yield* serve((_, res) => res.end("{}"))
      const error = yield* Effect.flip(
        NodeTransport.make().execute(
          HttpClientRequest.get(`${url}/x`).pipe(HttpClientRequest.setHeader("x-bad", "a\r\nb"))
        )
      )
      expect(error.reason._tag).toBe("EncodeError")
      const layer = Exa.layer({
        apiKey: Redacted.make(KEY),
        baseUrl: url,
        retry: false,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-bad", "a\r\nb"))
      }).pipe(Layer.provide(NodeTransport.layer))
      const failure = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(layer)))
      expect(failure._tag).toBe("InvalidRequest")
      expect(JSON.stringify(failure) + failure.message).not.toContain(KEY)
      expect(requests()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("a streamed body is not sent: an EncodeError before anything reaches the server", () =>
    Effect.gen(function*() {
      const { url, requests } = yield* serve((_, res) => res.end("{}"))
      const request = HttpClientRequest.post(`${url}/x`).pipe(
        HttpClientRequest.setBody(HttpBody.stream(Stream.make(new Uint8Array([1]))))
      )
      const error = yield* Effect.flip(NodeTransport.make().execute(request))
      expect(error.reason._tag).toBe("EncodeError")
      expect(requests()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("interrupting a request aborts it: the server sees its connection close", () =>
    Effect.gen(function*() {
      const { aborted, requests, url } = yield* serve(() => {})
      const http = yield* Layer.build(NodeTransport.layer)
      const fiber = yield* Effect.forkChild(HttpClient.get(`${url}/slow`).pipe(Effect.provide(http)))
      yield* eventually(Effect.sync(() => requests() > 0), "the request to reach the server")
      yield* Fiber.interrupt(fiber)
      expect(Exit.hasInterrupts(yield* Fiber.await(fiber))).toBe(true)
      yield* eventually(Effect.sync(() => aborted.length > 0), "the server to see the request aborted")
      expect(aborted).toEqual(["/slow"])
    }).pipe(Effect.scoped))

  it.live("the layer closes the agent it made with its scope; a dispatcher of the caller's is never closed", () =>
    Effect.gen(function*() {
      const { closedSockets, server, url } = yield* serve((_, res) => res.end("ok"))
      // Both sides keep an idle connection for a minute: only the agent's closing can end this one.
      server.keepAliveTimeout = 60_000
      yield* Effect.scoped(Effect.gen(function*() {
        const http = yield* Layer.build(NodeTransport.layerWith({ keepAliveTimeout: 60_000 }))
        const response = yield* HttpClient.get(`${url}/a`).pipe(Effect.provide(http))
        expect(yield* response.text).toBe("ok")
      }))
      yield* eventually(Effect.sync(() => closedSockets() > 0), "the server to see the connection close")
      expect(closedSockets()).toBe(1)

      const agent = new MockAgent()
      agent.disableNetConnect()
      agent.get("https://api.exa.ai").intercept({ path: "/websets/v0/events/ev_1", method: "GET" })
        .reply(404, { statusCode: 404, message: "Event not found", error: "Not Found" }, {
          headers: { "x-request-id": "req_9" }
        })
        .times(2)
      const layer = Exa.layer({ apiKey: Redacted.make(KEY), retry: false }).pipe(
        Layer.provide(NodeTransport.layerWith({ dispatcher: agent }))
      )
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "NotFound", id: "ev_1", requestId: "req_9" })
      // The first layer's scope has ended; the agent still answers a second one.
      const again = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(layer)))
      expect(again._tag).toBe("NotFound")
      agent.assertNoPendingInterceptors()
      yield* Effect.promise(() => agent.close())
    }).pipe(Effect.scoped))
})
