/**
 * Timeouts enforced by the transport itself. An `HttpClient` that marks itself with `TransportTimeouts` reads
 * `currentTimeout` when it sends a request and, once that many milliseconds pass, aborts the request and fails
 * with a `RequestError` whose cause is a `TimeoutExceeded`. The client then needs no timer fiber of its own.
 *
 * @internal
 */
import * as FiberRef from "effect/FiberRef"
import * as GlobalValue from "effect/GlobalValue"

export const TransportTimeouts: unique symbol = Symbol.for("@effect-exa/client/TransportTimeouts") as any

export const currentTimeout: FiberRef.FiberRef<number | undefined> = GlobalValue.globalValue(
  "@effect-exa/client/currentTimeout",
  () => FiberRef.unsafeMake<number | undefined>(undefined)
)

export class TimeoutExceeded {
  readonly _tag = "TimeoutExceeded"
  constructor(readonly millis: number) {}
}

export const supportsTransportTimeouts = (client: object): boolean =>
  (client as { readonly [TransportTimeouts]?: boolean })[TransportTimeouts] === true
