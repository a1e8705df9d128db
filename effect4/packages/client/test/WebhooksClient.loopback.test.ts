/**
 * createWebhook over Effect 4's own `FetchHttpClient` against real sockets on loopback: a refused connection (never
 * opened) is retried, a connection reset after the request arrived or a timeout is not (the server sees one
 * request), while a read after the same reset is retried. Ported from the Effect 3 line's `RetryUnsent.test.ts`
 * (there over each of its transports; this line has only `effect/http`'s).
 */
import { Exa, Retry, WebhooksClient } from "@effect-exa/client"
import { assert, describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { eventually } from "./eventually.js"

const params: WebhooksClient.CreateWebhookParams = { events: ["webset.idle"], url: "https://hooks.example.com/exa" }

/** Serves `handler` on a free port until the scope closes (its connections too). */
const serve = (handler: (req: IncomingMessage) => void) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly close: () => void; readonly requests: () => number }>(
      (resume) => {
        let count = 0
        const server = createServer((req) => {
          count++
          handler(req)
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resume(Effect.succeed({
            url: `http://127.0.0.1:${port}`,
            close: () => (server.closeAllConnections(), server.close()),
            requests: () => count
          }))
        })
      }
    ),
    ({ close }) => Effect.sync(close)
  )

// A port that was free a moment ago: a server was bound to it and closed, so a connection there is refused.
const refusedUrl = Effect.scoped(Effect.map(serve(() => {}), ({ url }) => url))

// Reads the request, then destroys the connection without answering.
const reset = (req: IncomingMessage) => {
  req.resume()
  req.on("end", () => req.socket.destroy())
}

// Reads the request and never answers.
const silent = (req: IncomingMessage) => void req.resume()

// A client to `baseUrl` that counts the attempts it makes (each request handed to the transport).
const counted = (baseUrl: string, timeout: Duration.Input) => {
  let attempts = 0
  const layer = Exa.layer({
    apiKey: Redacted.make("k-unsent"),
    baseUrl,
    timeout,
    retry: { initialDelay: "5 millis", jitter: false },
    transformClient: HttpClient.tapRequest(() => Effect.sync(() => attempts++))
  }).pipe(Layer.provide(FetchHttpClient.layer))
  return { layer, attempts: () => attempts }
}

// Waits until the server has seen `n` requests (the client may give up before a request has reached the handler).
const seen = (server: { readonly requests: () => number }, n: number) =>
  eventually(
    Effect.sync(() => server.requests() >= n),
    `the server to see ${n} request(s)`,
    () => ` (it saw ${server.requests()})`
  )

describe("createWebhook over FetchHttpClient on loopback", () => {
  it.live("is retried after a refused connection: three attempts, then the Transport error with its code", () =>
    Effect.gen(function*() {
      const client = counted(yield* refusedUrl, "30 seconds")
      const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(client.layer)))
      assert(error._tag === "Transport", error._tag)
      expect(error.code).toBe("ECONNREFUSED")
      expect(Retry.isUnsent(error)).toBe(true)
      expect(client.attempts()).toBe(3)
    }))

  it.live("is not retried after the connection is reset once the request arrived; a read is", () =>
    Effect.gen(function*() {
      const server = yield* serve(reset)
      const client = counted(server.url, "30 seconds")
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
      const client = counted(server.url, "5 seconds")
      const error = yield* Effect.flip(WebhooksClient.createWebhook(params).pipe(Effect.provide(client.layer)))
      expect(error._tag).toBe("Timeout")
      expect(client.attempts()).toBe(1)
      yield* seen(server, 1)
      expect(server.requests()).toBe(1)
    }).pipe(Effect.scoped))
})
