/**
 * The old name of `WebhookSignature` (signing and verifying deliveries) and `WebhookReceiver` (the endpoint), which
 * clashed with `@effect-exa/schema`'s `Webhook`, the resource.
 *
 * @deprecated Use `WebhookSignature` and `WebhookReceiver`.
 * @since 0.1.0
 */
import * as WebhookReceiver from "./WebhookReceiver.js"

export {
  /** @deprecated Use `WebhookSignature.Options`. */
  type Options,
  /** @deprecated Use `WebhookSignature.sign`. */
  sign,
  /** @deprecated Use `WebhookSignature.SignatureMalformed`. */
  SignatureMalformed,
  /** @deprecated Use `WebhookSignature.SignatureMismatch`. */
  SignatureMismatch,
  /** @deprecated Use `WebhookSignature.SignatureMissing`. */
  SignatureMissing,
  /** @deprecated Use `WebhookSignature.TimestampOutOfTolerance`. */
  TimestampOutOfTolerance,
  /** @deprecated Use `WebhookSignature.verify`. */
  verify,
  /** @deprecated Use `WebhookSignature.verifyRequest`. */
  verifyRequest,
  /** @deprecated Use `WebhookSignature.verifySignature`. */
  verifySignature
} from "./WebhookSignature.js"

export {
  /** @deprecated Use `WebhookReceiver.webHandler`. */
  webHandler
} from "./WebhookReceiver.js"

/**
 * @deprecated Use `WebhookReceiver.make`.
 * @since 0.2.0
 * @category receivers
 */
export const receiver: typeof WebhookReceiver.make = WebhookReceiver.make
