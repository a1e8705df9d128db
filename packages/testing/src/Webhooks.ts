/**
 * Signed webhook deliveries for tests: the `Exa-Signature` header for a body, a whole delivery for an event, and
 * sending it to a URL as Exa would.
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as Clock from "effect/Clock"
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

const encoder = new TextEncoder()

const hmacHex = (secret: string, payload: string) =>
  Effect.promise(async () => {
    const key = await globalThis.crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign"
    ])
    const mac = new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(payload)))
    return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("")
  })

/**
 * The `Exa-Signature` header value for a raw body: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (body: string, options: SignOptions): Effect.Effect<string> =>
  Effect.gen(function*() {
    const timestamp = options.timestamp ?? Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const secret = typeof options.secret === "string" ? options.secret : Redacted.value(options.secret)
    const v1 = yield* hmacHex(secret, `${timestamp}.${body}`)
    return [`t=${timestamp}`, ...(options.extraSignatures ?? []).map((s) => `v1=${s}`), `v1=${v1}`].join(",")
  })

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
