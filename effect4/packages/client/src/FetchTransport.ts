/**
 * An `HttpClient` on the `fetch` of the runtime (browsers, Deno, Bun, edge runtimes, Node), or one passed in, for the
 * clients of this package: it never follows a redirect (`redirect: "manual"`, whatever `requestInit` says), tells a
 * request `fetch` refuses as built (an `EncodeError`) from one the network failed (a `TransportError`), and aborts the
 * request when the calling fiber is interrupted, which is how the clients' timeout ends an attempt.
 *
 * On the Effect 4 line the clients themselves keep each attempt's deadline and bound each body (`maxResponseSize`),
 * the same on every transport, so this transport does not buffer: the response is `fetch`'s, read by the clients.
 * It is built on `effect/http`'s `HttpClient.make`, which keeps request headers the fiber marks as redacted (the key)
 * out of spans. Unlike `effect/http`'s `FetchHttpClient` it reads no `RequestInit` service and sends no streamed or
 * form bodies (the clients send none): only empty, text and byte bodies. It is not yet the lean transport of the
 * Effect 3 line (its own response object, no `HttpClient.make` pipeline); see docs/performance.md.
 *
 * @since 1.0.0
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"

/**
 * Settings.
 *
 * @since 1.0.0
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

// The body `fetch` is given, or `false` for one this transport does not send.
const bodyOf = (request: HttpClientRequest.HttpClientRequest): BodyInit | undefined | false => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body as BodyInit
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? (body.body as BodyInit) : false
    default:
      return false
  }
}

// `fetch` sets the length of the body it sends; one given by hand can only disagree with it.
const withoutContentLength = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  if (headers["content-length"] === undefined) return headers
  const { "content-length": _, ...rest } = headers
  return rest
}

const failure = (
  request: HttpClientRequest.HttpClientRequest,
  cause: unknown
): HttpClientError.HttpClientError =>
  new HttpClientError.HttpClientError({
    // `fetch` rejects with "fetch failed" (its cause says why) for the network; any other TypeError is the request
    // itself (a header value it refuses, say).
    reason: cause instanceof TypeError && cause.message !== "fetch failed"
      ? new HttpClientError.EncodeError({ request, cause })
      : new HttpClientError.TransportError({ request, cause })
  })

/**
 * Builds the client.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient =>
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
    const init: RequestInit = {
      ...options.requestInit,
      method: request.method,
      headers: withoutContentLength(request.headers),
      redirect: "manual",
      signal,
      ...(body === undefined ? {} : { body })
    }
    return Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
      let pending: Promise<Response>
      try {
        pending = (options.fetch ?? globalThis.fetch)(url, init)
      } catch (cause) {
        return resume(Effect.fail(failure(request, cause)))
      }
      pending.then(
        (response) => resume(Effect.succeed(HttpClientResponse.fromWeb(request, response))),
        (cause) => resume(Effect.fail(failure(request, cause)))
      )
    })
  })

/**
 * The transport with these options, as a layer.
 *
 * @since 1.0.0
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
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const ExaLive = Exa.layer({ apiKey: Redacted.make("exa-key") }).pipe(Layer.provide(FetchTransport.layer))
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})
