/**
 * WebhookSignature: verifying and signing `Exa-Signature` headers (known answers computed with `node:crypto` apart
 * from the code under test), the tolerance on the `TestClock`, every malformed header and bad argument, the bounded
 * cost, bodies that are not events, and `verifyRequest` over `effect/http`'s server request (size limit, a body that
 * breaks off, a web handler). Ported from the Effect 3 line's `Webhook.test.ts` and `WebhookEdges.test.ts`.
 */
import { Errors, WebhookSignature } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import { createHmac } from "node:crypto"
import { enriched } from "./fixtures.js"

const SECRET = "whsec_test_4f8a2c"
const secret = Redacted.make(SECRET)
const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z
const body = JSON.stringify(enriched)

// Computed independently of the code under test, with node:crypto.
const hmac = (key: string, t: number, payload: string | Buffer) =>
  createHmac("sha256", key).update(`${t}.`).update(payload).digest("hex")

const at = <A, E, R>(seconds: number, effect: Effect.Effect<A, E, R>) =>
  Effect.andThen(TestClock.setTime(seconds * 1000), effect)

const verify = (header: string | undefined, payload: string | Uint8Array = body, tolerance?: Duration.Input) =>
  WebhookSignature.verify({ secret, header, body: payload, ...(tolerance ? { tolerance } : {}) })

describe("WebhookSignature.verify", () => {
  it.effect("accepts a known-answer signature and decodes the event", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const event = yield* verify(`t=${NOW},v1=${hmac(SECRET, NOW, body)}`)
        assert.instanceOf(event, Event.WebsetItemEnrichedEvent)
        expect(event.id).toBe(enriched.id)
      })
    ))

  it.effect("a fixed vector: the header for a given secret, timestamp and body", () =>
    at(
      1234567890,
      Effect.gen(function*() {
        const vector =
          `{"id":"ev_1","object":"event","type":"webset.export.created","data":{},"createdAt":"2009-02-13T23:31:30Z"}`
        const expected = createHmac("sha256", "whsec_vector").update(`1234567890.${vector}`).digest("hex")
        expect(
          yield* WebhookSignature.sign({ secret: Redacted.make("whsec_vector"), body: vector, timestamp: 1234567890 })
        ).toBe(`t=1234567890,v1=${expected}`)
        const event = yield* WebhookSignature.verify({
          secret: Redacted.make("whsec_vector"),
          header: `t=1234567890,v1=${expected}`,
          body: vector
        })
        assert.instanceOf(event, Event.UnknownEvent)
      })
    ))

  it.effect("verifies the raw bytes, also as a Uint8Array", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const bytes = new TextEncoder().encode(body)
        const event = yield* verify(`t=${NOW},v1=${hmac(SECRET, NOW, Buffer.from(bytes))}`, bytes)
        expect(event.type).toBe("webset.item.enriched")
      })
    ))

  it.effect("rejects a tampered body and a wrong secret", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = `t=${NOW},v1=${hmac(SECRET, NOW, body)}`
        expect(body).toContain("Ledgerly")
        const tampered = yield* Effect.flip(verify(header, body.replace("Ledgerly", "Ledgerlz")))
        expect(tampered._tag).toBe("SignatureMismatch")
        // Re-serialised JSON is not the raw body: it does not verify either.
        const reserialised = yield* Effect.flip(verify(header, JSON.stringify(JSON.parse(body), null, 1)))
        expect(reserialised._tag).toBe("SignatureMismatch")
        const wrong = yield* Effect.flip(verify(`t=${NOW},v1=${hmac("whsec_other", NOW, body)}`))
        expect(wrong._tag).toBe("SignatureMismatch")
        // The timestamp is signed too.
        const moved = yield* Effect.flip(verify(`t=${NOW + 1},v1=${hmac(SECRET, NOW, body)}`))
        expect(moved._tag).toBe("SignatureMismatch")
      })
    ))

  it.effect("accepts when any one of several v1 signatures matches", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = `t=${NOW},v1=${hmac("whsec_old", NOW, body)},v1=${hmac(SECRET, NOW, body)},v1=${"0".repeat(64)}`
        expect((yield* verify(header)).type).toBe("webset.item.enriched")
        const made = yield* WebhookSignature.sign({ secret, body, timestamp: NOW })
        expect((yield* verify(`${made},v1=${"a".repeat(64)}`)).type).toBe("webset.item.enriched")
      })
    ))

  it.effect("enforces the tolerance at its edges, past and future", () =>
    Effect.gen(function*() {
      const header = `t=${NOW},v1=${hmac(SECRET, NOW, body)}`
      yield* at(NOW + 300, verify(header))
      yield* at(NOW - 300, verify(header))
      const late = yield* at(NOW + 301, Effect.flip(verify(header)))
      assert(late._tag === "TimestampOutOfTolerance")
      expect([late.timestamp, late.now]).toEqual([NOW, NOW + 301])
      expect(Duration.toMillis(late.tolerance)).toBe(300_000)
      expect((yield* at(NOW - 301, Effect.flip(verify(header))))._tag).toBe("TimestampOutOfTolerance")
      // A custom tolerance; Infinity turns the check off.
      yield* at(NOW + 3000, verify(header, body, "1 hour"))
      expect((yield* at(NOW + 31, Effect.flip(verify(header, body, "30 seconds"))))._tag).toBe(
        "TimestampOutOfTolerance"
      )
      yield* at(NOW + 10_000_000, verify(header, body, Infinity))
    }))

  it.effect("tolerates spaces and unknown keys in the header", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = ` t=${NOW} , v0=legacy,  v1=${hmac(SECRET, NOW, body).toUpperCase()} , x=1,`
        expect((yield* verify(header)).type).toBe("webset.item.enriched")
      })
    ))

  it.effect("a missing or malformed header fails with its own tag", () =>
    at(
      NOW,
      Effect.gen(function*() {
        expect((yield* Effect.flip(verify(undefined)))._tag).toBe("SignatureMissing")
        expect((yield* Effect.flip(verify("   ")))._tag).toBe("SignatureMissing")
        const sig = hmac(SECRET, NOW, body)
        for (
          const header of [
            `v1=${sig}`,
            `t=${NOW}`,
            `t=soon,v1=${sig}`,
            `t=${NOW},v1=xyz`,
            `t=${NOW},t=${NOW},v1=${sig}`,
            "garbage",
            `x-exa-timestamp: ${NOW}`
          ]
        ) {
          const error = yield* Effect.flip(verify(header))
          expect(error._tag, header).toBe("SignatureMalformed")
        }
      })
    ))

  it.effect("a signed body that is not an event is a Decode error keeping the body", () =>
    at(
      NOW,
      Effect.gen(function*() {
        for (const payload of ["", "not json", `{"type":"webset.idle"}`]) {
          const error = yield* Effect.flip(verify(`t=${NOW},v1=${hmac(SECRET, NOW, payload)}`, payload))
          assert(error._tag === "Decode")
          expect(error.body).toBe(payload)
          expect(error.status).toBeUndefined()
          expect(error.message.startsWith("Could not decode the delivery: ")).toBe(true)
        }
        const invalidUtf8 = new Uint8Array([0xff, 0xfe, 0x7b])
        const error = yield* Effect.flip(
          verify(`t=${NOW},v1=${hmac(SECRET, NOW, Buffer.from(invalidUtf8))}`, invalidUtf8)
        )
        assert(error._tag === "Decode")
        expect(error.reason).toContain("UTF-8")
        // Nothing is lost: the raw bytes are kept, and the body is a readable rendering of them.
        expect(error.bytes).toEqual(invalidUtf8)
        expect(error.body).toBe("\uFFFD\uFFFD{")
      })
    ))

  it.effect("the secret appears in no error", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const errors = [
          yield* Effect.flip(verify(undefined)),
          yield* Effect.flip(verify("t=1,v1=zz")),
          yield* Effect.flip(verify(`t=${NOW},v1=${"1".repeat(64)}`)),
          yield* Effect.flip(verify(`t=${NOW - 999},v1=${hmac(SECRET, NOW - 999, body)}`))
        ]
        for (const error of errors) {
          for (const text of [String(error), error.message, JSON.stringify(error)]) expect(text).not.toContain(SECRET)
        }
      })
    ))

  it.effect("several secrets: any one verifies (rotation, one receiver for several webhooks)", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const other = Redacted.make("whsec_other_1")
        const signed = `t=${NOW},v1=${hmac(SECRET, NOW, body)}`
        expect((yield* WebhookSignature.verify({ secret: [other, secret], header: signed, body })).type).toBe(
          "webset.item.enriched"
        )
        expect((yield* WebhookSignature.verify({ secret: [secret, other], header: signed, body })).type).toBe(
          "webset.item.enriched"
        )
        const mismatch = yield* Effect.flip(WebhookSignature.verify({ secret: [other], header: signed, body }))
        expect(mismatch._tag).toBe("SignatureMismatch")
      })
    ))

  it.effect("one malformed v1 beside a valid one does not reject the header", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = `t=${NOW},v1=not-hex,v1=${hmac(SECRET, NOW, body)},v1=${"ab".repeat(20)}`
        expect((yield* verify(header)).type).toBe("webset.item.enriched")
        const none = yield* Effect.flip(verify(`t=${NOW},v1=not-hex,v1=${"ab".repeat(20)}`))
        assert(none._tag === "SignatureMalformed")
        expect(none.reason).toContain("64 hex")
      })
    ))

  it.effect("the cost is bounded: too many candidates or too long a header is SignatureMalformed", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const valid = hmac(SECRET, NOW, body)
        const fill = (n: number) =>
          Array.from({ length: n }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`).join(",")
        // Up to the cap, a valid signature among the others verifies.
        expect((yield* verify(`t=${NOW},${fill(WebhookSignature.maxCandidates - 1)},v1=${valid}`)).type).toBe(
          "webset.item.enriched"
        )
        const many = yield* Effect.flip(verify(`t=${NOW},${fill(WebhookSignature.maxCandidates)},v1=${valid}`))
        assert(many._tag === "SignatureMalformed")
        expect(many.reason).toContain(`more than ${WebhookSignature.maxCandidates}`)
        const thousand = yield* Effect.flip(verify(`t=${NOW},${fill(1000)}`))
        assert(thousand._tag === "SignatureMalformed")
        expect(thousand.header.length).toBeLessThan(300)
        const long = yield* Effect.flip(
          verify(`t=${NOW},v1=${valid},x=${"y".repeat(WebhookSignature.maxHeaderLength)}`)
        )
        assert(long._tag === "SignatureMalformed")
        expect(long.reason).toContain("longer than")
      })
    ))

  it.effect("a missing, empty or odd secret, body or tolerance is InvalidRequest, never a defect", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = `t=${NOW},v1=${hmac(SECRET, NOW, body)}`
        const cases: ReadonlyArray<Record<string, unknown>> = [
          { secret: Redacted.make(""), header, body },
          { secret: [], header, body },
          { secret: undefined, header, body },
          { secret: SECRET, header, body },
          { secret: [secret, Redacted.make("")], header, body },
          { secret, header, body: 42 },
          { secret, header, body: null },
          { secret, header, body, tolerance: "soon" },
          { secret, header, body, tolerance: NaN },
          { secret, header, body, tolerance: {} },
          { secret, header, body, tolerance: -1 }
        ]
        for (const options of cases) {
          const error = yield* Effect.flip(WebhookSignature.verify(options as never))
          expect(error._tag).toBe("InvalidRequest")
          expect(error.message).not.toContain(SECRET)
        }
        // A header that is not a string is a missing one.
        expect((yield* Effect.flip(WebhookSignature.verify({ secret, header: 42 as never, body })))._tag).toBe(
          "SignatureMissing"
        )
      })
    ))

  it.effect("a signed body nested 100,000 levels deep is Decode, never a stack overflow", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const deep = `{"id":"ev_1","object":"event","type":"webset.idle","createdAt":"2026-01-01T00:00:00Z","data":${
          "[".repeat(100_000)
        }${"]".repeat(100_000)}}`
        const error = yield* Effect.flip(verify(`t=${NOW},v1=${hmac(SECRET, NOW, deep)}`, deep))
        expect(error._tag).toBe("Decode")
        const unknown = deep.replace("webset.idle", "webset.future")
        expect((yield* verify(`t=${NOW},v1=${hmac(SECRET, NOW, unknown)}`, unknown)).type).toBe("webset.future")
      })
    ))

  it.effect("sign makes the header Exa makes (a known answer), and verify accepts it", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = yield* WebhookSignature.sign({ secret, body })
        expect(header).toBe(`t=${NOW},v1=${hmac(SECRET, NOW, body)}`)
        expect((yield* verify(header)).id).toBe(enriched.id)
        const bytes = new TextEncoder().encode(body)
        expect(yield* WebhookSignature.sign({ secret, body: bytes, timestamp: 1234567890 })).toBe(
          `t=1234567890,v1=${hmac(SECRET, 1234567890, body)}`
        )
        // The timestamp given is signed, and the secret shows nowhere in the header.
        expect(yield* WebhookSignature.sign({ secret, body, timestamp: 0 })).toBe(`t=0,v1=${hmac(SECRET, 0, body)}`)
        expect(header).not.toContain(SECRET)
      })
    ))

  it.effect("sign: a missing or empty secret, several secrets, an odd body or timestamp are InvalidRequest", () =>
    Effect.gen(function*() {
      const bad: ReadonlyArray<unknown> = [
        { secret: undefined, body },
        { secret: Redacted.make(""), body },
        { secret: SECRET, body },
        { secret: [secret, secret], body },
        { secret, body: 42 },
        { secret, body, timestamp: -1 },
        { secret, body, timestamp: 1.5 },
        { secret, body, timestamp: "1" },
        { secret, body, timestamp: 1e12 },
        null
      ]
      for (const options of bad) {
        const error = yield* Effect.flip(WebhookSignature.sign(options as Parameters<typeof WebhookSignature.sign>[0]))
        expect(error._tag).toBe("InvalidRequest")
      }
      const several = yield* Effect.flip(WebhookSignature.sign({ secret: [secret, secret] as never, body: "{}" }))
      expect(several.reason).toBe("sign with exactly one secret")
      const badTime = yield* Effect.flip(WebhookSignature.sign({ secret, body: "{}", timestamp: -1 }))
      expect(badTime.reason).toBe("timestamp must be unix seconds (a non-negative integer)")
    }))

  it("parseHeader reads t and every v1", () => {
    const parsed = WebhookSignature.parseHeader(`t=12,v1=${"a".repeat(64)},v1=${"B".repeat(64)}`)
    assert(Result.isSuccess(parsed))
    expect(parsed.success).toEqual({ timestamp: 12, signatures: ["a".repeat(64), "b".repeat(64)] })
  })

  it("parseHeader: what each malformed header is told, and what it tolerates", () => {
    const sig = "a".repeat(64)
    const reason = (header: string) => {
      const parsed = WebhookSignature.parseHeader(header)
      return Result.isFailure(parsed) ? parsed.failure.reason : "ok"
    }
    expect(reason(`t=1,garbage,v1=${sig}`)).toBe(`"garbage" is not key=value`)
    expect(reason(`t=1,  garbage ,v1=${sig}`)).toBe(`"garbage" is not key=value`)
    expect(reason(`t=1,${"g".repeat(60)},v1=${sig}`)).toBe(`"${"g".repeat(40)}" is not key=value`)
    expect(reason(`t=1,t=2,v1=${sig}`)).toBe("more than one t")
    expect(reason(`t=12abc,v1=${sig}`)).toBe(`t must be unix seconds, got "12abc"`)
    expect(reason(`t=abc12,v1=${sig}`)).toBe(`t must be unix seconds, got "abc12"`)
    expect(reason(`t=1234567890123,v1=${sig}`)).toBe(`t must be unix seconds, got "1234567890123"`)
    expect(reason(`t=${"9".repeat(50)},v1=${sig}`)).toBe(`t must be unix seconds, got "${"9".repeat(40)}"`)
    expect(reason(`v1=${sig}`)).toBe("no t")
    expect(reason("t=1")).toBe("no v1 signature")
    expect(reason(`t=1,v1=${sig}zz`)).toBe("no v1 signature is 64 hex characters")
    expect(reason(`t=1,v1=zz${sig}`)).toBe("no v1 signature is 64 hex characters")
    // Tolerated: blank parts, a part with an empty key, spaces, many unknown keys (they count for nothing).
    expect(reason(` t=1 , , =x,v1=${sig},`)).toBe("ok")
    expect(reason(`t=1,=x,v1=${sig}`)).toBe("ok")
    expect(reason(`t=1,${Array.from({ length: 40 }, (_, i) => `x${i}=1`).join(",")},v1=${sig}`)).toBe("ok")
    // The length cap is inclusive; the header in the error is cut to 200 characters.
    const exactly = `t=1,v1=${sig},x=${"y".repeat(WebhookSignature.maxHeaderLength - 74)}`
    expect(exactly.length).toBe(WebhookSignature.maxHeaderLength)
    expect(reason(exactly)).toBe("ok")
    const long = WebhookSignature.parseHeader(`${exactly}y`)
    assert(Result.isFailure(long))
    expect(long.failure.reason).toBe(`longer than ${WebhookSignature.maxHeaderLength} characters`)
    expect(long.failure.header).toBe(`${exactly.slice(0, 200)}…`)
    const short = WebhookSignature.parseHeader(`t=x,${"z".repeat(196)}`)
    assert(Result.isFailure(short))
    expect(short.failure.header).toBe(`t=x,${"z".repeat(196)}`)
  })

  it("errors say what happened", () => {
    expect(new WebhookSignature.SignatureMissing().message).toBe("The delivery has no Exa-Signature header")
    expect(new WebhookSignature.SignatureMalformed({ header: "h", reason: "no t" }).message).toBe(
      "Malformed Exa-Signature header: no t"
    )
    expect(new WebhookSignature.SignatureMismatch({ candidates: 2 }).message).toBe(
      "None of the 2 signature(s) matches the delivery"
    )
    // Effect 4 formats durations as `5m` too.
    expect(
      new WebhookSignature.TimestampOutOfTolerance({ timestamp: 10, now: 400, tolerance: Duration.seconds(300) })
        .message
    ).toBe("The signature timestamp 10 is more than 5m from now (400)")
    expect(new WebhookSignature.DeliveryTooLarge({ limit: 10 }).message).toBe(
      "The delivery's body grew past the limit of 10 bytes"
    )
    expect(new WebhookSignature.DeliveryTooLarge({ limit: 10, contentLength: 20 }).message).toBe(
      "The delivery's body is 20 bytes, over the limit of 10"
    )
  })

  it.effect("bad arguments say which", () =>
    at(
      NOW,
      Effect.gen(function*() {
        const header = `t=${NOW},v1=${hmac(SECRET, NOW, body)}`
        const reasonOf = (options: unknown) =>
          Effect.map(
            Effect.flip(WebhookSignature.verify(options as never)),
            (e) => (e._tag === "InvalidRequest" ? e.reason : e._tag)
          )
        expect(yield* reasonOf(null)).toBe("the options must be an object")
        expect(yield* reasonOf("secret")).toBe("the options must be an object")
        expect(yield* reasonOf({ secret: [], header, body })).toBe("no webhook secret was given")
        expect(yield* reasonOf({ secret: SECRET, header, body })).toBe(
          "a webhook secret must be a Redacted string (Redacted.make or Config.Redacted)"
        )
        expect(yield* reasonOf({ secret: Redacted.make(""), header, body })).toBe("a webhook secret is empty")
        expect(yield* reasonOf({ secret: Redacted.make(42), header, body })).toBe("a webhook secret is empty")
        expect(yield* reasonOf({ secret, header, body: 42 })).toBe(
          "the body must be the raw body of the delivery, as a string or a Uint8Array"
        )
        expect(yield* reasonOf({ secret, header, body, tolerance: "soon" })).toBe("tolerance must be a Duration")
      })
    ))
})

describe("WebhookSignature.verifyRequest", () => {
  const edge = JSON.stringify({
    id: "ev_edge",
    object: "event",
    type: "webset.export.created",
    data: {},
    createdAt: "2026-11-30T12:00:00.000Z"
  })
  const signed = (payload: string, key = SECRET) => {
    const t = Math.floor(Date.now() / 1000)
    return `t=${t},v1=${hmac(key, t, payload)}`
  }
  const post = (headers: Record<string, string>, payload?: BodyInit | null, init: RequestInit = {}) =>
    new Request("http://hook.test/", {
      method: "POST",
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      ...init
    })
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

  it.live("a blank header is SignatureMissing, not a malformed one; a malformed one is refused before the body", () =>
    Effect.gen(function*() {
      for (const header of ["   ", "\t"]) {
        expect((yield* verifyWith(post({ "exa-signature": header }, edge)))._tag).toBe("SignatureMissing")
      }
      // The body would fail to read: the header is judged first.
      const malformed = yield* verifyWith(post({ "exa-signature": "t=x" }, broken(), { duplex: "half" } as RequestInit))
      expect(malformed._tag).toBe("SignatureMalformed")
    }))

  it.live("an announced length over the limit is refused with it; exactly the limit is read", () =>
    Effect.gen(function*() {
      const over = yield* verifyWith(
        post({ "exa-signature": signed(edge), "content-length": String(edge.length + 1) }, `${edge} `),
        { secret, maxBodySize: edge.length }
      )
      assert(over instanceof WebhookSignature.DeliveryTooLarge)
      expect({ limit: over.limit, contentLength: over.contentLength }).toEqual({
        limit: edge.length,
        contentLength: edge.length + 1
      })
      const exact = yield* WebhookSignature.verifyRequest({ secret, maxBodySize: edge.length }).pipe(
        Effect.provideService(
          HttpServerRequest.HttpServerRequest,
          HttpServerRequest.fromWeb(
            post({ "exa-signature": signed(edge), "content-length": String(edge.length) }, edge)
          )
        )
      )
      expect(exact.id).toBe("ev_edge")
    }))

  it.live("a body that grows past the limit with no length announced is cut off one byte over it", () =>
    Effect.gen(function*() {
      // Streamed in two chunks, with no content-length.
      const streamed = () => {
        const chunks = [edge.slice(0, 20), edge.slice(20)]
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            const next = chunks.shift()
            if (next === undefined) controller.close()
            else controller.enqueue(new TextEncoder().encode(next))
          }
        })
      }
      const request = () => post({ "exa-signature": signed(edge) }, streamed(), { duplex: "half" } as RequestInit)
      const error = yield* verifyWith(request(), { secret, maxBodySize: edge.length - 1 })
      assert(error instanceof WebhookSignature.DeliveryTooLarge)
      expect(error.limit).toBe(edge.length - 1)
      expect(error.contentLength).toBeUndefined()
      const event = yield* WebhookSignature.verifyRequest({ secret, maxBodySize: edge.length }).pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(request()))
      )
      expect(event.id).toBe("ev_edge")
    }))

  it.live("maxBodySize: 1 is allowed; 0, 1.5 or text is InvalidRequest with its reason; null options are InvalidRequest", () =>
    Effect.gen(function*() {
      const tiny = yield* verifyWith(post({ "exa-signature": signed(edge) }, edge), { secret, maxBodySize: 1 })
      expect(tiny._tag).toBe("DeliveryTooLarge")
      for (const maxBodySize of [0, 1.5, "10"]) {
        const bad = yield* verifyWith(post({ "exa-signature": signed(edge) }, edge), { secret, maxBodySize })
        assert(bad instanceof Errors.InvalidRequest)
        expect(bad.reason).toBe("maxBodySize must be a whole number of bytes, 1 or more")
      }
      // Options that are null (a JavaScript caller): a typed error, never a TypeError.
      const none = yield* verifyWith(post({ "exa-signature": signed(edge) }, edge), null)
      assert(none instanceof Errors.InvalidRequest)
      expect(none.reason).toBe("a webhook secret must be a Redacted string (Redacted.make or Config.Redacted)")
    }))

  it.live("no body at all is an empty body (signed as such, it is a Decode); a body that breaks off is Transport", () =>
    Effect.gen(function*() {
      const empty = yield* verifyWith(post({ "exa-signature": signed("") }))
      expect(empty._tag).toBe("Decode")
      const failed = yield* verifyWith(
        post({ "exa-signature": signed("") }, broken(), { duplex: "half" } as RequestInit)
      )
      assert(failed instanceof Errors.Transport)
      expect(failed.description).toBe("reading the delivery failed: connection reset while reading")
      expect(failed.message).toContain("reading the delivery failed")
    }))

  // A web handler (works on Node, Bun, Deno, edge runtimes) that accepts verified deliveries.
  const handler = HttpEffect.toWebHandler(
    WebhookSignature.verifyRequest({ secret }).pipe(
      Effect.map((event) => HttpServerResponse.jsonUnsafe({ received: event.id })),
      Effect.catch((error) => Effect.succeed(HttpServerResponse.jsonUnsafe({ error: error._tag }, { status: 400 })))
    )
  )

  it("reads the raw body and the Exa-Signature header of the request, in a web handler", async () => {
    const header = signed(body)
    const ok = await handler(
      new Request("http://hook.test/", { method: "POST", headers: { "Exa-Signature": header }, body })
    )
    expect(await ok.json()).toEqual({ received: enriched.id })
    const bad = await handler(
      new Request("http://hook.test/", { method: "POST", headers: { "Exa-Signature": header }, body: body + " " })
    )
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: "SignatureMismatch" })
    const none = await handler(new Request("http://hook.test/", { method: "POST", body }))
    expect(await none.json()).toEqual({ error: "SignatureMissing" })
  })
})
