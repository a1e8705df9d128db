/**
 * A recording `HttpClient` stub for request-level tests: each request is answered by a handler with a Web
 * `Response` (or fails), and its request, URL, headers and abort signal are kept.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"

export interface Seen {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly signal: AbortSignal
}

export const stub = (
  handler: (
    url: URL,
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<Response, HttpClientError.HttpClientError>
) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url, signal) => {
    seen.push({ request, url, headers: request.headers, signal })
    return Effect.map(handler(url, request), (response) => HttpClientResponse.fromWeb(request, response))
  })
  return { seen, client, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Effect.succeed(
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers }
    })
  )

export const text = (body: string | null, init: ResponseInit = {}) => Effect.succeed(new Response(body, init))
