/**
 * A lean `HttpClient` on the `fetch` of the runtime (browsers, Deno, Bun, Cloudflare Workers and other edge
 * runtimes, Node), for the clients of this package: it honours `TransportContract` (the body size limit, and the
 * attempt's deadline, which lets the clients keep time without a fiber of their own), reads each body whole as
 * bytes, never follows redirects (`redirect: "manual"`; a browser's opaque redirect arrives as status 0), and aborts
 * the request when the calling fiber is interrupted (as that fiber ends).
 *
 * Named apart from `@effect/platform`'s `FetchHttpClient`, whose shape it does not share. That one works with the
 * clients too; this one does less per request (no
 * platform span, no response registry, one abort controller it owns), which is most of the difference in
 * `docs/performance.md`. Like every response of this package's transports, a body is read whole before it is
 * handed over: fine for JSON APIs, not for streaming downloads.
 *
 * `fetch` decompresses bodies itself. Node's own (undici 6, in Node 20 and 22) loses a decompression error that comes
 * after the whole body has arrived (garbage after a complete gzip member): the body never settles, even aborted, and
 * the attempt ends at its deadline as a `Timeout` rather than a `Transport` error. On Node, prefer `NodeTransport`,
 * or pass undici 7's `fetch` in `Options.fetch`; see docs/errors.md.
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
import { announcedLength, BufferedResponse, concat, prepare } from "./internal/buffered.js"
import * as TransportContract from "./TransportContract.js"

/**
 * Settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The `fetch` to call. Default: the runtime's own, looked up at each request. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * Extra `RequestInit` for every request (`credentials`, `cache`, `keepalive`, a Node `dispatcher`, …). `method`,
   * `headers`, `body`, `redirect` and `signal` are always this client's.
   */
  readonly requestInit?: RequestInit | undefined
}

type Resume = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => void

// One request in flight. It settles once: by the whole response, an error, the size limit, the deadline or an
// interruption, whichever comes first.
class PendingFetch {
  private settled = false
  private status = 0
  private readonly controller = new AbortController()
  private readonly unsubscribe: (() => void) | undefined
  private readonly limit: number

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly resume: Resume,
    private readonly fiber: Fiber.RuntimeFiber<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
  ) {
    const limits = fiber.getFiberRef(TransportContract.current)
    this.limit = limits.maxResponseBytes
    fiber.addObserver(this.onFiberExit)
    this.unsubscribe = limits.deadline?.subscribe(this.onDeadline)
  }

  // The calling fiber ended while the request was in flight: it was interrupted (nothing else ends a fiber
  // suspended here). Not `settle()`: this runs as one of the fiber's exit observers, and removing an observer while
  // Effect walks that list would shift the others.
  private readonly onFiberExit = () => {
    this.settled = true
    this.unsubscribe?.()
    this.controller.abort(new Error("the request was interrupted"))
  }

  private readonly onDeadline = () => this.stop(new TransportContract.DeadlineExceeded())

  private settle() {
    this.settled = true
    this.fiber.removeObserver(this.onFiberExit)
    this.unsubscribe?.()
  }

  // Ends the request with `cause`, aborting what is left of it.
  private stop(cause: Error) {
    this.fail("Transport", cause)
    this.controller.abort(cause)
  }

  fail(reason: HttpClientError.RequestError["reason"], cause: unknown) {
    if (this.settled) return
    this.settle()
    this.resume(Effect.fail(new HttpClientError.RequestError({ request: this.request, reason, cause })))
  }

  start(fetch: typeof globalThis.fetch, url: URL, init: RequestInit) {
    let pending: Promise<Response>
    try {
      pending = fetch(url, { ...init, signal: this.controller.signal })
    } catch (error) {
      return this.onError(error)
    }
    pending.then(this.onResponse, this.onError)
  }

  private readonly onError = (error: unknown) => {
    // `fetch` rejects with "fetch failed" (its cause says why) for the network; any other TypeError is the request
    // itself (a header value it refuses, say).
    this.fail(error instanceof TypeError && error.message !== "fetch failed" ? "Encode" : "Transport", error)
  }

  // Reading the body failed (the connection was reset, the stream errored): always the network's doing.
  private readonly onBodyError = (error: unknown) => this.fail("Transport", error)

  private readonly onResponse = (response: Response) => {
    if (this.settled) return
    this.status = response.status
    const announced = announcedLength(response.headers.get("content-length"))
    if (announced !== undefined && announced > this.limit) {
      return this.stop(new TransportContract.Exceeded(this.limit, this.status, announced))
    }
    const body = response.body
    if (body === null) return this.respond(response, new Uint8Array(0))
    const encoding = response.headers.get("content-encoding")
    if (announced !== undefined && (encoding === null || encoding === "identity")) {
      // The length is known and `fetch` holds the body to it.
      return response.arrayBuffer().then((bytes) => this.respond(response, new Uint8Array(bytes)), this.onBodyError)
    }
    this.readCounted(response, body.getReader())
  }

  // A body of unknown size (chunked, or decompressed by `fetch`), counted as it arrives.
  private readCounted(response: Response, reader: ReadableStreamDefaultReader<Uint8Array>) {
    const chunks: Array<Uint8Array> = []
    let size = 0
    const next = (): void => {
      reader.read().then(({ done, value }) => {
        if (this.settled) return
        if (done) return this.respond(response, concat(chunks, size))
        size += value.byteLength
        if (size > this.limit) return this.stop(new TransportContract.Exceeded(this.limit, this.status))
        chunks.push(value)
        next()
      }, this.onBodyError)
    }
    next()
  }

  private respond(response: Response, body: Uint8Array) {
    if (this.settled) return
    this.settle()
    this.resume(Effect.succeed(new BufferedResponse(this.request, response.status, response.headers, body)))
  }
}

const withoutContentLength = (headers: Record<string, string>): Record<string, string> => {
  if (headers["content-length"] === undefined) return headers
  const { "content-length": _, ...rest } = headers
  return rest
}

const send = (
  options: Options,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
    Effect.async((resume) => {
      const prepared = prepare(request)
      if (prepared._tag === "Left") return resume(Effect.fail(prepared.left))
      const { body, headers, url } = prepared.right
      new PendingFetch(request, resume, fiber).start(options.fetch ?? globalThis.fetch, url, {
        ...options.requestInit,
        method: request.method,
        // `fetch` sets the length of the body it sends; one given by hand can only disagree with it.
        headers: withoutContentLength(headers),
        ...(body === undefined ? {} : { body: body as BodyInit }),
        redirect: "manual"
      })
      // No canceller: the fiber's exit, which an interruption always leads to, aborts the request (see
      // PendingFetch.onFiberExit), at a fraction of the cost.
    })
  )

/**
 * Builds the client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient =>
  HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
      Effect.flatMap(request, (request) => send(options, request)),
    Effect.succeed
  )

/**
 * The transport with these options, as a layer.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(options))

/**
 * The transport on the runtime's own `fetch`, as a layer (see `layerWith` for options).
 *
 * @example
 * ```ts
 * import { EventsClient, Exa, FetchTransport } from "@effect-exa/client"
 * import { Effect, Layer } from "effect"
 *
 * const ExaLive = Exa.layerConfig().pipe(Layer.provide(FetchTransport.layer))
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})
