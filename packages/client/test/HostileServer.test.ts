/**
 * What only a real HTTP server can do to the client, tried on every HTTP transport with identical expectations:
 * compressed bodies and compression bombs, lying or huge `content-length`s, bodies that grow without end, resets
 * mid-body, connections refused, and a transport that was already closed.
 */
import { EventsClient, Exa, type ExaClient } from "@effect-exa/client"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Fixtures } from "@effect-exa/testing"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib"
import { eventually } from "./eventually.js"

const event = JSON.stringify(Fixtures.make("webset.idle", { id: "ev_1" }))
const key = "hostile-test-key-0123"

const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; close: () => void }>((resume) => {
      const s = createServer(handler)
      s.listen(0, "127.0.0.1", () => {
        const address = s.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, close: () => (s.closeAllConnections(), s.close()) }))
      })
    }),
    ({ close }) => Effect.sync(close)
  )

const transports: ReadonlyArray<{ name: string; layer: () => Layer.Layer<HttpClient.HttpClient> }> = [
  { name: "@effect/platform's FetchHttpClient", layer: () => FetchHttpClient.layer },
  { name: "FetchTransport", layer: () => FetchTransport.layer },
  { name: "NodeTransport", layer: () => NodeTransport.layer }
]

for (const transport of transports) {
  describe(`a hostile server, over ${transport.name}`, () => {
    const call = <A, E>(
      handler: (req: IncomingMessage, res: ServerResponse) => void,
      effect: Effect.Effect<A, E, EventsClient.EventsClient>,
      options: Partial<ExaClient.Options> = {}
    ) =>
      Effect.gen(function*() {
        const { url } = yield* serve(handler)
        const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: url, retry: false, ...options }).pipe(
          Layer.provide(transport.layer())
        )
        return yield* Effect.exit(Effect.provide(effect, layer))
      }).pipe(Effect.scoped)

    for (
      const [encoding, compress] of [["gzip", gzipSync], ["deflate", deflateSync], ["br", brotliCompressSync]] as const
    ) {
      it.live(`a ${encoding} body is decompressed`, () =>
        Effect.gen(function*() {
          const exit = yield* call((_, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding })
            res.end(compress(Buffer.from(event)))
          }, EventsClient.getEvent("ev_1"))
          assert(Exit.isSuccess(exit))
          expect(exit.value.id).toBe("ev_1")
        }))
    }

    it.live("a compression bomb is cut off at maxResponseSize", () =>
      Effect.gen(function*() {
        const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20))
        expect(bomb.length).toBeLessThan(64 * 1024)
        const exit = yield* call(
          (_, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
            res.end(bomb)
          },
          EventsClient.getEvent("ev_1"),
          { maxResponseSize: 1024 * 1024 }
        )
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail")
        expect(exit.cause.error._tag).toBe("ResponseTooLarge")
      }))

    it.live("a content-length over the limit is refused before the body is sent", () =>
      Effect.gen(function*() {
        let wrote = false
        let timer: ReturnType<typeof setTimeout> | undefined
        yield* Effect.addFinalizer(() => Effect.sync(() => clearTimeout(timer)))
        const exit = yield* call((_, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": String(700 * 1024 * 1024) })
          // The body would follow only much later (far beyond what any slowness of the machine explains); the
          // client must not wait for it.
          res.flushHeaders()
          timer = setTimeout(() => {
            wrote = true
            res.destroy()
          }, 60_000).unref()
        }, EventsClient.getEvent("ev_1"))
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail")
        const error = exit.cause.error
        assert(error._tag === "ResponseTooLarge")
        expect(error.contentLength).toBe(700 * 1024 * 1024)
        expect(error.limit).toBe(64 * 1024 * 1024)
        expect(wrote).toBe(false)
      }).pipe(Effect.scoped))

    it.live("a body that grows without end is cut off", () =>
      Effect.gen(function*() {
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        const exit = yield* call(
          (_, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            const pump = () => {
              while (res.write(chunk)) { /* keep writing until the socket pushes back */ }
            }
            res.on("drain", pump)
            pump()
          },
          EventsClient.getEvent("ev_1"),
          { maxResponseSize: 2 * 1024 * 1024 }
        )
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail")
        expect(exit.cause.error._tag).toBe("ResponseTooLarge")
      }))

    it.live("a reset mid-body is Transport, saying so", () =>
      Effect.gen(function*() {
        const exit = yield* call((_, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100000" })
          res.write(event.slice(0, 100), () => res.socket?.destroy())
        }, EventsClient.getEvent("ev_1"))
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail")
        const error = exit.cause.error
        assert(error._tag === "Transport")
        expect(error.message).not.toMatch(/Transport error.*Transport error/)
        expect(error.message).not.toContain(key)
      }))

    it.live("a refused connection names the host and port, once", () =>
      Effect.gen(function*() {
        // A port that was free a moment ago: nothing listens there now.
        const port = yield* Effect.scoped(Effect.map(serve(() => {}), ({ url }) => new URL(url).port))
        const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: `http://127.0.0.1:${port}`, retry: false }).pipe(
          Layer.provide(transport.layer())
        )
        const error = yield* Effect.flip(Effect.provide(EventsClient.getEvent("ev_1"), layer))
        assert(error._tag === "Transport")
        expect(error.description).toBe(`connection refused by 127.0.0.1:${port}`)
        expect(error.code).toBe("ECONNREFUSED")
        expect(error.message).toBe(`Transport error: connection refused by 127.0.0.1:${port}`)
        expect(JSON.stringify(error) + String(error.cause)).not.toContain(key)
      }))

    it.live("a name that does not resolve is a DNS failure", () =>
      Effect.gen(function*() {
        const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: "http://does-not-exist.invalid", retry: false })
          .pipe(Layer.provide(transport.layer()))
        const error = yield* Effect.flip(Effect.provide(EventsClient.getEvent("ev_1"), layer))
        assert(error._tag === "Transport")
        expect(error.description).toContain("DNS lookup failed for does-not-exist.invalid")
      }))

    it.live("interrupting a call closes its connection", () =>
      Effect.gen(function*() {
        let closed = false
        let arrived = false
        const { url } = yield* serve((_, res) => {
          arrived = true
          res.on("close", () => (closed = true))
        })
        const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: url, retry: false }).pipe(
          Layer.provide(transport.layer())
        )
        const context = yield* Layer.build(layer)
        const fiber = yield* Effect.fork(Effect.provide(EventsClient.getEvent("ev_1"), context))
        yield* eventually(Effect.sync(() => arrived), "the request to reach the server")
        yield* Fiber.interrupt(fiber)
        yield* eventually(Effect.sync(() => closed), "the server to see the connection close")
      }).pipe(Effect.scoped))

    it.live("a stalled server is a Timeout, and the connection is closed", () =>
      Effect.gen(function*() {
        let closed = false
        let arrived = false
        const { url } = yield* serve((_, res) => {
          arrived = true
          res.on("close", () => (closed = true))
        })
        // Long enough for the request to reach the server on a busy machine (the close is only seen if it did).
        const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: url, retry: false, timeout: "2 seconds" }).pipe(
          Layer.provide(transport.layer())
        )
        // Server and layer are kept for the whole test, so that only the timeout's abort can close the connection.
        const context = yield* Layer.build(layer)
        const error = yield* Effect.flip(Effect.provide(EventsClient.getEvent("ev_1"), context))
        expect(error._tag).toBe("Timeout")
        yield* eventually(
          Effect.sync(() => closed),
          "the server to see the connection close",
          () => ` (the request ${arrived ? "arrived" : "never arrived"})`
        )
      }).pipe(Effect.scoped))
  })
}

describe("a closed transport", () => {
  it.live("NodeTransport says it was closed", () =>
    Effect.gen(function*() {
      const { url } = yield* serve((_, res) => res.end(event))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        Exa.layer({ apiKey: Redacted.make(key), baseUrl: url, retry: false }).pipe(Layer.provide(NodeTransport.layer)),
        scope
      )
      expect((yield* Effect.provide(EventsClient.getEvent("ev_1"), context)).id).toBe("ev_1")
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(Effect.provide(EventsClient.getEvent("ev_1"), context))
      assert(error._tag === "Transport")
      expect(error.description).toContain("already closed")
    }).pipe(Effect.scoped))
})
