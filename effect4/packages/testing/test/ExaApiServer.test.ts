/**
 * `ExaApiServer` on the Effect 4 line: the emulator on loopback HTTP. Ported from the Effect 3 line's
 * `ExaApiServer.test.ts` (the port given, freed with the scope; `ListenError` and `InvalidRequest`), plus what that
 * line covers through its other tests over `layerClient`: the clients over real sockets (a GET, a POST's body),
 * scripted resets and stalls, a server that closes with a request still open, and answers on the layer's clock.
 */
import { EventsClient, Exa, WebhooksClient } from "@effect-exa/client"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import * as Http from "node:http"

const serve = (options?: ExaApiServer.Options) =>
  Layer.build(ExaApiServer.layerWith(options).pipe(Layer.provide(ExaApi.layer())))

const idle = Fixtures.make("webset.idle", { id: "ev_1", createdAt: "2026-11-30T10:00:00.000Z" })

/**
 * Waits (in real time, not on any Effect clock) until the emulator has received `count` requests; gives up after
 * about 25 s (within the test's budget, so the reason shows), never asserting how long it took.
 */
const received = (api: ExaApi.Service, count: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 5_000; i++) {
      if ((yield* api.requests).length >= count) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    }
    assert.fail(
      `gave up waiting for the emulator to receive ${count} request(s) (it has ${(yield* api.requests).length})`
    )
  })

describe("ExaApiServer.layerWith", () => {
  it.live("listens on the port given; the port is free again once the scope closes", () =>
    Effect.gen(function*() {
      const any = yield* Effect.scoped(
        Effect.map(serve(), (context) => Context.get(context, ExaApiServer.ExaApiServer).url)
      )
      const port = Number(new URL(any).port)
      const url = yield* Effect.scoped(
        Effect.gen(function*() {
          const { url } = Context.get(yield* serve({ port }), ExaApiServer.ExaApiServer)
          const answer = yield* Effect.promise(() =>
            fetch(`${url}/websets/v0/events`, { headers: { "x-api-key": "test-api-key" } })
          )
          expect(answer.status).toBe(200)
          expect(yield* Effect.promise(() => answer.json())).toEqual({ data: [], hasMore: false, nextCursor: null })
          return url
        })
      )
      expect(url).toBe(`http://127.0.0.1:${port}`)
    }))

  it.live("a port in use is ListenError; a port that is not one is InvalidRequest; layer stays a value", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.acquireRelease(
        Effect.callback<Http.Server>((resume) => {
          const server = Http.createServer()
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
        }),
        (server) => Effect.sync(() => server.close())
      )
      const address = taken.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const inUse = yield* Effect.flip(Effect.scoped(serve({ port })))
      expect(inUse._tag).toBe("ListenError")
      expect(inUse.message).toBe(`Could not listen on 127.0.0.1:${port}: port ${port} is in use`)
      for (const bad of [-1, 65536, 1.5, Number.NaN, "80" as unknown as number]) {
        const error = yield* Effect.flip(Effect.scoped(serve({ port: bad })))
        expect(error._tag, String(bad)).toBe("InvalidRequest")
      }
      expect(Layer.isLayer(ExaApiServer.layer)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("closing the scope ends a request still open (a stall) instead of waiting for it", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer())),
        scope
      )
      const api = Context.get(context, ExaApi.ExaApi)
      const { url } = Context.get(context, ExaApiServer.ExaApiServer)
      yield* api.failNext({ _tag: "Stall" })
      const request = yield* Effect.forkChild(
        Effect.promise(() =>
          fetch(`${url}/websets/v0/events`, { headers: { "x-api-key": "test-api-key" } }).then(
            (response) => `answered ${response.status}`,
            (error: unknown) => `failed: ${String(error)}`
          )
        )
      )
      yield* received(api, 1)
      yield* Scope.close(scope, Exit.void)
      expect(yield* Fiber.join(request)).toMatch(/^failed: /)
    }))
})

describe("ExaApiServer.layerClient", () => {
  it.live("the clients talk to the emulator over real HTTP, with the emulator's key", () =>
    Effect.gen(function*() {
      const { url } = yield* ExaApiServer.ExaApiServer
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const event = yield* EventsClient.getEvent("ev_1")
      expect(event.id).toBe("ev_1")
      const api = yield* ExaApi.ExaApi
      const [request] = yield* api.requests
      expect(request?.path).toBe("/websets/v0/events/ev_1")
      // A header only a socket carries: the in-memory `HttpClient` sends none.
      expect(request?.headers["host"]).toBe(new URL(url).host)
      expect(request?.headers["x-api-key"]).toBe("<redacted>")
    }).pipe(Effect.provide(ExaApiServer.layerClient({ events: [idle] }))))

  it.live("a POST's body reaches the emulator", () =>
    Effect.gen(function*() {
      const hook = yield* WebhooksClient.createWebhook({
        events: ["webset.idle"],
        url: "https://example.com/exa",
        metadata: { team: "growth" }
      })
      const api = yield* ExaApi.ExaApi
      const held = yield* api.webhooks
      expect(held.map((webhook) => [webhook.id, webhook.url, webhook.events, webhook.metadata])).toEqual([
        [hook.id, "https://example.com/exa", ["webset.idle"], { team: "growth" }]
      ])
    }).pipe(Effect.provide(ExaApiServer.layerClient())))

  it.live("a scripted reset drops the connection (Transport); a stall ends in the client's Timeout", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const { url } = yield* ExaApiServer.ExaApiServer
      yield* api.failNext({ _tag: "Transport" })
      expect((yield* Effect.flip(EventsClient.getEvent("ev_1")))._tag).toBe("Transport")
      // The stall through a second client whose timeout must fire: long enough for the request to reach the emulator
      // on a busy machine (it must, to be the one that stalls). The other calls keep the default timeout. Fresh: a
      // nested provide shares the outer memo map, whose clients (over the default timeout) it would otherwise reuse.
      const stalling = Layer.fresh(
        Exa.layer({ apiKey: api.apiKey, baseUrl: url, retry: false, timeout: "2 seconds" }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
      yield* api.failNext({ _tag: "Stall" })
      expect((yield* Effect.flip(EventsClient.getEvent("ev_1").pipe(Effect.provide(stalling))))._tag).toBe("Timeout")
      yield* received(api, 2)
      // The server still answers afterwards.
      expect((yield* EventsClient.getEvent("ev_1")).id).toBe("ev_1")
      expect((yield* api.requests).length).toBe(3)
    }).pipe(Effect.provide(ExaApiServer.layerClient({ events: [idle], client: { retry: false } }))))

  it.effect("answers run on the clock of the context the layer is built in (a Delay waits for TestClock)", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Delay", delay: "1 hour" })
      const call = yield* Effect.forkChild(EventsClient.getEvent("ev_1"))
      yield* received(api, 1)
      yield* TestClock.adjust("59 minutes")
      expect(call.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 minute")
      expect((yield* Fiber.join(call)).id).toBe("ev_1")
    }).pipe(Effect.provide(ExaApiServer.layerClient({ events: [idle], client: { retry: false, timeout: "2 hours" } }))))
})
