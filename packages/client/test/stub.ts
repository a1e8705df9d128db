/**
 * A recording `HttpClient` stub for request-level tests: each request is answered by a handler, and its URL,
 * headers and abort signal are kept.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface Seen {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly signal: AbortSignal
}

export const stub = (handler: (url: URL) => Effect.Effect<Response>) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url, signal) => {
    seen.push({ url, headers: request.headers, signal })
    return Effect.map(handler(url), (response) => HttpClientResponse.fromWeb(request, response))
  })
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Effect.succeed(
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers }
    })
  )
