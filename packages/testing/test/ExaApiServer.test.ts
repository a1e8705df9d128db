import { ExaApi, ExaApiServer } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"

const serve = (options?: ExaApiServer.Options) =>
  Layer.build(ExaApiServer.layerWith(options).pipe(Layer.provide(ExaApi.layer())))

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
          return url
        })
      )
      expect(url).toBe(`http://127.0.0.1:${port}`)
    }))

  it.live("a port in use is ListenError; a port that is not one is InvalidRequest; layer stays a value", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.acquireRelease(
        Effect.async<Http.Server>((resume) => {
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
})
