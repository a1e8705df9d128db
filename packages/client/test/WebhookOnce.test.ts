/**
 * The receiver when copies of one delivery arrive at once (Exa redelivers while a slow handler runs, or two
 * receivers get the same event): the handler runs once, the copies that arrive meanwhile get 409 with Retry-After,
 * a failed handler lets the next copy run it; and a body that lies about its length is cut off at the limit.
 */
import { Dedupe, WebhookReceiver } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
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
      const logs = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Warning") warnings.push(String(message))
        })
      )
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
      expect(warnings.filter((w) => w.includes("(409)"))).toHaveLength(49)
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
})

describe("WebhookReceiver.webHandler against a lying content-length", () => {
  it.effect("a header announcing 10 bytes over a 50 MiB body: 413, having read about maxBodySize", () =>
    Effect.gen(function*() {
      let pulled = 0
      const chunk = new Uint8Array(64 * 1024)
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (++pulled > 800) controller.close() // 800 × 64 KiB = 50 MiB
          else controller.enqueue(chunk)
        }
      }, { highWaterMark: 0 })
      const warnings: Array<string> = []
      const { dispose, handler } = WebhookReceiver.webHandler(
        { secret: Redacted.make(secret), handle: () => Effect.void, maxBodySize: 1024 * 1024 },
        Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => void warnings.push(String(message))))
      )
      const response = yield* Effect.promise(() =>
        handler(
          new Request("http://x/", {
            method: "POST",
            headers: { "exa-signature": sign(""), "content-length": "10" },
            body: stream,
            duplex: "half"
          } as RequestInit)
        )
      )
      expect(response.status).toBe(413)
      // 1 MiB is 16 chunks: cut off at the 17th (a few more may be buffered), never read to 50 MiB.
      expect(pulled).toBeLessThan(24)
      expect(warnings.some((w) => w.includes("(413)"))).toBe(true)
      yield* Effect.promise(dispose)
    }))
})
