/**
 * What this package's own transport (NodeHttpClient) offers the EventsClient beyond the `HttpClient` interface: a
 * direct exchange. The request is sent with the attempt's timeout enforced by the transport itself (a native
 * timer that aborts the request, failing with a `RequestError` whose cause is a `TimeoutExceeded`), and the
 * response is handed, as status, headers and text, to a function that runs in the transport's own callback. The
 * EventsClient reads and decodes the body there: no response object, no timer fiber, and the body's text never
 * reaches a fiber, only the decoded result does.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Effect from "effect/Effect"

export const DirectTransport: unique symbol = Symbol.for("@effect-exa/client/DirectTransport") as any

export class TimeoutExceeded {
  readonly _tag = "TimeoutExceeded"
  constructor(readonly millis: number) {}
}

/** A whole response. */
export interface Reply {
  readonly status: number
  /** A header's value (lower-case name); repeated headers joined with ", ". */
  readonly header: (name: string) => string | undefined
  /** The body as UTF-8 text. */
  readonly body: string
}

/** Sends `request`, aborting it after `timeoutMillis` if given, and returns what `read` makes of the response. */
export type Direct = <A>(
  request: HttpClientRequest.HttpClientRequest,
  timeoutMillis: number | undefined,
  read: (reply: Reply) => A
) => Effect.Effect<A, HttpClientError.HttpClientError>

export interface WithDirectTransport {
  readonly [DirectTransport]: Direct
}

export const directTransport = (client: HttpClient.HttpClient): Direct | undefined => {
  const direct = (client as Partial<WithDirectTransport>)[DirectTransport]
  return typeof direct === "function" ? direct : undefined
}
