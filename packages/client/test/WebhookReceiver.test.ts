/**
 * The receiver against hostile senders: huge bodies (announced or streamed), bodies that must not be read at all,
 * empty bodies, bad options.
 */
import { WebhookReceiver } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { spawnSync } from "node:child_process"
import { createHmac } from "node:crypto"
import { fileURLToPath } from "node:url"

const secret = "whsec_receiver"
const sign = (body: string) => {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`
}
const event = JSON.stringify({
  id: "ev_1",
  object: "event",
  type: "webset.export.created",
  data: {},
  createdAt: "2026-11-30T12:00:00.000Z"
})

const handled: Array<string> = []
const app = (maxBodySize?: unknown) =>
  WebhookReceiver.webHandler(
    {
      secret: Redacted.make(secret),
      handle: (e) => Effect.sync(() => void handled.push(e.id)),
      ...(maxBodySize === undefined ? {} : { maxBodySize: maxBodySize as number })
    },
    Layer.empty
  )

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

describe("WebhookReceiver.make against hostile senders", () => {
  it.effect("a body over maxBodySize is 413: refused unread when announced, cut off when streamed", () =>
    Effect.gen(function*() {
      const { dispose, handler } = app(1024)
      const big = "x".repeat(2048)
      const announced = yield* Effect.promise(() =>
        handler(
          new Request("http://x/", {
            method: "POST",
            headers: { "exa-signature": sign(big), "content-length": "2048" },
            body: big
          })
        )
      )
      expect([announced.status, yield* Effect.promise(() => announced.text())]).toEqual([413, "the body is too large"])
      const { state, stream } = watched(Array.from({ length: 100 }, () => new Uint8Array(512)))
      const streamed = yield* Effect.promise(() =>
        handler(
          new Request(
            "http://x/",
            { method: "POST", headers: { "exa-signature": sign("") }, body: stream, duplex: "half" } as RequestInit
          )
        )
      )
      expect(streamed.status).toBe(413)
      // Cut off once past the limit, not read to the end.
      expect(state.pulled).toBeLessThan(10)
      expect(handled).toEqual([])
      yield* Effect.promise(dispose)
    }))

  it.effect("without a well-formed signature header the body is never read", () =>
    Effect.gen(function*() {
      const { dispose, handler } = app()
      for (const headers of [{}, { "exa-signature": "garbage" }, { "exa-signature": " " }]) {
        const { state, stream } = watched([new TextEncoder().encode(event)])
        const response = yield* Effect.promise(() =>
          handler(new Request("http://x/", { method: "POST", headers, body: stream, duplex: "half" } as RequestInit))
        )
        expect(response.status).toBe(401)
        expect(state.pulled).toBe(0)
      }
      yield* Effect.promise(dispose)
    }))

  it.effect("a delivery within the limit is handled, streamed or not; an empty one is 400; a bad maxBodySize is 500", () =>
    Effect.gen(function*() {
      const { dispose, handler } = app(event.length)
      const plain = yield* Effect.promise(() =>
        handler(new Request("http://x/", { method: "POST", headers: { "exa-signature": sign(event) }, body: event }))
      )
      expect(plain.status).toBe(204)
      const { stream } = watched([
        new TextEncoder().encode(event.slice(0, 10)),
        new TextEncoder().encode(event.slice(10))
      ])
      const chunked = yield* Effect.promise(() =>
        handler(
          new Request(
            "http://x/",
            { method: "POST", headers: { "exa-signature": sign(event) }, body: stream, duplex: "half" } as RequestInit
          )
        )
      )
      expect(chunked.status).toBe(204)
      const empty = yield* Effect.promise(() =>
        handler(new Request("http://x/", { method: "POST", headers: { "exa-signature": sign("") } }))
      )
      expect(empty.status).toBe(400)
      expect(handled).toEqual(["ev_1", "ev_1"])
      yield* Effect.promise(dispose)
      for (const bad of [0, -1, 1.5, "10", Number.NaN]) {
        const misconfigured = app(bad)
        const response = yield* Effect.promise(() =>
          misconfigured.handler(
            new Request("http://x/", { method: "POST", headers: { "exa-signature": sign(event) }, body: event })
          )
        )
        expect(response.status, String(bad)).toBe(500)
        yield* Effect.promise(misconfigured.dispose)
      }
    }))
})

describe("webHandler, built", () => {
  it("loads Node's fetch classes when it is built, not during the first delivery (a child process, fresh)", () => {
    // Node defines `Request` and `Response` as lazy getters and loads its fetch implementation on first use: an
    // accessor before, a plain value after.
    const script = `
      const loaded = () => "value" in Object.getOwnPropertyDescriptor(globalThis, "Response")
      const { WebhookReceiver } = await import("@effect-exa/client")
      const { Effect, Layer, Redacted } = await import("effect")
      const imported = loaded()
      WebhookReceiver.webHandler({ secret: Redacted.make("whsec_x"), handle: () => Effect.void }, Layer.empty)
      console.log(JSON.stringify({ imported, built: loaded() }))
    `
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8"
    })
    expect(child.stderr).toBe("")
    expect(JSON.parse(child.stdout)).toEqual({ imported: false, built: true })
  })
})
