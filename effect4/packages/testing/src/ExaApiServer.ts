/**
 * The in-memory Exa Websets API (`ExaApi`) served over real HTTP on 127.0.0.1 (a port chosen by the OS, or given),
 * for end-to-end tests. The server closes with its scope. Node only: it serves through `node:http` directly, so the
 * package needs no `@effect/platform-node`.
 *
 * @since 1.0.0
 */
import * as Errors from "@effect-exa/client/Errors"
import * as Exa from "@effect-exa/client/Exa"
import type * as ExaClient from "@effect-exa/client/ExaClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Http from "node:http"
import * as ExaApi from "./ExaApi.js"

/**
 * Where the server listens.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>`: pass it as the client's `baseUrl`. */
  readonly url: string
}

/**
 * The running server's tag.
 *
 * @since 1.0.0
 * @category tags
 */
export class ExaApiServer extends Context.Service<ExaApiServer, Service>()("@effect-exa/testing/ExaApiServer") {}

/**
 * The server could not listen: the port is taken, or may not be used.
 *
 * @since 1.0.0
 * @category errors
 */
export class ListenError extends Schema.TaggedError<ListenError>("@effect-exa/testing/ListenError")("ListenError", {
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `Could not listen on 127.0.0.1:${this.port}: ${this.reason}`
  }
}

/**
 * Options of {@link layerWith}.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** The loopback port to listen on, 0 to 65535. Default 0: a free port the OS picks. */
  readonly port?: number | undefined
}

const headersOf = (request: Http.IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

const reasonOf = (error: NodeJS.ErrnoException, port: number): string =>
  error.code === "EADDRINUSE"
    ? `port ${port} is in use`
    : error.code === "EACCES"
    ? `port ${port} may not be used by this user`
    : error.message

/**
 * Serves the emulator in context over loopback HTTP (127.0.0.1) while the scope is open, on the port given.
 * A port that is not a whole number from 0 to 65535 is `InvalidRequest`; one that is taken is `ListenError`.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerWith = (
  options: Options = {}
): Layer.Layer<ExaApiServer, Errors.InvalidRequest | ListenError, ExaApi.ExaApi> =>
  Layer.effect(
    ExaApiServer,
    Effect.gen(function*() {
      // Checked at run time too: JavaScript callers (and `as` casts) can pass anything.
      const given: unknown = (options as Options | undefined)?.port
      const port = given ?? 0
      if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
        return yield* new Errors.InvalidRequest({ reason: "port must be a whole number from 0 to 65535" })
      }
      const api = yield* ExaApi.ExaApi
      // Each request's answer runs in the context the layer is built in (its clock: `Delay` and the rate limit
      // follow a `TestClock` there, as with the in-memory `HttpClient`).
      const context = yield* Effect.context<never>()
      const runFork = Effect.runForkWith(context)
      // Imported lazily so that merely importing this module does not load `node:http` (and browsers never do).
      const http = yield* Effect.promise(() => import("node:http"))
      const server = http.createServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://127.0.0.1")
        // The whole body is read (a create or update carries JSON; a GET's is ignored), which also keeps keep-alive
        // connections usable.
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8")
          const fiber = runFork(
            Effect.map(
              api.handle({ method: request.method ?? "GET", url, headers: headersOf(request), body }),
              (outcome) => {
                if (outcome._tag === "Transport") {
                  // A reset connection, before any byte of an answer, as the scripted failure says.
                  request.socket.destroy()
                  return
                }
                response.writeHead(outcome.reply.status, outcome.reply.headers)
                response.end(outcome.reply.body)
              }
            )
          )
          // A client that gave up (a timeout, an interruption) closes the connection: stop answering it. Once the
          // answer is sent, `close` comes too, and interrupting a finished fiber does nothing.
          response.on("close", () => fiber.interruptUnsafe())
        })
      })
      const bound = yield* Effect.callback<number, ListenError>((resume) => {
        const failed = (error: NodeJS.ErrnoException) =>
          resume(Effect.fail(new ListenError({ port, reason: reasonOf(error, port) })))
        server.once("error", failed)
        server.listen(port, "127.0.0.1", () => {
          server.off("error", failed)
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
        })
      })
      yield* Effect.addFinalizer(() =>
        Effect.callback<void>((resume) => {
          // Open connections (keep-alive, or a stalled request) would hold `close` back until they end.
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
      )
      return ExaApiServer.of({ url: `http://127.0.0.1:${bound}` })
    })
  )

/**
 * Serves the emulator in context over loopback HTTP while the scope is open, on a free port the OS picks.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<ExaApiServer, never, ExaApi.ExaApi> = layerWith().pipe(Layer.orDie)

/**
 * The clients of `Exa.layer` (one `ExaClient` connection, `EventsClient`, `WebhooksClient`) talking over real HTTP
 * (`effect/http`'s `FetchHttpClient` unless another client is given) to an emulator served on loopback, plus the
 * `ExaApi` control service and the server's address.
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import { ExaApiServer, Fixtures } from "@effect-exa/testing"
 * import * as Effect from "effect/Effect"
 *
 * const TestLayer = ExaApiServer.layerClient({ events: [Fixtures.make("webset.idle", { id: "ev_1" })] })
 * const program = EventsClient.getEvent("ev_1").pipe(Effect.provide(TestLayer))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerClient = (
  options: ExaApi.Options & {
    readonly client?: Omit<ExaClient.Options, "apiKey" | "baseUrl"> | undefined
    /** The HTTP client to talk through. Default `FetchHttpClient.layer`. */
    readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  } = {}
): Layer.Layer<Exa.Clients | ExaApi.ExaApi | ExaApiServer> => {
  const server = layer.pipe(Layer.provideMerge(ExaApi.layer(options)))
  const client = Layer.unwrap(
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const { url } = yield* ExaApiServer
      return Exa.layer({ ...options.client, apiKey: api.apiKey, baseUrl: url })
    })
  )
  // The emulator's key and address are valid; a bad client option passed here is a mistake in the test, so a defect.
  return client.pipe(
    Layer.orDie,
    Layer.provide(options.httpClient ?? FetchHttpClient.layer),
    Layer.provideMerge(server)
  )
}
