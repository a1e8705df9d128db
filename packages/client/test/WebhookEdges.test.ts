/**
 * `Webhook`'s edges, pinned exactly: what `verifyRequest` makes of headers, lengths, empty and broken bodies and odd
 * options; every answer of the receiver (status and body), and what it logs; `DeliveryTooLarge`'s message; the
 * reasons `sign` gives.
 */
import { Dedupe, Errors, WebhookReceiver, WebhookSignature } from "@effect-exa/client"
import * as Headers from "@effect/platform/Headers"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

const secretText = "whsec_edges"
const secret = Redacted.make(secretText)
const signed = (body: string, key = secretText) => {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},v1=${createHmac("sha256", key).update(`${t}.${body}`).digest("hex")}`
}
const event = JSON.stringify({
  id: "ev_edge",
  object: "event",
  type: "webset.export.created",
  data: {},
  createdAt: "2026-11-30T12:00:00.000Z"
})

const post = (headers: Record<string, string>, body?: BodyInit | null, init: RequestInit = {}) =>
  new Request("http://hook.test/", { method: "POST", headers, ...(body === undefined ? {} : { body }), ...init })

const verifyWith = (request: Request, options: unknown = { secret }) =>
  Effect.flip(WebhookSignature.verifyRequest(options as WebhookSignature.RequestOptions)).pipe(
    Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(request))
  )

const broken = () =>
  new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("connection reset while reading"))
    }
  })

describe("WebhookSignature.verifyRequest, exactly", () => {
  it.live("a blank header is SignatureMissing, not a malformed one", () =>
    Effect.gen(function*() {
      for (const header of ["   ", "\t"]) {
        expect((yield* verifyWith(post({ "exa-signature": header }, event)))._tag).toBe("SignatureMissing")
      }
    }))

  it.live("an announced length over the limit is refused with it; exactly the limit is read", () =>
    Effect.gen(function*() {
      const over = yield* verifyWith(
        post({ "exa-signature": signed(event), "content-length": String(event.length + 1) }, `${event} `),
        {
          secret,
          maxBodySize: event.length
        }
      )
      assert(over instanceof WebhookSignature.DeliveryTooLarge)
      expect({ limit: over.limit, contentLength: over.contentLength }).toEqual({
        limit: event.length,
        contentLength: event.length + 1
      })
      const exact = yield* Effect.exit(
        WebhookSignature.verifyRequest({ secret, maxBodySize: event.length }).pipe(
          Effect.provideService(
            HttpServerRequest.HttpServerRequest,
            HttpServerRequest.fromWeb(
              post({ "exa-signature": signed(event), "content-length": String(event.length) }, event)
            )
          )
        )
      )
      assert(exact._tag === "Success")
      expect(exact.value.id).toBe("ev_edge")
    }))

  it.live("maxBodySize: 1 is allowed; 0, 1.5 or text is InvalidRequest with its reason; null options are InvalidRequest", () =>
    Effect.gen(function*() {
      const tiny = yield* verifyWith(post({ "exa-signature": signed(event) }, event), { secret, maxBodySize: 1 })
      expect(tiny._tag).toBe("DeliveryTooLarge")
      for (const maxBodySize of [0, 1.5, "10"]) {
        const bad = yield* verifyWith(post({ "exa-signature": signed(event) }, event), { secret, maxBodySize })
        assert(bad instanceof Errors.InvalidRequest)
        expect(bad.reason).toBe("maxBodySize must be a whole number of bytes, 1 or more")
      }
      // Options that are null (a JavaScript caller): a typed error, never a TypeError.
      const none = yield* verifyWith(post({ "exa-signature": signed(event) }, event), null)
      assert(none instanceof Errors.InvalidRequest)
      expect(none.reason).toBe("a webhook secret must be a Redacted string (Redacted.make or Config.redacted)")
    }))

  it.live("no body at all is an empty body (signed as such, it is a Decode); a body that breaks off is Transport", () =>
    Effect.gen(function*() {
      const empty = yield* verifyWith(post({ "exa-signature": signed("") }))
      expect(empty._tag).toBe("Decode")
      const failed = yield* verifyWith(
        post({ "exa-signature": signed("") }, broken(), { duplex: "half" } as RequestInit)
      )
      assert(failed instanceof Errors.Transport)
      expect(failed.description.startsWith("reading the delivery failed: ")).toBe(true)
    }))
})

describe("WebhookSignature.verifyRequest on a platform that passes headers and bodies on as they come", () => {
  const verifyOn = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.flip(WebhookSignature.verifyRequest({ secret })).pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, request)
    )

  it.live("a blank header left untrimmed is SignatureMissing, not a malformed one", () =>
    Effect.gen(function*() {
      // Web and Node requests trim header values; a platform that does not may hand over a blank one.
      const request = HttpServerRequest.fromWeb(post({}, event))
      for (const blank of ["   ", "\t", " \t "]) {
        const error = yield* verifyOn(request.modify({ headers: Headers.fromInput({ "exa-signature": blank }) }))
        expect(error._tag).toBe("SignatureMissing")
      }
    }))

  it.live("a body that breaks off after some bytes is Transport, even when the platform's error has no cause", () =>
    Effect.gen(function*() {
      const request = HttpServerRequest.fromWeb(post({ "exa-signature": signed(event) }, event))
      const cut: HttpServerRequest.HttpServerRequest = Object.create(request, {
        stream: {
          value: Stream.concat(
            Stream.make(new TextEncoder().encode(event.slice(0, 10))),
            Stream.fail(new HttpServerError.RequestError({ request, reason: "Decode", description: "closed" }))
          )
        }
      })
      const error = yield* verifyOn(cut)
      assert(error instanceof Errors.Transport)
      expect(error.description.startsWith("reading the delivery failed: ")).toBe(true)
    }))
})

describe("the receiver's answers, exactly", () => {
  const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ annotations, message }) => {
    const record: Record<string, unknown> = {}
    for (const [key, value] of annotations) record[key] = value
    logs.push({ message, annotations: record })
  })
  const receiver = (options: Partial<WebhookReceiver.ReceiverOptions<unknown, never>> = {}) =>
    WebhookReceiver.webHandler(
      { secret, handle: () => Effect.void, ...options } as WebhookReceiver.ReceiverOptions<unknown, never> & {
        readonly dedupe?: false
      },
      Logger.replace(Logger.defaultLogger, logger)
    )
  const answer = (handler: (request: Request) => Promise<Response>, request: Request) =>
    Effect.promise(async () => {
      const response = await handler(request)
      return [response.status, await response.text()] as const
    })

  it.live("each answer's status and body", () =>
    Effect.gen(function*() {
      const { dispose, handler } = receiver()
      expect(yield* answer(handler, post({ "exa-signature": signed(event) }, event))).toEqual([204, ""])
      expect(yield* answer(handler, post({ "exa-signature": signed("{}") }, "{}"))).toEqual([
        400,
        "the body is not an event"
      ])
      expect(yield* answer(handler, post({ "exa-signature": signed("") }, broken(), { duplex: "half" } as RequestInit)))
        .toEqual([
          400,
          "the body could not be read"
        ])
      expect(yield* answer(handler, post({}, event))).toEqual([401, "SignatureMissing"])
      expect(yield* answer(handler, post({ "exa-signature": signed(event, "whsec_other") }, event))).toEqual([
        401,
        "SignatureMismatch"
      ])
      yield* Effect.promise(dispose)
    }))

  it.live("a handler that fails is a 500 and is logged with the event; an unusable secret is a 500 and logged", () =>
    Effect.gen(function*() {
      logs.length = 0
      const failing = receiver({ handle: () => Effect.fail("database down") })
      expect(yield* answer(failing.handler, post({ "exa-signature": signed(event) }, event))).toEqual([
        500,
        "the handler failed"
      ])
      expect(logs[0]!.message).toEqual(["the handler failed; answering 500 so that Exa delivers the event again"])
      expect(logs[0]!.annotations).toEqual({ "exa.event.id": "ev_edge", "exa.event.type": "webset.export.created" })
      yield* Effect.promise(failing.dispose)

      logs.length = 0
      const misconfigured = receiver({ secret: Redacted.make("") })
      expect(yield* answer(misconfigured.handler, post({ "exa-signature": signed(event) }, event))).toEqual([
        500,
        "the receiver is misconfigured"
      ])
      expect(logs[0]!.message).toEqual([
        "the webhook receiver cannot verify deliveries: Invalid request: a webhook secret is empty"
      ])
      yield* Effect.promise(misconfigured.dispose)
    }))

  it.live("each refusal is answered with its tag or a fixed text, and logged as a warning with its reason", () =>
    Effect.gen(function*() {
      const { dispose, handler } = receiver()
      const stale = (body: string) => {
        const t = Math.floor(Date.now() / 1000) - 301
        return `t=${t},v1=${createHmac("sha256", secretText).update(`${t}.${body}`).digest("hex")}`
      }
      logs.length = 0
      expect(yield* answer(handler, post({ "exa-signature": stale(event) }, event))).toEqual([
        401,
        "TimestampOutOfTolerance"
      ])
      expect(String(logs[0]!.message)).toMatch(
        /^the webhook receiver refused a delivery \(401\): The signature timestamp \d+ is more than 5m from now/
      )
      logs.length = 0
      expect(yield* answer(handler, post({ "exa-signature": "t=1,v1=zz" }, event))).toEqual([
        401,
        "SignatureMalformed"
      ])
      expect(logs.map((log) => String(log.message))).toEqual([
        "the webhook receiver refused a delivery (401): malformed Exa-Signature header: no v1 signature is 64 hex characters"
      ])
      logs.length = 0
      expect(yield* answer(handler, post({ "exa-signature": signed("{}") }, "{}"))).toEqual([
        400,
        "the body is not an event"
      ])
      expect(String(logs[0]!.message)).toMatch(
        /^the webhook receiver refused a delivery \(400\): the body is not an event: \S/
      )
      yield* Effect.promise(dispose)
    }))
})

describe("the receiver's 409 for a copy of an event another copy is handling", () => {
  // A store in which the event is claimed by another copy until `expiresAt` (epoch milliseconds).
  const busyUntil = (expiresAt: number): Dedupe.Service => ({
    claim: () => Effect.succeed({ _tag: "Busy", expiresAt }),
    renew: () => Effect.succeed(false),
    complete: () => Effect.void,
    release: () => Effect.void
  })
  const now = 1_900_000_000_000

  it.effect("Retry-After is the seconds until the claim expires, rounded up, and at least 1", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(now)
      const header = yield* WebhookSignature.sign({ secret, body: event })
      const app = WebhookReceiver.make({ secret, handle: () => Effect.void, dedupe: true })
      const retryAfter = (expiresAt: number) =>
        app.pipe(
          Effect.provideService(
            HttpServerRequest.HttpServerRequest,
            HttpServerRequest.fromWeb(post({ "exa-signature": header }, event))
          ),
          Effect.provideService(Dedupe.Dedupe, busyUntil(expiresAt)),
          Effect.map((response) => [response.status, response.headers["retry-after"]])
        )
      expect(yield* retryAfter(now + 2_500)).toEqual([409, "3"])
      expect(yield* retryAfter(now + 30_000)).toEqual([409, "30"])
      expect(yield* retryAfter(now + 200)).toEqual([409, "1"])
      // Expired while this copy was on its way: come back at once, as far as a header can say.
      expect(yield* retryAfter(now - 5_000)).toEqual([409, "1"])
    }))
})

describe("DeliveryTooLarge and sign", () => {
  it("DeliveryTooLarge says the limit, and the announced size when there was one", () => {
    expect(new WebhookSignature.DeliveryTooLarge({ limit: 10 }).message).toBe(
      "The delivery's body grew past the limit of 10 bytes"
    )
    expect(new WebhookSignature.DeliveryTooLarge({ limit: 10, contentLength: 20 }).message).toBe(
      "The delivery's body is 20 bytes, over the limit of 10"
    )
  })

  it.live("sign's reasons", () =>
    Effect.gen(function*() {
      const several = yield* Effect.flip(WebhookSignature.sign({ secret: [secret, secret] as never, body: "{}" }))
      expect(several.reason).toBe("sign with exactly one secret")
      const badTime = yield* Effect.flip(WebhookSignature.sign({ secret, body: "{}", timestamp: -1 }))
      expect(badTime.reason).toBe("timestamp must be unix seconds (a non-negative integer)")
    }))
})
