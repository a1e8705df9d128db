/**
 * An `HttpClient` for Node on undici's connection pools (the engine of Node's own `fetch`, used directly, without
 * `fetch`'s streams): several times the throughput of `fetch` for small JSON requests. Import it from
 * `@effect-exa/client/NodeHttpClient`; it is not re-exported from the package index, so that browser bundles
 * never see it.
 *
 * It reads each response body fully before handing the response over (fine for JSON APIs, not for streaming
 * downloads), supports request bodies that are empty, text or bytes, and aborts the request when the calling
 * fiber is interrupted (as that fiber ends: after its finalizers, if it has any).
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cookies from "@effect/platform/Cookies"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Agent, type Dispatcher } from "undici"
import { type Direct, DirectTransport, type Reply, TimeoutExceeded } from "./internal/transport.js"

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

class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedText: string | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>,
    private readonly body: Buffer
  ) {
    super()
  }

  // Built on first use: the EventsClient reads a header or two only when tracing or failing.
  get headers(): Headers.Headers {
    return (this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Record<string, string | ReadonlyArray<string>>))
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }
  get cookies(): Cookies.Cookies {
    // Kept as the list the server sent: joined with ", ", a cookie's `Expires` date could not be split back.
    const setCookie = this.rawHeaders["set-cookie"]
    return Cookies.fromSetCookie(setCookie === undefined ? [] : typeof setCookie === "string" ? [setCookie] : setCookie)
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => (this.cachedText ??= this.body.toString("utf8")))
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({ try: () => (text === "" ? null : JSON.parse(text)), catch: (cause) => this.decodeError(cause) }))
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer)
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(new Uint8Array(this.body))
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => new Response(new Uint8Array(this.body), { headers: this.headers as Record<string, string> }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }
  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined | false => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : false
    default:
      return false
  }
}

/** Why a request was aborted by this module: the fiber was interrupted. */
class Interrupted extends Error {}

// undici reports a malformed request (a header value with a newline, say) with this code: the caller's mistake,
// not the network's.
const isInvalidArgument = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "UND_ERR_INVALID_ARG"

/**
 * Builds the client over a new undici `Agent` (or `options.dispatcher`). The agent lives as long as the client;
 * prefer `layer`, which closes it with its scope.
 *
 * Built on `HttpClient.makeWith` rather than `HttpClient.make`: the latter wraps every request in an
 * `AbortController`, a finalization registry entry and an interruptible response wrapper, which a client that
 * buffers the whole body and aborts on its own (when the calling fiber ends) does not need. Consequently it
 * creates no `@effect/platform` HTTP span and sends no trace headers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient => withDispatcher(options.dispatcher ?? newAgent(options))

const newAgent = (options: Options): Agent =>
  new Agent({
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout })
  })

type Headers_ = Record<string, string | Array<string> | undefined>

// One request in flight, as undici's handler. A single object with its state in fields, rather than a handful of
// closures, since one is made per request. It settles once: by the response, an error, the timer or an
// interruption, whichever comes first. The whole response is handed to `read` in undici's callback.
class Exchange<A> implements Dispatcher.DispatchHandler {
  private settled = false
  private controller: Dispatcher.DispatchController | undefined = undefined
  private abortWith: Error | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private status = 0
  private headers: Headers_ = {}
  private readonly chunks: Array<Buffer> = []

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly resume: (effect: Effect.Effect<A, HttpClientError.HttpClientError>) => void,
    private readonly read: (status: number, headers: Headers_, body: Buffer) => A,
    private readonly fiber: Fiber.RuntimeFiber<A, HttpClientError.HttpClientError>
  ) {
    fiber.addObserver(this.onFiberExit)
  }

  // The calling fiber ended while the request was in flight: it was interrupted (nothing else ends a fiber
  // suspended here), so the request is aborted.
  private readonly onFiberExit = () => this.interrupt()

  private settle() {
    this.settled = true
    clearTimeout(this.timer)
    this.fiber.removeObserver(this.onFiberExit)
  }

  startTimer(millis: number) {
    this.timer = setTimeout(() => {
      this.fail("Transport", new TimeoutExceeded(millis))
      this.abort(new Error(`timed out after ${millis} ms`))
    }, millis)
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
  // Not `settle()`: this runs as one of the fiber's exit observers, and removing an observer while Effect walks
  // that list would shift the others.
  interrupt() {
    this.settled = true
    clearTimeout(this.timer)
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
  }
  onResponseData(_: Dispatcher.DispatchController, chunk: Buffer) {
    this.chunks.push(chunk)
  }
  onResponseEnd() {
    if (this.settled) return
    this.settle()
    const chunks = this.chunks
    let result: Effect.Effect<A, HttpClientError.HttpClientError>
    try {
      result = Effect.succeed(this.read(this.status, this.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    } catch (defect) {
      // `read` is this package's code and does not throw; if it ever did, the fiber must still resume.
      result = Effect.die(defect)
    }
    this.resume(result)
  }
  onResponseError(_: Dispatcher.DispatchController, error: Error) {
    this.fail(isInvalidArgument(error) ? "Encode" : "Transport", error)
  }
}

// Sends one request through the dispatcher, aborting it after `timeout` milliseconds if given.
const exchange = <A>(
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  timeout: number | undefined,
  read: (status: number, headers: Headers_, body: Buffer) => A
): Effect.Effect<A, HttpClientError.HttpClientError> =>
  Effect.withFiberRuntime<A, HttpClientError.HttpClientError>((fiber) => Effect.async((resume) => {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (url._tag === "Left") {
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left })))
      return
    }
    const body = bodyOf(request)
    if (body === false) {
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode", description: "only empty, text or byte bodies are supported" })))
      return
    }
    let headers: Record<string, string> = request.headers
    if (body !== undefined && request.body._tag !== "Empty" && request.body.contentType !== undefined && headers["content-type"] === undefined) {
      headers = { ...headers, "content-type": request.body.contentType }
    }
    const handler = new Exchange(request, resume, read, fiber)
    if (timeout !== undefined) handler.startTimer(timeout)
    try {
      dispatcher.dispatch({
        origin: url.right.origin,
        path: url.right.pathname + url.right.search,
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: body ?? null
      }, handler)
    } catch (error) {
      handler.fail(isInvalidArgument(error) ? "Encode" : "Transport", error)
    }
    // No canceller: Effect wraps an async operation that returns one in an interruption finalizer (an
    // uninterruptible region, runtime-flag changes), about a sixth of a fast round trip. The fiber's exit, which
    // an interruption always leads to, aborts the request instead (see Exchange.onFiberExit).
  }))

const header = (headers: Headers_) => (name: string): string | undefined => {
  const value = headers[name]
  return value === undefined || typeof value === "string" ? value : value.join(", ")
}

// A client over this dispatcher, which also offers the EventsClient its direct exchange (see internal/transport).
const withDispatcher = (dispatcher: Dispatcher): HttpClient.HttpClient => {
  const client = HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
      Effect.flatMap(request, (request) =>
        exchange(dispatcher, request, undefined, (status, headers, body): HttpClientResponse.HttpClientResponse =>
          new BufferedResponse(request, status, headers, body))),
    Effect.succeed
  )
  const direct: Direct = (request, timeout, read) =>
    exchange(dispatcher, request, timeout, (status, headers, body) =>
      read({ status, header: header(headers), body: body.toString("utf8") } satisfies Reply))
  return Object.assign(client, { [DirectTransport]: direct })
}

/**
 * The client as a layer.
 *
 * @example
 * ```ts
 * import { EventsClient } from "@effect-exa/client"
 * import * as NodeHttpClient from "@effect-exa/client/NodeHttpClient"
 * import { Layer } from "effect"
 *
 * const EventsLive = EventsClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, Effect.map(dispatcherOf(options), withDispatcher))

// The layer's dispatcher: the caller's, untouched, or a new agent closed with the scope (connections still in use
// are destroyed, not waited for: the scope is ending).
const dispatcherOf = (options: Options): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  options.dispatcher !== undefined
    ? Effect.succeed(options.dispatcher)
    : Effect.acquireRelease(Effect.sync(() => newAgent(options)), (agent) => Effect.promise(() => agent.destroy()))
