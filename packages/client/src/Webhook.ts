/**
 * Verifying webhook deliveries: the `Exa-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>…]`) is an
 * HMAC-SHA256, keyed with the webhook's secret, of `"<t>.<raw body>"`. A delivery is accepted when one `v1`
 * matches (compared in constant time by Web Crypto) and `t` is within the tolerance of the Effect `Clock`; its
 * body is then decoded with the same `Event` schema as `getEvent`.
 *
 * Uses only Web Crypto (`globalThis.crypto.subtle`): Node 20+, Deno, Bun, browsers and edge runtimes.
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Errors from "./Errors.js"
import { decodeJsonText, describeEventFailure } from "./internal/body.js"

/**
 * The header Exa signs deliveries with.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "exa-signature"

/**
 * The default timestamp tolerance: 300 seconds, Exa's documented suggestion.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTolerance: Duration.Duration = Duration.seconds(300)

/**
 * The delivery has no `Exa-Signature` header.
 *
 * @since 0.1.0
 * @category errors
 */
export class SignatureMissing extends Schema.TaggedError<SignatureMissing>("@effect-exa/client/SignatureMissing")(
  "SignatureMissing",
  {}
) {
  override get message(): string {
    return "The delivery has no Exa-Signature header"
  }
}

/**
 * The `Exa-Signature` header is not `t=<unix seconds>,v1=<hex>…`.
 *
 * @since 0.1.0
 * @category errors
 */
export class SignatureMalformed extends Schema.TaggedError<SignatureMalformed>("@effect-exa/client/SignatureMalformed")(
  "SignatureMalformed",
  { header: Schema.String, reason: Schema.String }
) {
  override get message(): string {
    return `Malformed Exa-Signature header: ${this.reason}`
  }
}

/**
 * No `v1` signature matches the body with this secret: a wrong secret, or a tampered body.
 *
 * @since 0.1.0
 * @category errors
 */
export class SignatureMismatch extends Schema.TaggedError<SignatureMismatch>("@effect-exa/client/SignatureMismatch")(
  "SignatureMismatch",
  { candidates: Schema.Number }
) {
  override get message(): string {
    return `None of the ${this.candidates} signature(s) matches the delivery`
  }
}

/**
 * The signed timestamp is further than the tolerance from now (a replay, or a clock far off).
 *
 * @since 0.1.0
 * @category errors
 */
export class TimestampOutOfTolerance
  extends Schema.TaggedError<TimestampOutOfTolerance>("@effect-exa/client/TimestampOutOfTolerance")(
    "TimestampOutOfTolerance",
    { timestamp: Schema.Number, now: Schema.Number, tolerance: Schema.DurationFromSelf }
  )
{
  override get message(): string {
    return `The signature timestamp ${this.timestamp} is more than ${Duration.format(this.tolerance)} from now (${this.now})`
  }
}

/**
 * What verifying a delivery can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type WebhookError = SignatureMissing | SignatureMalformed | SignatureMismatch | TimestampOutOfTolerance | Errors.Decode

/**
 * What to verify a delivery with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The webhook's secret (returned once, when the webhook was created). */
  readonly secret: Redacted.Redacted<string>
  /** How far the signed timestamp may be from now, either way. Default 300 seconds. */
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * A parsed `Exa-Signature` header.
 *
 * @since 0.1.0
 * @category models
 */
export interface Signature {
  readonly timestamp: number
  readonly signatures: ReadonlyArray<string>
}

/**
 * Parses an `Exa-Signature` header. Spaces around parts are allowed, unknown keys are ignored, and there may be
 * several `v1` entries.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseHeader = (header: string): Either.Either<Signature, SignatureMalformed> => {
  let timestamp: number | undefined
  const signatures: Array<string> = []
  const malformed = (reason: string) => Either.left(new SignatureMalformed({ header, reason }))
  for (const part of header.split(",")) {
    const index = part.indexOf("=")
    if (index < 0) {
      if (part.trim() === "") continue
      return malformed(`"${part.trim()}" is not key=value`)
    }
    const key = part.slice(0, index).trim()
    const value = part.slice(index + 1).trim()
    if (key === "t") {
      if (timestamp !== undefined) return malformed("more than one t")
      if (!/^\d{1,12}$/.test(value)) return malformed(`t must be unix seconds, got "${value}"`)
      timestamp = Number(value)
    } else if (key === "v1") {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return malformed("v1 must be 64 hex characters")
      signatures.push(value.toLowerCase())
    }
  }
  if (timestamp === undefined) return malformed("no t")
  if (signatures.length === 0) return malformed("no v1 signature")
  return Either.right({ timestamp, signatures })
}

const encoder = new TextEncoder()

const toBytes = (body: string | Uint8Array): Uint8Array => (typeof body === "string" ? encoder.encode(body) : body)

const fromHex = (hex: string): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

// "<t>." followed by the raw body bytes, exactly as received (never re-serialised JSON).
const signedPayload = (timestamp: number, body: Uint8Array): Uint8Array<ArrayBuffer> => {
  const prefix = encoder.encode(`${timestamp}.`)
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix, 0)
  out.set(body, prefix.length)
  return out
}

const importKey = (secret: Redacted.Redacted<string>) =>
  Effect.promise(() =>
    globalThis.crypto.subtle.importKey("raw", encoder.encode(Redacted.value(secret)), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify"
    ])
  )

/**
 * Checks the signature of a delivery, without decoding it: fails unless one `v1` matches and the timestamp is
 * within the tolerance.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifySignature = (
  options: Options & { readonly header: string | null | undefined; readonly body: string | Uint8Array }
): Effect.Effect<Signature, SignatureMissing | SignatureMalformed | SignatureMismatch | TimestampOutOfTolerance> =>
  Effect.gen(function*() {
    if (options.header === undefined || options.header === null || options.header.trim() === "") {
      return yield* new SignatureMissing()
    }
    const signature = yield* parseHeader(options.header)
    const key = yield* importKey(options.secret)
    const payload = signedPayload(signature.timestamp, toBytes(options.body))
    let matched = false
    // Every candidate is checked (no early exit), each with Web Crypto's constant-time verify.
    for (const candidate of signature.signatures) {
      const ok = yield* Effect.promise(() => globalThis.crypto.subtle.verify("HMAC", key, fromHex(candidate), payload))
      matched = matched || ok
    }
    if (!matched) return yield* new SignatureMismatch({ candidates: signature.signatures.length })
    const tolerance = Duration.decode(options.tolerance ?? defaultTolerance)
    const now = yield* Clock.currentTimeMillis
    if (Math.abs(now - signature.timestamp * 1000) > Duration.toMillis(tolerance)) {
      return yield* new TimestampOutOfTolerance({ timestamp: signature.timestamp, now: Math.floor(now / 1000), tolerance })
    }
    return signature
  })

const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Verifies a delivery and decodes its body as an `Event` (unknown types become `UnknownEvent`, as everywhere).
 *
 * @example
 * ```ts
 * import { Webhook } from "@effect-exa/client"
 * import { Effect, Redacted } from "effect"
 *
 * declare const rawBody: string
 * declare const signatureHeader: string | undefined
 *
 * const event = Webhook.verify({
 *   secret: Redacted.make(process.env.EXA_WEBHOOK_SECRET!),
 *   header: signatureHeader,
 *   body: rawBody
 * })
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  options: Options & { readonly header: string | null | undefined; readonly body: string | Uint8Array }
): Effect.Effect<Event.Event, WebhookError> =>
  Effect.flatMap(verifySignature(options), () => {
    let text: string
    try {
      text = typeof options.body === "string" ? options.body : decoder.decode(options.body)
    } catch {
      return Effect.fail(new Errors.Decode({ reason: "the body is not UTF-8", body: "" }))
    }
    const result = decodeJsonText(text, (u) => Event.decodeEither(u), describeEventFailure)
    return Either.isRight(result)
      ? Effect.succeed(result.right)
      : Effect.fail(new Errors.Decode({ reason: result.left, body: text }))
  })

/**
 * Verifies the delivery in the current `HttpServerRequest` (its raw body and `Exa-Signature` header) and decodes
 * it. A body that cannot be read fails with `Transport`.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyRequest = (
  options: Options
): Effect.Effect<Event.Event, WebhookError | Errors.Transport, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.flatMap(
      Effect.mapError(request.arrayBuffer, (error) =>
        new Errors.Transport({ description: `reading the delivery failed: ${error.message}`, cause: error.cause })),
      (body) => verify({ ...options, header: request.headers[signatureHeader], body: new Uint8Array(body) })
    ))
