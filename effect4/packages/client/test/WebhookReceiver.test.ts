/**
 * WebhookReceiver as a web handler: every answer (status and body) and what it logs, hostile senders (bodies over
 * the limit, announced or streamed, bodies that must not be read at all, empty bodies, bad options), and `make` as
 * an `effect/http` server effect. Ported from the Effect 3 line's `WebhookReceiver.test.ts` and the receiver part of
 * `WebhookEdges.test.ts` (the `dedupe` cases are in `WebhookOnce.test.ts`).
 */
import { WebhookReceiver } from "@effect-exa/client"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import { createHmac } from "node:crypto"

const secretText = "whsec_receiver"
const secret = Redacted.make(secretText)
const sign = (body: string, key = secretText) => {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},v1=${createHmac("sha256", key).update(`${t}.${body}`).digest("hex")}`
}
const event = JSON.stringify({
  id: "ev_1",
  object: "event",
  type: "webset.export.created",
  data: {},
  createdAt: "2026-11-30T12:00:00.000Z"
})

const post = (headers: Record<string, string>, body?: BodyInit | null, init: RequestInit = {}) =>
  new Request("http://hook.test/", { method: "POST", headers, ...(body === undefined ? {} : { body }), ...init })

// A body that records whether anyone read it.
const watched = (chunks: ReadonlyArray<Uint8Array>) => {
  const state = { pulled: 0 }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulled++]
      if (next === undefined) controller.close()
      else controller.enqueue(next)
    }
  }, { highWaterMark: 0 }) // pulled only when read
  return { state, stream }
}

const broken = () =>
  new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("connection reset while reading"))
    }
  })

const answer = (handler: (request: Request) => Promise<Response>, request: Request) =>
  Effect.promise(async () => {
    const response = await handler(request)
    return [response.status, await response.text()] as const
  })

// Every log line: its level, message, cause and annotations.
interface Line {
  readonly level: string
  readonly message: unknown
  readonly failed: boolean
  readonly annotations: Record<string, unknown>
}
const recording = () => {
  const lines: Array<Line> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    lines.push({
      level: logLevel,
      message,
      failed: cause.reasons.length > 0,
      annotations: { ...fiber.getRef(References.CurrentLogAnnotations) }
    })
  })
  return { lines, layer: Logger.layer([logger]) }
}

describe("WebhookReceiver.webHandler: the answers", () => {
  it.live("each answer's status and body, and the warning each refusal logs", () =>
    Effect.gen(function*() {
      const handled: Array<string> = []
      const logs = recording()
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret, handle: (e) => Effect.sync(() => void handled.push(e.id)) },
        logs.layer
      )
      expect(yield* answer(handler, post({ "exa-signature": sign(event) }, event))).toEqual([204, ""])
      expect(handled).toEqual(["ev_1"])
      expect(logs.lines).toEqual([])
      expect(yield* answer(handler, post({ "exa-signature": sign("{}") }, "{}"))).toEqual([
        400,
        "the body is not an event"
      ])
      expect(yield* answer(handler, post({ "exa-signature": sign("") }, broken(), { duplex: "half" } as RequestInit)))
        .toEqual([400, "the body could not be read"])
      expect(yield* answer(handler, post({}, event))).toEqual([401, "SignatureMissing"])
      expect(yield* answer(handler, post({ "exa-signature": "t=1" }, event))).toEqual([401, "SignatureMalformed"])
      expect(yield* answer(handler, post({ "exa-signature": sign(event, "whsec_other") }, event))).toEqual([
        401,
        "SignatureMismatch"
      ])
      const stale = `t=1,v1=${createHmac("sha256", secretText).update(`1.${event}`).digest("hex")}`
      expect(yield* answer(handler, post({ "exa-signature": stale }, event))).toEqual([401, "TimestampOutOfTolerance"])
      expect(handled).toEqual(["ev_1"])
      expect(logs.lines.map((l) => [l.level, l.message])).toEqual([
        ["Warn", [
          "the webhook receiver refused a delivery (400): the body is not an event: the body has no string \"type\", so it is not an event"
        ]],
        ["Warn", [
          "the webhook receiver refused a delivery (400): reading the delivery failed: connection reset while reading"
        ]],
        ["Warn", ["the webhook receiver refused a delivery (401): The delivery has no Exa-Signature header"]],
        ["Warn", ["the webhook receiver refused a delivery (401): malformed Exa-Signature header: no v1 signature"]],
        ["Warn", ["the webhook receiver refused a delivery (401): None of the 1 signature(s) matches the delivery"]],
        ["Warn", [
          expect.stringMatching(/^the webhook receiver refused a delivery \(401\): The signature timestamp 1 /)
        ]]
      ])
      // No secret, signature or body in what was logged.
      const logged = JSON.stringify(logs.lines)
      expect(logged).not.toContain(secretText)
      expect(logged).not.toContain(stale.slice(4, 30))
      yield* Effect.promise(dispose)
    }))

  it.live("a handler that fails, dies or throws is a 500, logged with its cause and the event; an unusable secret is a 500", () =>
    Effect.gen(function*() {
      const throws = (): Effect.Effect<void> => {
        throw new Error("thrown before any effect")
      }
      for (const handle of [() => Effect.fail("database down"), () => Effect.die(new Error("bug")), throws]) {
        const logs = recording()
        const failing = WebhookReceiver.webHandler({ secret, handle }, logs.layer)
        expect(yield* answer(failing.handler, post({ "exa-signature": sign(event) }, event))).toEqual([
          500,
          "the handler failed"
        ])
        expect(logs.lines).toEqual([{
          level: "Error",
          message: ["the handler failed; answering 500 so that Exa delivers the event again"],
          failed: true,
          annotations: { "exa.event.id": "ev_1", "exa.event.type": "webset.export.created" }
        }])
        yield* Effect.promise(failing.dispose)
      }

      const logs = recording()
      const misconfigured = WebhookReceiver.webHandler(
        { secret: Redacted.make(""), handle: () => Effect.void },
        logs.layer
      )
      expect(yield* answer(misconfigured.handler, post({ "exa-signature": sign(event) }, event))).toEqual([
        500,
        "the receiver is misconfigured"
      ])
      expect(logs.lines.map((l) => [l.level, l.message])).toEqual([
        ["Error", ["the webhook receiver cannot verify deliveries: Invalid request: a webhook secret is empty"]]
      ])
      yield* Effect.promise(misconfigured.dispose)
    }))

  it.live("the layer provides what the handler needs", () =>
    Effect.gen(function*() {
      class Store extends Context.Service<Store, { readonly put: (id: string) => Effect.Effect<void> }>()("Store") {}
      const stored: Array<string> = []
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret, handle: (e) => Effect.flatMap(Effect.service(Store), (store) => store.put(e.id)) },
        Layer.succeed(Store, { put: (id) => Effect.sync(() => void stored.push(id)) })
      )
      expect(yield* answer(handler, post({ "exa-signature": sign(event) }, event))).toEqual([204, ""])
      expect(stored).toEqual(["ev_1"])
      yield* Effect.promise(dispose)
    }))
})

describe("WebhookReceiver against hostile senders", () => {
  const handled: Array<string> = []
  const app = (maxBodySize?: unknown) =>
    WebhookReceiver.webHandler(
      {
        secret,
        handle: (e) => Effect.sync(() => void handled.push(e.id)),
        ...(maxBodySize === undefined ? {} : { maxBodySize: maxBodySize as number })
      },
      Layer.empty
    )

  it.live("a body over maxBodySize is 413: refused unread when announced, cut off when streamed", () =>
    Effect.gen(function*() {
      handled.length = 0
      const { dispose, handler } = app(1024)
      const big = "x".repeat(2048)
      expect(
        yield* answer(handler, post({ "exa-signature": sign(big), "content-length": "2048" }, big))
      ).toEqual([413, "the body is too large"])
      const { state, stream } = watched(Array.from({ length: 100 }, () => new Uint8Array(512)))
      const streamed = yield* answer(
        handler,
        post({ "exa-signature": sign("") }, stream, { duplex: "half" } as RequestInit)
      )
      expect(streamed[0]).toBe(413)
      // Cut off once past the limit, not read to the end.
      expect(state.pulled).toBeLessThan(10)
      expect(handled).toEqual([])
      yield* Effect.promise(dispose)
    }))

  it.live("without a well-formed signature header the body is never read", () =>
    Effect.gen(function*() {
      const { dispose, handler } = app()
      for (const headers of [{}, { "exa-signature": "garbage" }, { "exa-signature": " " }]) {
        const { state, stream } = watched([new TextEncoder().encode(event)])
        const [status] = yield* answer(handler, post(headers, stream, { duplex: "half" } as RequestInit))
        expect(status).toBe(401)
        expect(state.pulled).toBe(0)
      }
      yield* Effect.promise(dispose)
    }))

  it.live("a delivery within the limit is handled, streamed or not; an empty one is 400; a bad maxBodySize is 500", () =>
    Effect.gen(function*() {
      handled.length = 0
      const { dispose, handler } = app(event.length)
      expect((yield* answer(handler, post({ "exa-signature": sign(event) }, event)))[0]).toBe(204)
      const { stream } = watched([
        new TextEncoder().encode(event.slice(0, 10)),
        new TextEncoder().encode(event.slice(10))
      ])
      const chunked = yield* answer(
        handler,
        post({ "exa-signature": sign(event) }, stream, { duplex: "half" } as RequestInit)
      )
      expect(chunked[0]).toBe(204)
      expect((yield* answer(handler, post({ "exa-signature": sign("") })))[0]).toBe(400)
      expect(handled).toEqual(["ev_1", "ev_1"])
      yield* Effect.promise(dispose)
      for (const bad of [0, -1, 1.5, "10", Number.NaN]) {
        const misconfigured = app(bad)
        const [status] = yield* answer(misconfigured.handler, post({ "exa-signature": sign(event) }, event))
        expect(status, String(bad)).toBe(500)
        yield* Effect.promise(misconfigured.dispose)
      }
    }))
})

describe("WebhookReceiver.make", () => {
  it("never fails: every outcome is an answer; it needs the request and what the handler needs", () => {
    class Db extends Context.Service<Db, { readonly ok: boolean }>()("Db") {}
    const app = WebhookReceiver.make({
      secret,
      handle: () => Effect.flatMap(Effect.service(Db), () => Effect.fail("nope" as const))
    })
    expectTypeOf(app).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, never, Db | HttpServerRequest.HttpServerRequest>
    >()
  })

  it.live("is a server effect over the current HttpServerRequest", () =>
    Effect.gen(function*() {
      const handled: Array<string> = []
      const response = yield* WebhookReceiver.make({ secret, handle: (e) => Effect.sync(() => handled.push(e.id)) })
        .pipe(
          Effect.provideService(
            HttpServerRequest.HttpServerRequest,
            HttpServerRequest.fromWeb(post({ "exa-signature": sign(event) }, event))
          )
        )
      expect(response.status).toBe(204)
      expect(handled).toEqual(["ev_1"])
    }))
})
