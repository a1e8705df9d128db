/**
 * How large a response body may be: the limit the clients set for each request, and how a transport reports that
 * a body went past it.
 *
 * The clients enforce their `maxResponseSize` on whatever an `HttpClient` hands them. A transport that buffers
 * bodies itself (this package's `NodeHttpClient`) reads `MaxResponseBytes` from the request's context to stop
 * reading at the limit instead of after it, and fails with an `Exceeded` cause, which the clients turn into a
 * `ResponseTooLarge` error. Any other transport may do the same.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Predicate from "effect/Predicate"

/**
 * The default limit: 64 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes = 64 * 1024 * 1024

/**
 * The largest response body, in bytes, the current request may read (after decompression). The clients provide it
 * for each request they send.
 *
 * @since 0.1.0
 * @category references
 */
export class MaxResponseBytes extends Context.Reference<MaxResponseBytes>()("@effect-exa/client/MaxResponseBytes", {
  defaultValue: () => defaultMaxResponseBytes
}) {}

/**
 * @since 0.1.0
 * @category type ids
 */
export const ExceededTypeId: unique symbol = Symbol.for("@effect-exa/client/ResponseLimit/Exceeded") as any

/**
 * The cause a transport fails with (inside an `HttpClientError`) when a body is over the limit.
 *
 * @since 0.1.0
 * @category models
 */
export class Exceeded extends Error {
  readonly [ExceededTypeId]: typeof ExceededTypeId = ExceededTypeId
  constructor(
    /** The limit, in bytes. */
    readonly limit: number,
    /** The response's status. */
    readonly status: number,
    /** The size the response announced in `content-length`, when it was over the limit. */
    readonly contentLength?: number | undefined
  ) {
    super(
      contentLength === undefined
        ? `the response body grew past ${limit} bytes`
        : `the response announced ${contentLength} bytes, over the limit of ${limit}`
    )
    this.name = "ResponseLimitExceeded"
  }
}

/**
 * Whether a value is an `Exceeded` cause (from any copy of this package).
 *
 * @since 0.1.0
 * @category guards
 */
export const isExceeded = (u: unknown): u is Exceeded => Predicate.hasProperty(u, ExceededTypeId)
