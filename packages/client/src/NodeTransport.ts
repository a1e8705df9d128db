/**
 * An `HttpClient` for Node on undici's connection pools (the engine of Node's own `fetch`, used directly, without
 * `fetch`'s streams): several times the throughput of `fetch` for small JSON requests. Import it from
 * `@effect-exa/client/NodeTransport`; it is not re-exported from the package index, so that browser bundles
 * never see it.
 *
 * It reads each response body fully before handing the response over (fine for JSON APIs, not for streaming
 * downloads), never more of it than `TransportContract` allow (the clients set them per request), and aborts a request
 * whose `TransportContract` deadline expires (and when the attempt's fiber is interrupted);
 * decompresses `gzip`, `deflate` and `br` bodies as `fetch` does (and asks for them with `accept-encoding`); reads
 * text as `fetch`'s `text()` does (UTF-8, a leading BOM dropped); never follows redirects; supports request bodies
 * that are empty, text or bytes; and aborts the request when the calling fiber is interrupted (as that fiber ends:
 * after its finalizers, if it has any).
 *
 * undici is an optional peer dependency of `@effect-exa/client`: install it (`npm install undici@^7`) to use this
 * module; browser and edge users never need it.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Zlib from "node:zlib"
import { Agent, type Dispatcher } from "undici"
import { announcedLength, BufferedResponse, prepare } from "./internal/buffered.js"
import * as TransportContract from "./TransportContract.js"

/**
 * Connection settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Connections kept per origin. Default: as many as there are requests in flight. */
  readonly connections?: number | undefined
  /** How long an idle connection is kept, in milliseconds, unless the server asks for less. Default 4 seconds. */
  readonly keepAliveTimeout?: number | undefined
  /**
   * An undici `Dispatcher` to send through instead of a new `Agent` (a `ProxyAgent`, a `MockAgent`, an agent shared
   * with the rest of the application). It is used as it is and never closed by this module.
   */
  readonly dispatcher?: Dispatcher | undefined
}

/** Why a request was aborted by this module: the fiber was interrupted. */
class Interrupted extends Error {}

// undici reports a malformed request (a header value with a newline, say) with this code: the caller's mistake,
// not the network's.
const isInvalidArgument = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "UND_ERR_INVALID_ARG"

/**
 * Builds the client over a new undici `Agent` (or `options.dispatcher`). The agent lives as long as the client;
 * prefer `layer` or `layerWith`, which close it with their scope.
 *
 * Built on `HttpClient.makeWith` rather than `HttpClient.make`: the latter wraps every request in an
 * `AbortController`, a finalization registry entry and an interruptible response wrapper, which a client that
 * buffers the whole body and aborts on its own (when the calling fiber ends) does not need. Consequently it
 * creates no `@effect/platform` HTTP span and sends no trace headers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient =>
  withDispatcher(options.dispatcher ?? newAgent(options))

const newAgent = (options: Options): Agent =>
  new Agent({
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout })
  })

type Headers_ = Record<string, string | Array<string> | undefined>

const acceptEncoding = "gzip, deflate, br"

const single = (value: string | Array<string> | undefined): string | undefined =>
  value === undefined || typeof value === "string" ? value : value.join(", ")

// Decodes a body as `fetch` does for its `content-encoding` (codings applied in order, so undone in reverse; an
// unknown coding leaves the body as it is), never producing more than `limit` bytes. Like `fetch` (undici), a stream
// cut short yields what it held rather than an error (`finishFlush`), so a truncated body is the same `Decode` error
// of the JSON on every transport, and corrupt data is the same `Transport` error.
const decompress = (
  body: Buffer,
  encoding: string,
  limit: number,
  done: (error: Error | null, result: Buffer) => void
): void => {
  const codings = encoding.toLowerCase().split(",").map((coding) => coding.trim()).filter((coding) => coding.length > 0)
    .reverse()
  const step = (index: number, current: Buffer) => {
    if (index === codings.length) return done(null, current)
    const options = { maxOutputLength: limit, finishFlush: Zlib.constants.Z_SYNC_FLUSH }
    const next = (
      error: Error | null,
      result: Buffer
    ) => (error !== null ? done(error, current) : step(index + 1, result))
    switch (codings[index]) {
      case "gzip":
      case "x-gzip":
        return Zlib.gunzip(current, options, next)
      case "deflate":
        // Servers send both zlib-wrapped and raw deflate under this name; a zlib header says which.
        return current.length > 0 && (current[0]! & 0x0f) === 8
          ? Zlib.inflate(current, options, next)
          : Zlib.inflateRaw(current, options, next)
      case "br":
        return Zlib.brotliDecompress(
          current,
          { maxOutputLength: limit, finishFlush: Zlib.constants.BROTLI_OPERATION_FLUSH },
          next
        )
      default:
        return step(index + 1, current)
    }
  }
  step(0, body)
}

// One request in flight, as undici's handler. A single object with its state in fields, rather than a handful of
// closures, since one is made per request. It settles once: by the response, an error, the size limit or an
// interruption, whichever comes first.
class PendingRequest implements Dispatcher.DispatchHandler {
  private settled = false
  private controller: Dispatcher.DispatchController | undefined = undefined
  private abortWith: Error | undefined = undefined
  private status = 0
  private headers: Headers_ = {}
  private size = 0
  private readonly chunks: Array<Buffer> = []
  private readonly limit: number
  private unsubscribe: (() => void) | undefined = undefined

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly resume: (
      effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
    ) => void,
    private readonly fiber: Fiber.RuntimeFiber<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
  ) {
    const limits = fiber.getFiberRef(TransportContract.current)
    this.limit = limits.maxResponseBytes
    fiber.addObserver(this.onFiberExit)
    if (limits.deadline !== undefined) this.unsubscribe = limits.deadline.subscribe(this.onDeadline)
  }

  // The attempt's time is up.
  private readonly onDeadline = () => {
    const error = new TransportContract.DeadlineExceeded()
    this.fail("Transport", error)
    this.abort(error)
  }

  // The calling fiber ended while the request was in flight: it was interrupted (nothing else ends a fiber
  // suspended here), so the request is aborted.
  private readonly onFiberExit = () => this.interrupt()

  private settle() {
    this.settled = true
    this.fiber.removeObserver(this.onFiberExit)
    this.unsubscribe?.()
  }

  fail(reason: HttpClientError.RequestError["reason"], cause: unknown) {
    if (this.settled) return
    this.settle()
    this.resume(Effect.fail(new HttpClientError.RequestError({ request: this.request, reason, cause })))
  }
  abort(reason: Error) {
    this.abortWith = reason
    this.controller?.abort(reason)
  }
  // Over the limit: the rest of the body is not read.
  private exceeded(contentLength?: number) {
    const error = new TransportContract.Exceeded(this.limit, this.status, contentLength)
    this.fail("Transport", error)
    this.abort(error)
  }
  // Not `settle()`: this runs as one of the fiber's exit observers, and removing an observer while Effect walks
  // that list would shift the others.
  interrupt() {
    this.settled = true
    this.unsubscribe?.()
    this.abort(new Interrupted("the request was interrupted"))
  }
  onRequestStart(controller: Dispatcher.DispatchController) {
    this.controller = controller
    // Aborted before undici got this far (interrupted while queued for a connection).
    if (this.abortWith !== undefined) controller.abort(this.abortWith)
  }
  onResponseStart(_: Dispatcher.DispatchController, status: number, headers: Headers_) {
    this.status = status
    this.headers = headers
    const length = announcedLength(single(headers["content-length"]))
    if (length !== undefined && length > this.limit) this.exceeded(length)
  }
  onResponseData(_: Dispatcher.DispatchController, chunk: Buffer) {
    if (this.settled) return
    this.size += chunk.length
    if (this.size > this.limit) return this.exceeded()
    this.chunks.push(chunk)
  }
  onResponseEnd() {
    if (this.settled) return
    const chunks = this.chunks
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size)
    const encoding = single(this.headers["content-encoding"])
    if (encoding === undefined || encoding === "identity" || body.length === 0) return this.respond(body)
    decompress(body, encoding, this.limit, (error, decoded) => {
      if (this.settled) return
      if (error === null) return this.respond(decoded)
      if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") return this.exceeded()
      this.fail("Transport", error)
    })
  }
  private respond(body: Buffer) {
    this.settle()
    this.resume(Effect.succeed(new BufferedResponse(this.request, this.status, this.headers, body)))
  }
  onResponseError(_: Dispatcher.DispatchController, error: Error) {
    this.fail(isInvalidArgument(error) ? "Encode" : "Transport", error)
  }
}

// Sends one request through the dispatcher.
const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
    Effect.async((resume) => {
      const prepared = prepare(request)
      if (prepared._tag === "Left") return resume(Effect.fail(prepared.left))
      const { body, url } = prepared.right
      let headers = prepared.right.headers
      if (headers["accept-encoding"] === undefined) headers = { ...headers, "accept-encoding": acceptEncoding }
      const handler = new PendingRequest(request, resume, fiber)
      try {
        dispatcher.dispatch({
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body: body ?? null
        }, handler)
      } catch (error) {
        handler.fail(isInvalidArgument(error) ? "Encode" : "Transport", error)
      }
      // No canceller: Effect wraps an async operation that returns one in an interruption finalizer (an
      // uninterruptible region, runtime-flag changes), about a sixth of a fast round trip. The fiber's exit, which
      // an interruption always leads to, aborts the request instead (see PendingRequest.onFiberExit).
    })
  )

// A client over this dispatcher.
const withDispatcher = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
      Effect.flatMap(request, (request) => send(dispatcher, request)),
    Effect.succeed
  )

/**
 * The transport with these options, as a layer. Its own agent, if it makes one, is closed with the layer.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, Effect.map(dispatcherOf(options), withDispatcher))

// The layer's dispatcher: the caller's, untouched, or a new agent closed with the scope (connections still in use
// are destroyed, not waited for: the scope is ending).
const dispatcherOf = (options: Options): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  options.dispatcher !== undefined
    ? Effect.succeed(options.dispatcher)
    : Effect.acquireRelease(Effect.sync(() => newAgent(options)), (agent) => Effect.promise(() => agent.destroy()))

/**
 * The transport on an undici agent of its own with the default settings, as a layer (see `layerWith` for options).
 *
 * @example
 * ```ts
 * import { EventsClient, Exa } from "@effect-exa/client"
 * import * as NodeTransport from "@effect-exa/client/NodeTransport"
 * import { Effect, Layer } from "effect"
 *
 * const ExaLive = Exa.layerConfig().pipe(Layer.provide(NodeTransport.layer))
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})
