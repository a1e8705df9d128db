/**
 * A webhook endpoint: each delivery verified (`WebhookSignature.verifyRequest`), decoded, handed to your handler,
 * and answered with the status Exa should see; as an `effect/http` server effect (`make`) or a web handler
 * (`webHandler`). The Effect 3 line's `dedupe` option is not on this line yet (its `Dedupe` service is not ported):
 * every genuine delivery runs the handler, so make the handler safe to run twice for one event.
 *
 * @since 1.0.0
 */
import type * as Event from "@effect-exa/schema/Event"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpEffect from "effect/http/HttpEffect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import type { RequestOptions } from "./WebhookSignature.js"
import { verifyRequest } from "./WebhookSignature.js"

/**
 * A ready receiver: how to verify deliveries, and what to do with each genuine event.
 *
 * @since 1.0.0
 * @category models
 */
export interface ReceiverOptions<E, R> extends RequestOptions {
  /** What to do with each verified event: any function of an event (`Event.match` dispatches on its type). */
  readonly handle: (event: Event.Event) => Effect.Effect<unknown, E, R>
}

const text = (body: string, status: number) => HttpServerResponse.text(body, { status })

// A delivery refused before the handler: logged with why (never a secret, a signature or the body), and answered.
const refuse = (status: number, answer: string, reason: string) =>
  Effect.as(
    Effect.logWarning(`the webhook receiver refused a delivery (${status}): ${reason}`),
    text(answer, status)
  )

/**
 * A webhook endpoint as an `effect/http` server effect: it verifies the raw body against the secret(s), decodes the
 * event, runs the handler, and answers with the status Exa should see:
 *
 * - 204 once the handler succeeded;
 * - 401 for a missing, malformed, forged or stale signature (checked before the body is read), 413 for a body
 *   over `maxBodySize` (default 10 MiB), and 400 for a body that is not an event or could not be read: the handler
 *   never sees them;
 * - 500 when the handler fails or dies (logged with its cause, annotated with the event's id and type), so Exa
 *   delivers the event again; 500 too for a receiver given no usable secret (also logged).
 *
 * Every refusal (4xx) is logged as a warning with its reason.
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "@effect-exa/client"
 * import { Effect, Redacted } from "effect"
 *
 * const app = WebhookReceiver.make({
 *   secret: Redacted.make("whsec_…"),
 *   handle: (event) => Effect.log(`received ${event.type} ${event.id}`)
 * })
 * ```
 *
 * @since 1.0.0
 * @category receivers
 */
export const make = <E, R>(
  options: ReceiverOptions<E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, R | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const verified = yield* Effect.result(verifyRequest(options))
    if (Result.isFailure(verified)) {
      const error = verified.failure
      switch (error._tag) {
        case "SignatureMissing":
        case "SignatureMismatch":
        case "TimestampOutOfTolerance":
          return yield* refuse(401, error._tag, error.message)
        case "SignatureMalformed":
          // The reason only: the header itself is the sender's.
          return yield* refuse(401, error._tag, `malformed Exa-Signature header: ${error.reason}`)
        case "Decode":
          return yield* refuse(400, "the body is not an event", `the body is not an event: ${error.reason}`)
        case "DeliveryTooLarge":
          return yield* refuse(413, "the body is too large", error.message)
        case "Transport":
          return yield* refuse(400, "the body could not be read", error.description)
        default:
          yield* Effect.logError(`the webhook receiver cannot verify deliveries: ${error.message}`)
          return text("the receiver is misconfigured", 500)
      }
    }
    const event = verified.success
    const outcome = yield* Effect.exit(Effect.suspend(() => options.handle(event)))
    if (Exit.isSuccess(outcome)) return HttpServerResponse.empty({ status: 204 })
    yield* Effect.logError("the handler failed; answering 500 so that Exa delivers the event again", outcome.cause)
      .pipe(Effect.annotateLogs({ "exa.event.id": event.id, "exa.event.type": event.type }))
    return text("the handler failed", 500)
  })

/**
 * The receiver as a web handler, `(Request) => Promise<Response>`, for Cloudflare Workers, Deno, Bun or a Next.js
 * route. `layer` provides what the handler needs (it is built at once); call `dispose` when done with it.
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "@effect-exa/client"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const { dispose, handler } = WebhookReceiver.webHandler(
 *   { secret: Redacted.make("whsec_…"), handle: (event) => Effect.log(event.id) },
 *   Layer.empty
 * )
 * ```
 *
 * @since 1.0.0
 * @category receivers
 */
export const webHandler = <E, R, LE>(
  options: ReceiverOptions<E, R>,
  layer: Layer.Layer<R, LE>
): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> } => {
  const { dispose, handler } = HttpEffect.toWebHandlerLayer(make(options), layer)
  return { handler: (request) => (handler as (request: Request) => Promise<Response>)(request), dispose }
}
