/**
 * An `HttpClient` for Node on undici's connection pools (the engine of Node's own `fetch`, used directly), for the
 * clients of this package. Import it from `@effect-exa/client/NodeTransport`; it is not re-exported from the package
 * index, so that the index loads without undici and browser bundles never see it.
 *
 * It never follows a redirect (not even through a dispatcher composed with undici's redirect interceptor), tells a
 * request undici refuses as built (an `EncodeError`) from one the network failed (a `TransportError`), and aborts the
 * request when the calling fiber is interrupted, which is how the clients' timeout ends an attempt. It asks for and
 * decodes `gzip`, `deflate` and `br` bodies as `fetch` does (the headers kept as the server sent them), and sends
 * request bodies that are empty, text or bytes.
 *
 * On the Effect 4 line the clients themselves keep each attempt's deadline and bound each body (`maxResponseSize`,
 * counted on the decoded bytes), the same on every transport, so this transport does not buffer: the body streams
 * from the socket as the clients read it. It is built on `effect/http`'s `HttpClient.make`, which aborts on
 * interruption and keeps request headers the fiber marks as redacted (the key) out of spans.
 *
 * undici is an optional peer dependency of `@effect-exa/client`: install it (`npm install undici@^7.30.2`) to use
 * this module; browser and edge users never need it.
 *
 * @since 1.0.0
 */
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Socket from "effect/socket/Socket"
import * as Stream from "effect/Stream"
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream"
import * as Zlib from "node:zlib"
import { Agent, type Dispatcher } from "undici"

/**
 * Connection settings.
 *
 * @since 1.0.0
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

type RawHeaders = Record<string, string | Array<string> | undefined>

const acceptEncoding = "gzip, deflate, br"

// The body undici is given, or `false` for one this transport does not send.
const bodyOf = (request: HttpClientRequest.HttpClientRequest): string | Uint8Array | null | false => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : false
    default:
      return false
  }
}

// undici sets the length of the body it sends (one given by hand can only disagree with it), and asks for the
// compressed bodies it can decode unless the caller chose otherwise.
const headersOf = (headers: Headers.Headers): Record<string, string> => {
  const out: Record<string, string> = { ...headers }
  delete out["content-length"]
  if (out["accept-encoding"] === undefined) out["accept-encoding"] = acceptEncoding
  return out
}

// undici reports a request it refuses as built (a header value with a newline, say) with this code: the caller's
// mistake, not the network's.
const isInvalidArgument = (cause: unknown): boolean =>
  typeof cause === "object" && cause !== null && (cause as { code?: unknown }).code === "UND_ERR_INVALID_ARG"

const failure = (request: HttpClientRequest.HttpClientRequest, cause: unknown): HttpClientError.HttpClientError =>
  new HttpClientError.HttpClientError({
    reason: isInvalidArgument(cause)
      ? new HttpClientError.EncodeError({ request, cause })
      : new HttpClientError.TransportError({ request, cause })
  })

const single = (value: string | Array<string> | undefined): string | undefined =>
  value === undefined || typeof value === "string" ? value : value.join(", ")

// A stream cut short yields what it held rather than an error, as `fetch` (undici) does, so a truncated body is the
// same `Decode` error of the JSON on every transport.
const zlibOptions = { finishFlush: Zlib.constants.Z_SYNC_FLUSH }
const brotliOptions = { finishFlush: Zlib.constants.BROTLI_OPERATION_FLUSH }

// `deflate`: servers send both zlib-wrapped and raw deflate under this name; the first byte says which, so the
// decoder is chosen when it arrives.
class Inflate extends Transform {
  private inner: Zlib.Inflate | Zlib.InflateRaw | undefined = undefined
  override _transform(chunk: Buffer, _: BufferEncoding, done: TransformCallback) {
    if (this.inner === undefined) {
      const inner = (chunk[0]! & 0x0f) === 8 ? Zlib.createInflate(zlibOptions) : Zlib.createInflateRaw(zlibOptions)
      inner.on("data", (data: Buffer) => this.push(data))
      inner.on("error", (error) => this.destroy(error))
      this.inner = inner
    }
    this.inner.write(chunk, () => done())
  }
  override _flush(done: TransformCallback) {
    if (this.inner === undefined) return done()
    this.inner.once("end", () => done())
    this.inner.end()
  }
  override _destroy(error: Error | null, done: (error: Error | null) => void) {
    this.inner?.destroy()
    done(error)
  }
}

const decoder = (coding: string): Transform | undefined => {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return Zlib.createGunzip(zlibOptions)
    case "deflate":
      return new Inflate()
    case "br":
      return Zlib.createBrotliDecompress(brotliOptions)
    default:
      return undefined
  }
}

// The body decoded for its `content-encoding` as `fetch` does: codings applied in order, so undone in reverse; an
// unknown coding leaves the body as it is. Destroying the result destroys the body, which aborts the request.
const decoded = (body: Readable, encoding: string | undefined): Readable => {
  if (encoding === undefined) return body
  const decoders = encoding.toLowerCase().split(",").map((coding) => coding.trim()).reverse()
    .map(decoder).filter((transform) => transform !== undefined)
  if (decoders.length === 0) return body
  // The callback only keeps `pipeline` from reporting an error twice: the last stream fails with it.
  return pipeline([body, ...decoders], () => {}) as unknown as Readable
}

// undici's response as an `effect/http` response. Its body is read once, as it streams in (`stream`) or whole
// (`arrayBuffer`, `text` and the rest, which share one read).
class NodeResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined = undefined
  private cachedBody: Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> | undefined = undefined
  private cachedText: Effect.Effect<string, HttpClientError.HttpClientError> | undefined = undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly url: string,
    readonly status: number,
    private readonly rawHeaders: RawHeaders,
    private readonly body: Readable
  ) {
    super()
  }

  // Built on first use: the clients read a header or two.
  get headers(): Headers.Headers {
    return (this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Headers.Input))
  }

  get cookies(): Cookies.Cookies {
    // Kept as the list the server sent: joined with ", ", a cookie's `Expires` date could not be split back.
    const setCookie = this.rawHeaders["set-cookie"]
    return Cookies.fromSetCookie(setCookie === undefined ? [] : typeof setCookie === "string" ? [setCookie] : setCookie)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.HttpClientError {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })
  }

  private source(): Readable {
    return decoded(this.body, single(this.rawHeaders["content-encoding"]))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return Stream.fromAsyncIterable<Uint8Array, HttpClientError.HttpClientError>(
      { [Symbol.asyncIterator]: () => this.source()[Symbol.asyncIterator]() },
      (cause) => this.decodeError(cause)
    )
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    return (this.cachedBody ??= Effect.runSync(Effect.cached(Effect.tryPromise({
      try: async () => {
        // An identity body straight from undici: its own reader collects the chunks as they come, where the async
        // iteration below costs a promise per chunk (about a tenth of a medium event's round trip at c=1).
        const body = this.body as Readable & { readonly arrayBuffer?: () => Promise<ArrayBuffer> }
        if (single(this.rawHeaders["content-encoding"]) === undefined && typeof body.arrayBuffer === "function") {
          return await body.arrayBuffer()
        }
        const chunks: Array<Uint8Array> = []
        let size = 0
        for await (const chunk of this.source()) {
          chunks.push(chunk as Uint8Array)
          size += (chunk as Uint8Array).byteLength
        }
        const out = new Uint8Array(size)
        let offset = 0
        for (const chunk of chunks) {
          out.set(chunk, offset)
          offset += chunk.byteLength
        }
        return out.buffer
      },
      catch: (cause) => this.decodeError(cause)
    }))))
  }

  // A TextDecoder, as `fetch`'s `text()` uses: the same text on every transport (a leading BOM dropped, invalid
  // sequences replaced).
  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    return (this.cachedText ??= Effect.flatMap(
      this.arrayBuffer,
      (bytes) => Effect.try({ try: () => utf8.decode(bytes), catch: (cause) => this.decodeError(cause) })
    ))
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)) as Schema.Json,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.arrayBuffer, (bytes) =>
      Effect.tryPromise({
        try: () => new Response(bytes, { headers: { "content-type": this.headers["content-type"] ?? "" } }).formData(),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get upgrade(): Effect.Effect<Socket.Socket, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "this transport does not hand over the connection of an HTTP upgrade"
        })
      })
    )
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }

  pipe(...fns: ReadonlyArray<(value: unknown) => unknown>): unknown {
    return fns.reduce((value: unknown, f) => f(value), this)
  }
}

const utf8 = new TextDecoder()

// `maxRedirections: 0` makes undici's redirect interceptor, if the dispatcher has one, pass the 3xx through as it
// is; a plain agent accepts it too. undici 7's types no longer declare the option.
const noRedirects = { maxRedirections: 0 } as {}

// A client over this dispatcher.
const withDispatcher = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) => {
    const body = bodyOf(request)
    if (body === false) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EncodeError({
            request,
            description: "only empty, text or byte bodies are supported"
          })
        })
      )
    }
    return Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
      let pending: Promise<Dispatcher.ResponseData>
      try {
        pending = dispatcher.request({
          ...noRedirects,
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method as Dispatcher.HttpMethod,
          headers: headersOf(request.headers),
          body,
          // Aborted by `HttpClient.make` when the calling fiber is interrupted, before the response or while its
          // body is read: undici then closes the connection.
          signal
        })
      } catch (cause) {
        return resume(Effect.fail(failure(request, cause)))
      }
      pending.then(
        (response) => {
          const href = url.hash === "" ? url.href : url.href.slice(0, url.href.length - url.hash.length)
          resume(Effect.succeed(
            new NodeResponse(request, href, response.statusCode, response.headers as RawHeaders, response.body)
          ))
        },
        (cause) => resume(Effect.fail(failure(request, cause)))
      )
    })
  })

const newAgent = (options: Options): Agent =>
  new Agent({
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout })
  })

/**
 * Builds the client over a new undici `Agent` (or `options.dispatcher`). The agent lives as long as the client;
 * prefer `layer` or `layerWith`, which close it with their scope.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient =>
  withDispatcher(options.dispatcher ?? newAgent(options))

// The layer's dispatcher: the caller's, untouched, or a new agent closed with the scope (connections still in use
// are destroyed, not waited for: the scope is ending).
const dispatcherOf = (options: Options): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  options.dispatcher !== undefined
    ? Effect.succeed(options.dispatcher)
    : Effect.acquireRelease(Effect.sync(() => newAgent(options)), (agent) => Effect.promise(() => agent.destroy()))

/**
 * The transport with these options, as a layer. Its own agent, if it makes one, is closed with the layer.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(dispatcherOf(options), withDispatcher))

/**
 * The transport on an undici agent of its own with the default settings, as a layer (see `layerWith` for options).
 *
 * @example
 * ```ts
 * import { EventsClient, Exa } from "@effect-exa/client"
 * import * as NodeTransport from "@effect-exa/client/NodeTransport"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const ExaLive = Exa.layer({ apiKey: Redacted.make("exa-key") }).pipe(Layer.provide(NodeTransport.layer))
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})
