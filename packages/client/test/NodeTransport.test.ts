import { EventsClient, Exa } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Fixtures } from "@effect-exa/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { Agent, MockAgent } from "undici"
import { eventually } from "./eventually.js"

const idleJson = JSON.parse(JSON.stringify(Fixtures.make("webset.idle")))

// A loopback server whose handler the test chooses; it records when a request's connection closes.
const server = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<
      { url: string; closed: Array<string>; bodies: Array<string>; sockets: Array<string>; s: Server }
    >((resume) => {
      const closed: Array<string> = []
      const bodies: Array<string> = []
      const sockets: Array<string> = []
      const s = createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => bodies.push(body))
        res.on("close", () => closed.push(req.url ?? ""))
        handler(req, res)
      })
      s.on("connection", (socket) => socket.on("close", () => sockets.push("closed")))
      s.listen(0, "127.0.0.1", () => {
        const address = s.address()
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
            closed,
            bodies,
            sockets,
            s
          })
        )
      })
    }),
    (info) =>
      Effect.sync(() => {
        info.s.closeAllConnections()
        info.s.close()
      })
  )

describe("NodeTransport", () => {
  it.live("GET and POST with a body; the response is buffered", () =>
    Effect.gen(function*() {
      const { url, bodies } = yield* server((req, res) => {
        res.writeHead(201, { "content-type": "text/plain", "x-request-id": "req_1" })
        res.end(`${req.method} ${req.url} ${req.headers["content-type"] ?? "-"}`)
      })
      const client = NodeTransport.make()
      const get = yield* client.get(`${url}/a?b=1`)
      expect([get.status, yield* get.text, get.headers["x-request-id"]]).toEqual([201, "GET /a?b=1 -", "req_1"])
      const post = yield* client.execute(
        HttpClientRequest.post(`${url}/p`).pipe(HttpClientRequest.bodyText("héllo", "text/plain"))
      )
      expect(yield* post.text).toBe("POST /p text/plain")
      expect(bodies).toContain("héllo")
    }).pipe(Effect.scoped))

  it.live("a connection refused is a RequestError (Transport)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(NodeTransport.make().get("http://127.0.0.1:1/"))
      expect(error._tag).toBe("RequestError")
      expect(error.reason).toBe("Transport")
    }))

  it.live("the EventsClient's timeout is enforced by the transport: Timeout, and the socket is closed", () =>
    Effect.gen(function*() {
      let arrived = 0
      const { url, closed } = yield* server(() => void arrived++)
      // Long enough for the request to reach the server on a busy machine: the close is only seen if it did.
      const layer = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url, timeout: "2 seconds", retry: false }).pipe(
        Layer.provide(NodeTransport.layer)
      )
      // Built for the whole test, so that only the request's own abort can close the connection (ending the
      // layer would close it too).
      const context = yield* Layer.build(layer)
      const start = Date.now()
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(context))
      expect(error._tag).toBe("Timeout")
      // Not before the deadline (a lower bound only, which a slow machine cannot break).
      expect(Date.now() - start).toBeGreaterThanOrEqual(1_990)
      if (error._tag === "Timeout") expect(Duration.toMillis(error.timeout)).toBe(2_000)
      yield* eventually(
        Effect.sync(() => closed.length > 0),
        "the server to see the connection close",
        () => ` (requests arrived: ${arrived})`
      )
      expect(closed).toEqual(["/websets/v0/events/ev_1"])
    }).pipe(Effect.scoped))

  it.live("interrupting a request closes its socket", () =>
    Effect.gen(function*() {
      let arrived = 0
      const { url, closed } = yield* server(() => void arrived++)
      const http = yield* Layer.build(NodeTransport.layer)
      const fiber = yield* Effect.fork(HttpClient.get(`${url}/slow`).pipe(Effect.provide(http)))
      yield* eventually(Effect.sync(() => arrived >= 1), "the request to reach the server")
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* eventually(Effect.sync(() => closed.length === 1), "the server to see the connection close")
      expect(closed).toEqual(["/slow"])
    }).pipe(Effect.scoped))

  it.live("headers: a repeated response header is kept whole (set-cookie), request headers are sent as given", () =>
    Effect.gen(function*() {
      const { url } = yield* server((req, res) => {
        res.setHeader("set-cookie", ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2"])
        res.setHeader("x-echo", String(req.headers["x-team"]))
        res.end("ok")
      })
      const response = yield* NodeTransport.make().execute(
        HttpClientRequest.get(`${url}/c`).pipe(HttpClientRequest.setHeader("x-team", "growth"))
      )
      expect(response.headers["x-echo"]).toBe("growth")
      expect(Object.keys(response.cookies.cookies).sort()).toEqual(["a", "b"])
    }).pipe(Effect.scoped))

  it.live("a header value undici refuses is a RequestError (Encode), which the EventsClient reports as InvalidRequest", () =>
    Effect.gen(function*() {
      const { url } = yield* server((_, res) => res.end("{}"))
      const error = yield* Effect.flip(
        NodeTransport.make().execute(
          HttpClientRequest.get(`${url}/x`).pipe(HttpClientRequest.setHeader("x-bad", "a\r\nb"))
        )
      )
      expect([error._tag, error.reason]).toEqual(["RequestError", "Encode"])
      // A key like that is refused when the layer is built; a header a transformClient adds reaches undici.
      const layer = Exa.layer({
        apiKey: Redacted.make("test-key"),
        baseUrl: url,
        retry: false,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-bad", "a\r\nb"))
      }).pipe(Layer.provide(NodeTransport.layer))
      const failure = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(layer))
      expect(failure._tag).toBe("InvalidRequest")
    }).pipe(Effect.scoped))

  it.live("the layer closes the connections it opened when its scope ends", () =>
    Effect.gen(function*() {
      const { s, sockets, url } = yield* server((_, res) => res.end("ok"))
      // Both sides keep an idle connection for a minute: only the layer's closing can end this one (in time for the
      // wait below).
      s.keepAliveTimeout = 60_000
      yield* Effect.scoped(Effect.gen(function*() {
        const context = yield* Layer.build(NodeTransport.layerWith({ keepAliveTimeout: 60_000 }))
        const response = yield* HttpClient.get(`${url}/a`).pipe(Effect.provide(context))
        expect(response.status).toBe(200)
        // Kept alive after the response: the layer's scope is still open.
        yield* Effect.sleep("30 millis")
        expect(sockets).toEqual([])
      }))
      yield* eventually(Effect.sync(() => sockets.length > 0), "the server to see the connection close")
      expect(sockets).toEqual(["closed"])
    }).pipe(Effect.scoped))

  it.live("any undici dispatcher can be given (here a MockAgent, so no network at all); it is not closed", () =>
    Effect.gen(function*() {
      const agent = new MockAgent()
      agent.disableNetConnect()
      agent.get("https://api.exa.ai").intercept({ path: "/websets/v0/events/ev_1", method: "GET" })
        .reply(404, { statusCode: 404, message: "Event not found", error: "Not Found" }, {
          headers: { "x-request-id": "req_9" }
        })
        .times(2)
      const layer = Exa.layer({ apiKey: Redacted.make("k"), retry: false }).pipe(
        Layer.provide(NodeTransport.layerWith({ dispatcher: agent }))
      )
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(layer))
      expect(error).toMatchObject({ _tag: "NotFound", id: "ev_1", requestId: "req_9" })
      // The first layer's scope has ended; the agent still works for a second one.
      const again = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(layer))
      expect(again._tag).toBe("NotFound")
      agent.assertNoPendingInterceptors()
      yield* Effect.promise(() => agent.close())
    }))

  it.live("with a transformClient every request goes through it, and the timeout still holds", () =>
    Effect.gen(function*() {
      const { url } = yield* server((req, res) => {
        if (req.url === "/websets/v0/events/slow") return // never answers
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ ...idleJson, id: String(req.headers["x-team"]) }))
      })
      const layer = (timeout?: Duration.DurationInput) =>
        Exa.layer({
          apiKey: Redacted.make("k"),
          baseUrl: url,
          ...(timeout === undefined ? {} : { timeout }),
          retry: false,
          transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-team", "growth"))
        }).pipe(Layer.provide(NodeTransport.layer))
      // The answer, with the default timeout (a short one could fire on a busy machine before it comes).
      const event = yield* EventsClient.getEvent("ev_1").pipe(Effect.provide(layer()))
      expect(event.id).toBe("growth")
      // The path that never answers, with a short timeout (the same transformClient), which must fire.
      const error = yield* Effect.flip(EventsClient.getEvent("slow")).pipe(Effect.provide(layer("100 millis")))
      expect(error._tag).toBe("Timeout")
    }).pipe(Effect.scoped))

  it.live("https: TLS through undici (a self-signed test certificate, trusted through the dispatcher option)", () =>
    Effect.gen(function*() {
      const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
      const cert = fixture("localhost-cert.pem")
      const url = yield* Effect.acquireRelease(
        Effect.async<{ url: string; close: () => void }>((resume) => {
          const s = createHttpsServer({ key: fixture("localhost-key.pem"), cert }, (req, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            res.end(JSON.stringify({ ...idleJson, id: `tls ${req.url}` }))
          })
          s.listen(0, "127.0.0.1", () => {
            const address = s.address()
            const port = typeof address === "object" && address ? address.port : 0
            resume(
              Effect.succeed({ url: `https://127.0.0.1:${port}`, close: () => (s.closeAllConnections(), s.close()) })
            )
          })
        }),
        (server) => Effect.sync(server.close)
      ).pipe(Effect.map((server) => server.url))
      const agent = new Agent({ connect: { ca: cert } })
      const layer = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url, retry: false }).pipe(
        Layer.provide(NodeTransport.layerWith({ dispatcher: agent }))
      )
      const event = yield* EventsClient.getEvent("ev_1").pipe(Effect.provide(layer))
      expect(event.id).toBe("tls /websets/v0/events/ev_1")
      // Without trusting the certificate, the handshake fails: a Transport error, not a defect.
      const untrusted = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url, retry: false }).pipe(
        Layer.provide(NodeTransport.layer)
      )
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(untrusted))
      expect(error._tag).toBe("Transport")
      // The message says it was the certificate, and of which host.
      expect(error.message).toMatch(
        /^Transport error: the TLS certificate of 127\.0\.0\.1:\d+ was rejected \([A-Z_]+\)$/
      )
      yield* Effect.promise(() => agent.close())
    }).pipe(Effect.scoped))

  it.live("a caller's Effect.timeout around getEvent aborts the request: the server sees the connection close", () =>
    Effect.gen(function*() {
      let arrived = 0
      const { url, closed } = yield* server(() => void arrived++)
      const layer = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url, retry: false }).pipe(
        Layer.provide(NodeTransport.layer)
      )
      const context = yield* Layer.build(layer)
      // The server never answers, so the timeout fires; long enough for the request to reach the server on a busy
      // machine (the close is only seen if it did).
      const result = yield* EventsClient.getEvent("ev_slow").pipe(
        Effect.timeout("2 seconds"),
        Effect.option,
        Effect.provide(context)
      )
      expect(result._tag).toBe("None")
      yield* eventually(
        Effect.sync(() => closed.length > 0),
        "the server to see the connection close",
        () => ` (requests arrived: ${arrived})`
      )
      expect(closed).toEqual(["/websets/v0/events/ev_slow"])
    }).pipe(Effect.scoped))

  it.live("many requests from one long-lived fiber leave nothing registered on it", () =>
    Effect.gen(function*() {
      const { url } = yield* server((_, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify(idleJson))
      })
      const layer = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url }).pipe(Layer.provide(NodeTransport.layer))
      // White-box: the transport watches the calling fiber's exit only while a request is in flight.
      const observers = Effect.withFiberRuntime((fiber) =>
        Effect.succeed((fiber as unknown as { _observers: Array<unknown> })._observers.length)
      )
      const before = yield* observers
      yield* Effect.provide(
        Effect.gen(function*() {
          for (let i = 0; i < 50; i++) yield* EventsClient.getEvent(`ev_${i}`)
          expect(yield* observers).toBe(before)
        }),
        layer
      )
    }).pipe(Effect.scoped))

  it.live("Effect.race: the losing request is aborted; a stream interrupted mid-page aborts its page request", () =>
    Effect.gen(function*() {
      const arrived: Array<string> = []
      // The fast answer is held until the slow request has arrived, so that the loser is in flight when it loses.
      let slowArrived = false
      let heldFast: (() => void) | undefined
      const { url, closed } = yield* server((req, res) => {
        arrived.push(req.url ?? "")
        if (req.url?.includes("slow") || req.url?.includes("cursor=")) {
          if (req.url.includes("slow")) {
            slowArrived = true
            heldFast?.()
          }
          return // never answers
        }
        const answer = () => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(
            req.url?.startsWith("/websets/v0/events/")
              ? JSON.stringify(idleJson)
              : JSON.stringify({ data: [idleJson], hasMore: true, nextCursor: "c2" })
          )
        }
        if (req.url?.includes("ev_fast") && !slowArrived) heldFast = answer
        else answer()
      })
      const layer = Exa.layer({ apiKey: Redacted.make("k"), baseUrl: url, retry: false }).pipe(
        Layer.provide(NodeTransport.layer)
      )
      const context = yield* Layer.build(layer)
      const winner = yield* Effect.race(EventsClient.getEvent("ev_slow"), EventsClient.getEvent("ev_fast")).pipe(
        Effect.provide(context)
      )
      expect(winner.id).toBe(idleJson.id)
      // The second page never comes: taking one event ends the stream before it is needed; taking two waits
      // for it, until it is interrupted below once its request has reached the server.
      const first = yield* EventsClient.streamEvents().pipe(Stream.take(1), Stream.runCollect, Effect.provide(context))
      expect(Chunk.size(first)).toBe(1)
      const two = yield* Effect.fork(
        EventsClient.streamEvents().pipe(Stream.take(2), Stream.runCollect, Effect.provide(context))
      )
      yield* eventually(
        Effect.sync(() => arrived.includes("/websets/v0/events?cursor=c2")),
        "the second page's request to reach the server"
      )
      expect(Exit.isInterrupted(yield* Fiber.interrupt(two))).toBe(true)
      yield* eventually(
        Effect.sync(() =>
          closed.includes("/websets/v0/events/ev_slow") && closed.includes("/websets/v0/events?cursor=c2")
        ),
        "the server to see both aborted requests close",
        () => ` (closed: ${JSON.stringify(closed)})`
      )
    }).pipe(Effect.scoped))
})
