/**
 * Signed webhook deliveries for tests: the `Exa-Signature` header for a body, a whole delivery for an event, and
 * sending it to a URL as Exa would.
 *
 * @since 0.1.0
 */
import * as WebhookSignature from "@effect-exa/client/WebhookSignature"
import type * as Event from "@effect-exa/schema/Event"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { toJson } from "./internal/json.js"

/**
 * What to sign with.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignOptions {
  readonly secret: Redacted.Redacted<string> | string
  /** Unix seconds; default now, on the Effect clock. */
  readonly timestamp?: number | undefined
  /** Extra `v1` entries placed before the real one (e.g. signatures under a previous secret). */
  readonly extraSignatures?: ReadonlyArray<string> | undefined
}

/**
 * The `Exa-Signature` header value for a raw body: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, made by the
 * client's own signer (`WebhookSignature.sign`), so the emulator and the receivers agree by construction. Options a test
 * passes are the test's own: a bad one (an empty secret, a timestamp that is not unix seconds) is a defect.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (body: string, options: SignOptions): Effect.Effect<string> =>
  Effect.map(
    Effect.orDie(WebhookSignature.sign({
      secret: typeof options.secret === "string" ? Redacted.make(options.secret) : options.secret,
      body,
      timestamp: options.timestamp
    })),
    (header) => {
      // `t=<t>,v1=<mac>`: the extra entries go before the real one.
      const [t, v1] = header.split(",") as [string, string]
      return [t, ...(options.extraSignatures ?? []).map((s) => `v1=${s}`), v1].join(",")
    }
  )

/**
 * A delivery of an event as Exa sends it: the JSON body and its headers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/**
 * A signed delivery of an event (decoded or JSON).
 *
 * @since 0.1.0
 * @category signing
 */
export const delivery = (event: Event.Event | Event.Encoded, options: SignOptions): Effect.Effect<Delivery> => {
  const body = JSON.stringify(toJson(event))
  return Effect.map(sign(body, options), (signature) => ({
    body,
    headers: { "content-type": "application/json", "exa-signature": signature }
  }))
}

/**
 * POSTs a signed delivery of an event to a URL, as Exa does, and returns the receiver's status and body.
 *
 * @since 0.1.0
 * @category delivering
 */
export const deliver = (
  url: string,
  event: Event.Event | Event.Encoded,
  options: SignOptions & { readonly tamper?: ((body: string) => string) | undefined }
): Effect.Effect<{ readonly status: number; readonly body: string }> =>
  Effect.flatMap(delivery(event, options), (signed) =>
    Effect.promise(async (signal) => {
      const response = await fetch(url, {
        method: "POST",
        headers: signed.headers,
        body: options.tamper ? options.tamper(signed.body) : signed.body,
        signal
      })
      return { status: response.status, body: await response.text() }
    }))
