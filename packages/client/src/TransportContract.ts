/**
 * The contract between the request pipeline and a transport (an `HttpClient` layer): how large each response body
 * may be, and when each attempt's time is up. (It was called `RequestLimits`.)
 *
 * - `current` (a `FiberRef`) holds the limits of the request being sent. The clients set it for each attempt.
 * - A transport that buffers bodies reads `maxResponseBytes` to stop reading at the limit, and fails with an
 *   `Exceeded` cause, which the clients report as `ResponseTooLarge`.
 * - A transport that can abort its own requests may honour the `deadline`: when it expires, the transport aborts the
 *   request and fails with a `DeadlineExceeded` cause, which the clients report as `Timeout`.
 * - The pipeline runs each attempt in a fiber of its own and interrupts it when the deadline expires, which aborts
 *   the request on every `@effect/platform` client; a transport that watches the deadline aborts at the same moment.
 *   The timer is one, on the Effect clock (so `TestClock` drives it), and the outcomes are the same `Timeout` and
 *   `ResponseTooLarge` on every transport. (A transport used to declare that it honoured both limits, with a tag,
 *   for a second execution path; measured, that path did not pay: see docs/performance.md.)
 *
 * @since 0.3.0
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Predicate from "effect/Predicate"

/**
 * The default size limit: 64 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes = 64 * 1024 * 1024

/**
 * An attempt's time limit, as a transport sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deadline {
  /** Whether the time is up. */
  readonly expired: boolean
  /**
   * Calls `onExpire` once when the time is up (at once if it already is); returns a function that stops listening,
   * to call when the request settles.
   */
  readonly subscribe: (onExpire: () => void) => () => void
}

/**
 * The limits of one request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limits {
  /** The largest response body, in bytes, after decompression. */
  readonly maxResponseBytes: number
  /** When the attempt's time is up; `undefined` for no limit. */
  readonly deadline: Deadline | undefined
}

/**
 * The limits of the request being sent on this fiber.
 *
 * @since 0.1.0
 * @category references
 */
export const current: FiberRef.FiberRef<Limits> = globalValue(
  Symbol.for("@effect-exa/client/TransportContract/current"),
  () => FiberRef.unsafeMake<Limits>({ maxResponseBytes: defaultMaxResponseBytes, deadline: undefined })
)

/**
 * The mark on this module's failure causes (`Exceeded`, `DeadlineExceeded`). It is a registered symbol, so
 * `isExceeded` and `isDeadlineExceeded` recognise causes made by another copy of the package.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-exa/client/TransportContract") as any

/**
 * The cause a transport fails with (inside an `HttpClientError`) when a body is over the limit.
 *
 * @since 0.1.0
 * @category models
 */
export class Exceeded extends Error {
  readonly [TypeId] = "Exceeded" as const
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
 * The cause a transport fails with (inside an `HttpClientError`) when it aborted a request whose deadline expired.
 *
 * @since 0.1.0
 * @category models
 */
export class DeadlineExceeded extends Error {
  readonly [TypeId] = "DeadlineExceeded" as const
  constructor() {
    super("the attempt's deadline expired")
    this.name = "DeadlineExceeded"
  }
}

/**
 * Whether a value is an `Exceeded` cause (from any copy of this package).
 *
 * @since 0.1.0
 * @category guards
 */
export const isExceeded = (u: unknown): u is Exceeded => Predicate.hasProperty(u, TypeId) && u[TypeId] === "Exceeded"

/**
 * Whether a value is a `DeadlineExceeded` cause (from any copy of this package).
 *
 * @since 0.1.0
 * @category guards
 */
export const isDeadlineExceeded = (u: unknown): u is DeadlineExceeded =>
  Predicate.hasProperty(u, TypeId) && u[TypeId] === "DeadlineExceeded"
