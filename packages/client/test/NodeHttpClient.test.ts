import { EventsClient } from "@effect-exa/client"
import * as NodeHttpClient from "@effect-exa/client/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"

// A loopback server whose handler the test chooses; it records when a request's connection closes.
const server = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; closed: Array<string>; bodies: Array<string> }>((resume) => {
      const closed: Array<string> = []
      const bodies: Array<string> = []
      const s = createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => bodies.push(body))
        res.on("close", () => closed.push(req.url ?? ""))
        handler(req, res)
      })
      s.listen(0, "127.0.0.1", () => {
        const address = s.address()
        resume(Effect.succeed({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, closed, bodies, s } as any))
      })
    }),
    (info: any) => Effect.sync(() => {
      info.s.closeAllConnections()
      info.s.close()
    })
  )

describe("NodeHttpClient", () => {
  it.live("GET and POST with a body; the response is buffered", () =>
    Effect.gen(function*() {
      const { url, bodies } = yield* server((req, res) => {
        res.writeHead(201, { "content-type": "text/plain", "x-request-id": "req_1" })
        res.end(`${req.method} ${req.url} ${req.headers["content-type"] ?? "-"}`)
      })
      const client = NodeHttpClient.make()
      const get = yield* client.get(`${url}/a?b=1`)
      expect([get.status, yield* get.text, get.headers["x-request-id"]]).toEqual([201, "GET /a?b=1 -", "req_1"])
      const post = yield* client.execute(HttpClientRequest.post(`${url}/p`).pipe(HttpClientRequest.bodyText("héllo", "text/plain")))
      expect(yield* post.text).toBe("POST /p text/plain")
      expect(bodies).toContain("héllo")
    }).pipe(Effect.scoped))

  it.live("a connection refused is a RequestError (Transport)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(NodeHttpClient.make().get("http://127.0.0.1:1/"))
      expect(error._tag).toBe("RequestError")
      expect(error.reason).toBe("Transport")
    }))

  it.live("the EventsClient's timeout is enforced by the transport: Timeout, and the socket is closed", () =>
    Effect.gen(function*() {
      const { url, closed } = yield* server(() => {})
      const layer = EventsClient.layer({ apiKey: Redacted.make("k"), baseUrl: url, timeout: "150 millis", retry: false }).pipe(
        Layer.provide(NodeHttpClient.layer())
      )
      const start = Date.now()
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1")).pipe(Effect.provide(layer))
      expect(error._tag).toBe("Timeout")
      expect(Date.now() - start).toBeGreaterThanOrEqual(140)
      if (error._tag === "Timeout") expect(Duration.toMillis(error.timeout)).toBe(150)
      yield* Effect.sleep("50 millis")
      expect(closed).toEqual(["/websets/v0/events/ev_1"])
    }).pipe(Effect.scoped))

  it.live("interrupting a request closes its socket", () =>
    Effect.gen(function*() {
      const { url, closed } = yield* server(() => {})
      const fiber = yield* Effect.fork(HttpClient.get(`${url}/slow`).pipe(Effect.provide(NodeHttpClient.layer())))
      yield* Effect.sleep("50 millis")
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* Effect.sleep("50 millis")
      expect(closed).toEqual(["/slow"])
    }).pipe(Effect.scoped))
})
