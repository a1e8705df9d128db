/**
 * Verifying webhook deliveries: the `Exa-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>…]`) is an
 * HMAC-SHA256, keyed with the webhook's secret, of `"<t>.<raw body>"`. A delivery is accepted when one `v1`
 * matches the MAC of one of the given secrets (compared in constant time) and `t` is within the tolerance of the
 * Effect `Clock`; its body is then decoded with the same `Event` schema as `getEvent`.
 *
 * The cost of a verification is bounded whatever the sender: the MAC is computed once per secret (not once per
 * candidate), candidates are compared in constant time, and a header longer than `maxHeaderLength` or with more
 * than `maxCandidates` signatures is refused before any MAC is computed.
 *
 * The MAC is computed with the runtime's `node:crypto` where it has one (Node, Bun, Deno: reached through
 * `process.getBuiltinModule`, never imported, so web bundles do not include it), else with Web Crypto
 * (`globalThis.crypto.subtle`: browsers and edge runtimes). The receiver built on this is `WebhookReceiver`; the
 * webhook resource itself (what `WebhooksClient` returns) is `@effect-exa/schema`'s `Webhook`.
 *
 * @since 1.0.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Errors from "./Errors.js"
import { decodeJsonText, describeEventFailure } from "./internal/body.js"
import { hmacSha256 } from "./internal/hmac.js"
import * as Params from "./internal/params.js"
import { announcedLength, collectWithin } from "./internal/read.js"

/**
 * The header Exa signs deliveries with.
 *
 * @since 1.0.0
 * @category constants
 */
export const signatureHeader = "exa-signature"

/**
 * The default timestamp tolerance: 300 seconds, Exa's documented suggestion.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultTolerance: Duration.Duration = Duration.seconds(300)

/**
 * The delivery has no `Exa-Signature` header.
 *
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
 * @category errors
 */
export class TimestampOutOfTolerance
  extends Schema.TaggedError<TimestampOutOfTolerance>("@effect-exa/client/TimestampOutOfTolerance")(
    "TimestampOutOfTolerance",
    { timestamp: Schema.Number, now: Schema.Number, tolerance: Schema.Duration }
  )
{
  override get message(): string {
    return `The signature timestamp ${this.timestamp} is more than ${
      Duration.format(this.tolerance)
    } from now (${this.now})`
  }
}

/**
 * What checking a delivery's signature can fail with.
 *
 * @since 1.0.0
 * @category errors
 */
export type SignatureError =
  | SignatureMissing
  | SignatureMalformed
  | SignatureMismatch
  | TimestampOutOfTolerance
  | Errors.InvalidRequest

/**
 * What verifying a delivery can fail with.
 *
 * @since 1.0.0
 * @category errors
 */
export type WebhookError = SignatureError | Errors.Decode

/**
 * The most `v1` signatures a header may carry (Exa sends one, two while a secret rotates).
 *
 * @since 1.0.0
 * @category constants
 */
export const maxCandidates = 16

/**
 * The longest `Exa-Signature` header accepted, in characters.
 *
 * @since 1.0.0
 * @category constants
 */
export const maxHeaderLength = 2048

/**
 * What to verify a delivery with.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /**
   * The webhook's secret (returned once, when the webhook was created), or several: a delivery verifies when it
   * matches any of them (while a secret rotates, or one receiver for several webhooks).
   */
  readonly secret: Redacted.Redacted<string> | ReadonlyArray<Redacted.Redacted<string>>
  /** How far the signed timestamp may be from now, either way. Default 300 seconds. */
  readonly tolerance?: Duration.Input | undefined
}

/**
 * A parsed `Exa-Signature` header.
 *
 * @since 1.0.0
 * @category models
 */
export interface Signature {
  readonly timestamp: number
  readonly signatures: ReadonlyArray<string>
}

/**
 * Parses an `Exa-Signature` header. Spaces around parts are allowed, unknown keys are ignored, and there may be
 * several `v1` entries; one that is not 64 hex characters is skipped (a valid one beside it still counts). The
 * header may be at most `maxHeaderLength` characters, with at most `maxCandidates` `v1` entries.
 *
 * @since 1.0.0
 * @category parsing
 */
export const parseHeader = (header: string): Result.Result<Signature, SignatureMalformed> => {
  const malformed = (reason: string) =>
    Result.fail(new SignatureMalformed({ header: header.length > 200 ? `${header.slice(0, 200)}…` : header, reason }))
  if (header.length > maxHeaderLength) return malformed(`longer than ${maxHeaderLength} characters`)
  let timestamp: number | undefined
  const signatures: Array<string> = []
  let entries = 0
  for (const part of header.split(",")) {
    const index = part.indexOf("=")
    if (index < 0) {
      if (part.trim() === "") continue
      return malformed(`"${part.trim().slice(0, 40)}" is not key=value`)
    }
    const key = part.slice(0, index).trim()
    const value = part.slice(index + 1).trim()
    if (key === "t") {
      if (timestamp !== undefined) return malformed("more than one t")
      if (!/^\d{1,12}$/.test(value)) return malformed(`t must be unix seconds, got "${value.slice(0, 40)}"`)
      timestamp = Number(value)
    } else if (key === "v1") {
      if (++entries > maxCandidates) return malformed(`more than ${maxCandidates} v1 signatures`)
      if (/^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase())
    }
  }
  if (timestamp === undefined) return malformed("no t")
  if (signatures.length === 0) {
    return malformed(entries === 0 ? "no v1 signature" : "no v1 signature is 64 hex characters")
  }
  return Result.succeed({ timestamp, signatures })
}

const fromHex = (hex: string): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

// "<t>." followed by the raw body, exactly as received (never re-serialised JSON).
const signedParts = (
  timestamp: number,
  body: string | Uint8Array
): ReadonlyArray<string | Uint8Array> => [`${timestamp}.`, body]

const invalid = (reason: string) => Result.fail(new Errors.InvalidRequest({ reason }))

// What the caller passed, checked: the secrets to try, the raw body, the tolerance. A mistake here is an
// `InvalidRequest` (never a defect, and never the secret's value in a reason).
const argumentsOf = (
  options: Options & { readonly body: string | Uint8Array }
): Result.Result<
  { secrets: ReadonlyArray<Redacted.Redacted<string>>; body: string | Uint8Array; tolerance: Duration.Duration },
  Errors.InvalidRequest
> => {
  if (typeof options !== "object" || options === null) return invalid("the options must be an object")
  const list: ReadonlyArray<unknown> = Array.isArray(options.secret) ? options.secret : [options.secret]
  if (list.length === 0) return invalid("no webhook secret was given")
  const secrets: Array<Redacted.Redacted<string>> = []
  for (const item of list) {
    if (!Redacted.isRedacted(item)) {
      return invalid("a webhook secret must be a Redacted string (Redacted.make or Config.Redacted)")
    }
    const value: unknown = Redacted.value(item)
    if (typeof value !== "string" || value.length === 0) return invalid("a webhook secret is empty")
    secrets.push(item as Redacted.Redacted<string>)
  }
  const body: unknown = options.body
  if (typeof body !== "string" && !(body instanceof Uint8Array)) {
    return invalid("the body must be the raw body of the delivery, as a string or a Uint8Array")
  }
  let tolerance: Duration.Duration
  try {
    // The package's one duration check: `Infinity` turns the check off; a negative or unreadable value is refused.
    tolerance = Params.duration("tolerance", options.tolerance ?? defaultTolerance, { infinite: true })
  } catch {
    return invalid("tolerance must be a Duration")
  }
  return Result.succeed({ secrets, body, tolerance })
}

// The MAC of `payload` under `secret`: computed once per secret, whatever the number of candidates.
const mac = hmacSha256

// Compares 32 bytes with a 64-character hex string in time that does not depend on where they differ.
const sameMac = (expected: Uint8Array, candidate: Uint8Array): boolean => {
  let difference = expected.length ^ candidate.length
  for (let i = 0; i < expected.length; i++) difference |= expected[i]! ^ (candidate[i] ?? 0)
  return difference === 0
}

/**
 * Checks the signature of a delivery, without decoding it: fails unless one `v1` matches one of the secrets and the
 * timestamp is within the tolerance.
 *
 * @since 1.0.0
 * @category verification
 */
export const verifySignature = (
  options: Options & { readonly header: string | null | undefined; readonly body: string | Uint8Array }
): Effect.Effect<Signature, SignatureError> =>
  Effect.gen(function*() {
    const { body, secrets, tolerance } = yield* Effect.fromResult(argumentsOf(options))
    if (typeof options.header !== "string" || options.header.trim() === "") {
      return yield* new SignatureMissing()
    }
    const signature = yield* Effect.fromResult(parseHeader(options.header))
    const payload = signedParts(signature.timestamp, body)
    const candidates = signature.signatures.map(fromHex)
    let matched = false
    // Every candidate against every secret, with no early exit.
    for (const secret of secrets) {
      const expected = yield* mac(secret, payload)
      for (const candidate of candidates) matched = sameMac(expected, candidate) || matched
    }
    if (!matched) return yield* new SignatureMismatch({ candidates: signature.signatures.length })
    const now = yield* Clock.currentTimeMillis
    if (Math.abs(now - signature.timestamp * 1000) > Duration.toMillis(tolerance)) {
      return yield* new TimestampOutOfTolerance({
        timestamp: signature.timestamp,
        now: Math.floor(now / 1000),
        tolerance
      })
    }
    return signature
  })

const toHex = (bytes: Uint8Array): string => {
  let hex = ""
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, "0")
  return hex
}

/**
 * The `Exa-Signature` header for a raw body, made as Exa makes it: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` under one secret. For forwarding an event to your own receiver so that it verifies it as a real
 * delivery (the command line's `listen` does this), and for tests. The timestamp defaults to now, on the Effect
 * clock; a bad argument (no secret, an empty one, a body that is neither text nor bytes, a timestamp that is not
 * unix seconds) is `InvalidRequest`.
 *
 * @since 1.0.0
 * @category signing
 */
export const sign = (options: {
  readonly secret: Redacted.Redacted<string>
  readonly body: string | Uint8Array
  readonly timestamp?: number | undefined
}): Effect.Effect<string, Errors.InvalidRequest> =>
  Effect.gen(function*() {
    const { body, secrets } = yield* Effect.fromResult(argumentsOf(options))
    if (secrets.length !== 1) return yield* new Errors.InvalidRequest({ reason: "sign with exactly one secret" })
    const given: unknown = options.timestamp
    if (
      given !== undefined && !(typeof given === "number" && Number.isSafeInteger(given) && given >= 0 && given < 1e12)
    ) {
      return yield* new Errors.InvalidRequest({ reason: "timestamp must be unix seconds (a non-negative integer)" })
    }
    const timestamp = (given as number | undefined) ?? Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const expected = yield* mac(secrets[0]!, signedParts(timestamp, body))
    return `t=${timestamp},v1=${toHex(expected)}`
  })

const decoder = new TextDecoder("utf-8", { fatal: true })
const lenient = new TextDecoder("utf-8")

/**
 * Verifies a delivery and decodes its body as an `Event` (unknown types become `UnknownEvent`, as everywhere).
 *
 * @example
 * ```ts
 * import { WebhookSignature } from "@effect-exa/client"
 * import { Effect, Redacted } from "effect"
 *
 * declare const rawBody: string
 * declare const signatureHeader: string | undefined
 *
 * const event = WebhookSignature.verify({
 *   secret: Redacted.make(process.env.EXA_WEBHOOK_SECRET!),
 *   header: signatureHeader,
 *   body: rawBody
 * })
 * ```
 *
 * @since 1.0.0
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
      // Kept whole: the raw bytes, and a readable rendering of them.
      const bytes = options.body as Uint8Array
      return Effect.fail(
        new Errors.Decode({
          reason: "the body is not UTF-8",
          body: lenient.decode(bytes),
          bytes: new Uint8Array(bytes)
        })
      )
    }
    const result = decodeJsonText(text, (u) => Event.decodeResult(u), describeEventFailure)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(new Errors.Decode({ reason: result.failure, body: text }))
  })

/**
 * The largest delivery body `verifyRequest` and the receiver read, by default: 10 MiB (events are far smaller).
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxBodySize = 10 * 1024 * 1024

/**
 * A delivery whose body is larger than the receiver reads (`maxBodySize`): refused before reading when its
 * `content-length` says so, else cut off as it grew. Nobody needs a valid signature to send one.
 *
 * @since 1.0.0
 * @category errors
 */
export class DeliveryTooLarge extends Schema.TaggedError<DeliveryTooLarge>("@effect-exa/client/DeliveryTooLarge")(
  "DeliveryTooLarge",
  {
    /** The limit, in bytes. */
    limit: Schema.Number,
    /** The size the sender announced, when it did. */
    contentLength: Schema.optionalKey(Schema.Number)
  }
) {
  override get message(): string {
    return this.contentLength === undefined
      ? `The delivery's body grew past the limit of ${this.limit} bytes`
      : `The delivery's body is ${this.contentLength} bytes, over the limit of ${this.limit}`
  }
}

/**
 * Options of `verifyRequest` and the receiver: those of `verify`, and how much body to read at most.
 *
 * @since 1.0.0
 * @category models
 */
export interface RequestOptions extends Options {
  /** The largest body read, in bytes. Default 10 MiB. */
  readonly maxBodySize?: number | undefined
}

// A body whose stream failed: the stream's own error, copied (name and message only: the platform's error holds the
// request).
const unreadable = (cause: unknown): Errors.Transport => {
  const message = cause instanceof Error ? cause.message : "the body stream failed"
  const copy = new Error(message)
  copy.name = cause instanceof Error ? cause.name : "Error"
  return new Errors.Transport({ description: `reading the delivery failed: ${message}`, cause: copy })
}

// The body, read only after the signature header was found well formed, and never more than `limit` bytes of it.
const readBody = (request: HttpServerRequest.HttpServerRequest, limit: number) =>
  Effect.suspend(() => {
    const length = announcedLength(request.headers["content-length"])
    if (length !== undefined && length > limit) {
      return Effect.fail(new DeliveryTooLarge({ limit, contentLength: length }))
    }
    // Counted as it arrives, whatever `content-length` says: not every server holds a body to its announced length
    // (a web handler is given whatever the platform passes on). A web request with no body at all reads as an empty
    // stream on Effect 4.
    return collectWithin(request.stream, limit, () => new DeliveryTooLarge({ limit }), () => false).pipe(
      Effect.catchTag("HttpServerError", (error) => Effect.fail(unreadable(error.reason.cause)))
    )
  })

/**
 * Verifies the delivery in the current `HttpServerRequest` (its raw body and `Exa-Signature` header) and decodes
 * it. The header is checked before the body is read; a body over `maxBodySize` (default 10 MiB) is
 * `DeliveryTooLarge`, and one that cannot be read is `Transport`.
 *
 * @since 1.0.0
 * @category verification
 */
export const verifyRequest = (
  options: RequestOptions
): Effect.Effect<
  Event.Event,
  WebhookError | Errors.Transport | DeliveryTooLarge,
  HttpServerRequest.HttpServerRequest
> =>
  Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) => {
    const header = request.headers[signatureHeader]
    if (typeof header !== "string" || header.trim() === "") return Effect.fail(new SignatureMissing())
    const parsed = parseHeader(header)
    if (Result.isFailure(parsed)) return Effect.fail(parsed.failure)
    const limit = options?.maxBodySize ?? defaultMaxBodySize
    if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
      return Effect.fail(
        new Errors.InvalidRequest({ reason: "maxBodySize must be a whole number of bytes, 1 or more" })
      )
    }
    return Effect.flatMap(readBody(request, limit), (body) => verify({ ...options, header, body }))
  })
