/**
 * The receiver with `dedupe: true` when copies of one delivery arrive at once (Exa redelivers while a slow handler
 * runs, or two receivers get the same event): the handler runs once, the copies that arrive meanwhile get 409 with
 * Retry-After, a failed handler lets the next copy run it. Ported from the Effect 3 line's `WebhookOnce.test.ts`
 * (its lying content-length case is in `WebhookReceiver.test.ts` here).
 */
import { Dedupe, WebhookReceiver } from "@effect-exa/client"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import { createHmac } from "node:crypto"

const secret = "whsec_once"
const sign = (body: string) => {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`
}
const body = JSON.stringify({
  id: "ev_once",
  object: "event",
  type: "webset.export.created",
  data: {},
  createdAt: "2026-11-30T12:00:00.000Z"
})
const deliver = (handler: (request: Request) => Promise<Response>, text = body) =>
  handler(new Request("http://x/", { method: "POST", headers: { "exa-signature": sign(text) }, body: text }))

// A gate the handler waits on, opened by the test.
const gate = () => {
  let open = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

describe("WebhookReceiver.make with a Dedupe, under concurrent copies", () => {
  it.effect("50 copies at once: the handler runs once; the others get 409 with Retry-After; then 200 duplicate", () =>
    Effect.gen(function*() {
      let runs = 0
      const { open, opened } = gate()
      const warnings: Array<string> = []
      const logs = Logger.layer([
        Logger.make(({ fiber, logLevel, message }) => {
          if (logLevel === "Warn") {
            const annotations = fiber.getRef(References.CurrentLogAnnotations)
            warnings.push(`${String(message)} ${String(annotations["exa.event.id"])}`)
          }
        })
      ])
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret: Redacted.make(secret), handle: () => Effect.promise(() => (runs++, opened)), dedupe: true },
        Layer.merge(Dedupe.layerMemory, logs)
      )
      const answers = Array.from({ length: 50 }, () => deliver(handler))
      const first49 = yield* Effect.promise(() =>
        new Promise<Array<Response>>((resolve) => {
          const done: Array<Response> = []
          for (const answer of answers) {
            void answer.then((response) => {
              done.push(response)
              if (done.length === 49) resolve(done)
            })
          }
        })
      )
      expect(first49.map((r) => r.status)).toEqual(Array(49).fill(409))
      expect(first49.every((r) => Number(r.headers.get("retry-after")) >= 1)).toBe(true)
      expect(yield* Effect.promise(() => first49[0]!.text())).toBe("another copy of this event is being handled")
      open()
      const statuses = (yield* Effect.promise(() => Promise.all(answers))).map((r) => r.status)
      expect(statuses.filter((s) => s === 204)).toHaveLength(1)
      expect(runs).toBe(1)
      const again = yield* Effect.promise(() => deliver(handler))
      expect([again.status, yield* Effect.promise(() => again.text())]).toEqual([200, "duplicate"])
      expect(runs).toBe(1)
      expect(warnings.filter((w) => w.includes("(409)") && w.endsWith("ev_once"))).toHaveLength(49)
      yield* Effect.promise(dispose)
    }))

  it.effect("a failing handler answers 500 and releases the claim: the next copy runs it and gets 204", () =>
    Effect.gen(function*() {
      let runs = 0
      const { dispose, handler } = WebhookReceiver.webHandler(
        {
          secret: Redacted.make(secret),
          handle: () => Effect.suspend(() => ++runs === 1 ? Effect.fail("boom") : Effect.void),
          dedupe: true
        },
        Dedupe.layerMemory
      )
      expect((yield* Effect.promise(() => deliver(handler))).status).toBe(500)
      expect((yield* Effect.promise(() => deliver(handler))).status).toBe(204)
      expect((yield* Effect.promise(() => deliver(handler))).status).toBe(200)
      expect(runs).toBe(2)
      yield* Effect.promise(dispose)
    }))

  it.effect("without dedupe every genuine copy runs the handler, even with a Dedupe in the layer", () =>
    Effect.gen(function*() {
      let runs = 0
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret: Redacted.make(secret), handle: () => Effect.sync(() => runs++) },
        Dedupe.layerMemory
      )
      for (let i = 0; i < 3; i++) expect((yield* Effect.promise(() => deliver(handler))).status).toBe(204)
      expect(runs).toBe(3)
      yield* Effect.promise(dispose)
    }))

  it("with dedupe: true the receiver's type requires a Dedupe; without, it does not", () => {
    const options = { secret: Redacted.make(secret), handle: () => Effect.void }
    expectTypeOf(WebhookReceiver.make({ ...options, dedupe: true })).toEqualTypeOf<
      Effect.Effect<
        HttpServerResponse.HttpServerResponse,
        never,
        Dedupe.Dedupe | HttpServerRequest.HttpServerRequest
      >
    >()
    expectTypeOf(WebhookReceiver.make(options)).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    >()
  })
})
