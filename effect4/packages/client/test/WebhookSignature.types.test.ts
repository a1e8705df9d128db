/**
 * The public types of `WebhookSignature`: each function's error channel is exactly its documented union, and only
 * `verifyRequest` needs a service (the server request).
 */
import type { Errors } from "@effect-exa/client"
import { WebhookSignature } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Redacted from "effect/Redacted"
import type * as Result from "effect/Result"

type SignatureError =
  | WebhookSignature.SignatureMissing
  | WebhookSignature.SignatureMalformed
  | WebhookSignature.SignatureMismatch
  | WebhookSignature.TimestampOutOfTolerance
  | Errors.InvalidRequest

describe("WebhookSignature public types", () => {
  const secret = Redacted.make("whsec_types")

  it("verify, verifySignature, sign and verifyRequest fail with exactly their unions", () => {
    expectTypeOf(WebhookSignature.verify({ secret, header: "h", body: "{}" })).toEqualTypeOf<
      Effect.Effect<Event.Event, SignatureError | Errors.Decode>
    >()
    expectTypeOf<WebhookSignature.WebhookError>().toEqualTypeOf<SignatureError | Errors.Decode>()
    expectTypeOf(WebhookSignature.verifySignature({ secret, header: "h", body: "{}" })).toEqualTypeOf<
      Effect.Effect<WebhookSignature.Signature, SignatureError>
    >()
    expectTypeOf(WebhookSignature.sign({ secret, body: "{}" })).toEqualTypeOf<
      Effect.Effect<string, Errors.InvalidRequest>
    >()
    expectTypeOf(WebhookSignature.verifyRequest({ secret })).toEqualTypeOf<
      Effect.Effect<
        Event.Event,
        SignatureError | Errors.Decode | Errors.Transport | WebhookSignature.DeliveryTooLarge,
        HttpServerRequest.HttpServerRequest
      >
    >()
    expectTypeOf(WebhookSignature.parseHeader("h")).toEqualTypeOf<
      Result.Result<WebhookSignature.Signature, WebhookSignature.SignatureMalformed>
    >()
  })

  it("the secret must be Redacted", () => {
    // @ts-expect-error: a plain string secret
    void WebhookSignature.verify({ secret: "whsec_plain", header: "h", body: "{}" })
  })
})
