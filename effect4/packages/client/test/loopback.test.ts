/**
 * The client over Effect 4's own `FetchHttpClient` against a real server on loopback (node:http): a round trip, a
 * refused connection, a redirect that is not followed, bodies over the limit (announced or streamed), a timeout.
 */
import { Errors, EventsClient, Exa } from "@effect-exa/client"
import { assert, describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { IncomingMessage } from "node:http"
import { eventually } from "./eventually.js"
import { idle } from "./fixtures.js"
import { refusedUrl, serve } from "./server.js"

const KEY = "loopback-key-5678"

const client = (
  baseUrl: string,
  options: { readonly maxResponseSize?: number; readonly timeout?: Duration.Input } = {}
) =>
  Exa.layer({ apiKey: Redacted.make(KEY), baseUrl, retry: false, ...options }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

describe("over FetchHttpClient on loopback", () => {
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

  it.live("a redirect is not followed: Redirected, and the other server sees nothing", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_, res) => res.writeHead(200).end(JSON.stringify(idle)))
      const { url } = yield* serve((_, res) => res.writeHead(302, { location: `${elsewhere.url}/steal` }).end())
      const error = yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(client(url))))
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
      expect("contentLength" in second).toBe(false)
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
