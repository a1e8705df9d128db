/**
 * A webhook endpoint: each delivery verified (`WebhookSignature.verifyRequest`), decoded, handed to your handler,
 * and answered with the status Exa should see; as an `@effect/platform` `HttpApp` (`make`) or a web handler
 * (`webHandler`). Dedupe is an option you can see (`dedupe: true`), never something in context.
 *
 * @since 0.3.0
 */
import type * as Event from "@effect-exa/schema/Event"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Dedupe from "./Dedupe.js"
import type { RequestOptions } from "./WebhookSignature.js"
import { verifyRequest } from "./WebhookSignature.js"

/**
 * A ready receiver: how to verify deliveries, and what to do with each genuine event.
 *
 * @since 0.3.0
 * @category models
 */
export interface ReceiverOptions<E, R> extends RequestOptions {
  /** What to do with each verified event: a `Handlers.make(…)` handler, or any function of an event. */
  readonly handle: (event: Event.Event) => Effect.Effect<unknown, E, R>
  /**
   * Claim each event id in the `Dedupe` service before the handler runs (see `Dedupe.tryOnce`): a copy of an event
   * already handled is answered 200 `duplicate`, one arriving while another copy is handled 409. With `true` the
   * receiver requires a `Dedupe` (its type says so). Default false: every genuine delivery runs the handler, whatever
   * is in context.
   */
  readonly dedupe?: boolean | undefined
}

const text = (body: string, status: number) => HttpServerResponse.text(body, { status })

// A delivery refused before the handler: logged with why (never a secret, a signature or the body), and answered.
const refuse = (status: number, answer: string, reason: string) =>
  Effect.as(
    Effect.logWarning(`the webhook receiver refused a delivery (${status}): ${reason}`),
    text(answer, status)
  )

/**
 * A webhook endpoint as an `HttpApp`: it verifies the raw body against the secret(s), decodes the event, claims the
 * event id (with `dedupe: true`, in the `Dedupe` it then requires: see `Dedupe.tryOnce`), runs the handler, and
 * answers with the status Exa should see:
 *
 * - 204 once the handler succeeded (with `dedupe`, the event id is then recorded as done);
 * - 200 `duplicate` for an event already handled: the handler does not run again;
 * - 409 with `Retry-After` (seconds until the claim expires, at least 1) for a copy that arrives while another copy
 *   of the same event is being handled: never a 2xx before a handler succeeded, so Exa delivers it again later, and
 *   it is then a duplicate (the first copy succeeded) or handled (the first copy failed or crashed);
 * - 401 for a missing, malformed, forged or stale signature (checked before the body is read), 413 for a body
 *   over `maxBodySize` (default 10 MiB), and 400 for a body that is not an event: the handler never sees them;
 * - 500 when the handler fails or dies (logged with its cause; the claim is released), or the `Dedupe` store
 *   fails, so Exa delivers the event again; 500 too for a receiver given no usable secret (also logged).
 *
 * Every refusal (4xx) is logged as a warning with its reason.
 *
 * @example
 * ```ts
 * import { Handlers, WebhookReceiver } from "@effect-exa/client"
 * import { Console, Effect, Redacted } from "effect"
 *
 * const app = WebhookReceiver.make({
 *   secret: Redacted.make("whsec_…"),
 *   handle: Handlers.make({
 *     "webset.item.enriched": (event) => Console.log(`store ${event.data.id}`),
 *     orElse: () => Effect.void
 *   })
 * })
 * ```
 *
 * @since 0.3.0
 * @category receivers
 */
export const make: {
  <E, R>(options: ReceiverOptions<E, R> & { readonly dedupe: true }): HttpApp.Default<never, R | Dedupe.Dedupe>
  <E, R>(options: ReceiverOptions<E, R> & { readonly dedupe?: false | undefined }): HttpApp.Default<never, R>
  <E, R>(options: ReceiverOptions<E, R>): HttpApp.Default<never, R | Dedupe.Dedupe>
} = <E, R>(options: ReceiverOptions<E, R>): HttpApp.Default<never, R | Dedupe.Dedupe> =>
  Effect.gen(function*() {
    const verified = yield* Effect.either(verifyRequest(options))
    if (Either.isLeft(verified)) {
      const error = verified.left
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
    const event = verified.right
    const annotate = Effect.annotateLogs({ "exa.event.id": event.id, "exa.event.type": event.type })
    const handled = Effect.suspend(() => options.handle(event))
    const outcome = yield* Effect.exit(
      options.dedupe === true
        ? Effect.zipRight(Dedupe.Dedupe, Dedupe.tryOnce(event.id, handled))
        : Effect.map(handled, (value): Dedupe.Attempt<unknown> => ({ _tag: "Ran", value }))
    )
    if (Exit.isSuccess(outcome)) {
      switch (outcome.value._tag) {
        case "Ran":
          return HttpServerResponse.empty({ status: 204 })
        case "Done":
          return text("duplicate", 200)
        case "Busy": {
          const now = yield* Clock.currentTimeMillis
          const seconds = Math.max(1, Math.ceil((outcome.value.expiresAt - now) / 1000))
          yield* annotate(
            Effect.logWarning(
              `the webhook receiver refused a delivery (409): another copy of the event is being handled`
            )
          )
          return HttpServerResponse.text("another copy of this event is being handled", {
            status: 409,
            headers: { "retry-after": String(seconds) }
          })
        }
      }
    }
    yield* annotate(
      Effect.logError("the handler failed; answering 500 so that Exa delivers the event again", outcome.cause)
    )
    return text("the handler failed", 500)
  })

/**
 * The receiver as a web handler, `(Request) => Promise<Response>`, for Cloudflare Workers, Deno, Bun or a Next.js
 * route. `layer` provides what the handler needs (and the `Dedupe`, with `dedupe: true`); call `dispose` when done
 * with it.
 *
 * @since 0.3.0
 * @category receivers
 */
export const webHandler: {
  <E, R, LE>(
    options: ReceiverOptions<E, R> & { readonly dedupe: true },
    layer: Layer.Layer<R | Dedupe.Dedupe, LE>
  ): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> }
  <E, R, LE>(
    options: ReceiverOptions<E, R> & { readonly dedupe?: false | undefined },
    layer: Layer.Layer<R, LE>
  ): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> }
  <E, R, LE>(
    options: ReceiverOptions<E, R>,
    layer: Layer.Layer<R | Dedupe.Dedupe, LE>
  ): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> }
} = <E, R, LE>(
  options: ReceiverOptions<E, R>,
  layer: Layer.Layer<R | Dedupe.Dedupe, LE>
): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> } => {
  // Node loads its fetch implementation (`Request`, `Response`) on first use, which added 10-40 ms to the first
  // delivery after a start: it is loaded here, when the receiver is built, instead.
  void globalThis.Request
  void globalThis.Response
  return HttpApp.toWebHandlerLayer(make(options), layer)
}
