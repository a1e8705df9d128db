/**
 * Timeouts enforced by the transport itself. An `HttpClient` carrying a `TransportTimeouts` function can make a
 * variant of itself that aborts each request after that many milliseconds, failing with a `RequestError` whose
 * cause is a `TimeoutExceeded`. The EventsClient builds that variant once, so a call pays for no timer fiber and
 * no fiber-local state.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"

export const TransportTimeouts: unique symbol = Symbol.for("@effect-exa/client/TransportTimeouts") as any

export class TimeoutExceeded {
  readonly _tag = "TimeoutExceeded"
  constructor(readonly millis: number) {}
}

export interface WithTransportTimeouts {
  readonly [TransportTimeouts]: (millis: number) => HttpClient.HttpClient
}

export const transportTimeouts = (client: HttpClient.HttpClient): ((millis: number) => HttpClient.HttpClient) | undefined => {
  const make = (client as Partial<WithTransportTimeouts>)[TransportTimeouts]
  return typeof make === "function" ? make : undefined
}
