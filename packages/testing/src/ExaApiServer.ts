/**
 * The in-memory Exa Events API served over real HTTP on 127.0.0.1 (a port chosen by the OS, or given), for
 * end-to-end tests, the demo and `effect-exa emulator`. The server closes with its scope. Node only.
 *
 * @since 0.1.0
 */
import * as Errors from "@effect-exa/client/Errors"
import * as Exa from "@effect-exa/client/Exa"
import type * as ExaClient from "@effect-exa/client/ExaClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Http from "node:http"
import * as ExaApi from "./ExaApi.js"

/**
 * Where the server listens.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>`: pass it as the client's `baseUrl`. */
  readonly url: string
}

/**
 * The running server's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class ExaApiServer extends Context.Tag("@effect-exa/testing/ExaApiServer")<ExaApiServer, Service>() {}

const headersOf = (request: Http.IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/**
 * The server could not listen: the port is taken, or may not be used.
 *
 * @since 0.3.0
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
 * @since 0.3.0
 * @category models
 */
export interface Options {
  /** The loopback port to listen on, 0 to 65535. Default 0: a free port the OS picks. */
  readonly port?: number | undefined
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
 * @since 0.3.0
 * @category layers
 */
export const layerWith = (
  options: Options = {}
): Layer.Layer<ExaApiServer, Errors.InvalidRequest | ListenError, ExaApi.ExaApi> =>
  Layer.scoped(
    ExaApiServer,
    Effect.gen(function*() {
      const given: unknown = (options as Options | undefined)?.port
      const port = given ?? 0
      if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
        return yield* new Errors.InvalidRequest({ reason: "port must be a whole number from 0 to 65535" })
      }
      const api = yield* ExaApi.ExaApi
      const runtime = yield* Effect.runtime<never>()
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
          const fiber = Runtime.runFork(runtime)(
            Effect.map(
              api.handle({ method: request.method ?? "GET", url, headers: headersOf(request), body }),
              (outcome) => {
                if (outcome._tag === "Transport") {
                  request.socket.destroy()
                  return
                }
                response.writeHead(outcome.reply.status, outcome.reply.headers)
                response.end(outcome.reply.body)
              }
            )
          )
          // A client that gave up (a timeout, an interruption) closes the connection: stop answering it.
          response.on("close", () => fiber.unsafeInterruptAsFork(fiber.id()))
        })
      })
      const bound = yield* Effect.async<number, ListenError>((resume) => {
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
        Effect.async<void>((resume) => {
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
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ExaApiServer, never, ExaApi.ExaApi> = layerWith().pipe(Layer.orDie)

/**
 * The clients of `Exa.layer` (one `ExaClient` connection, `EventsClient`, `WebhooksClient`) talking over real HTTP
 * (`@effect/platform`'s `FetchHttpClient` unless another client is given) to an emulator served on loopback, plus
 * the `ExaApi` control service and the server's address.
 *
 * @since 0.1.0
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
  const client = Layer.unwrapEffect(
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const { url } = yield* ExaApiServer
      const clientOptions = { ...options.client, apiKey: api.apiKey, baseUrl: url }
      return Exa.layer(clientOptions)
    })
  )
  // The emulator's key and address are valid; a bad client option passed here is a mistake in the test, so a defect.
  return client.pipe(
    Layer.orDie,
    Layer.provide(options.httpClient ?? FetchHttpClient.layer),
    Layer.provideMerge(server)
  )
}
