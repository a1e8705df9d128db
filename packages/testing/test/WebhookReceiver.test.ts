/**
 * The ready webhook receiver (`WebhookReceiver.make` / `WebhookReceiver.webHandler`), end to end: the emulator delivers for
 * real to it over loopback HTTP, and its answers are what Exa records.
 */
import { Dedupe, Handlers, WebhookReceiver, WebhooksClient, WebhookSignature } from "@effect-exa/client"
import { ExaApi, Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { serve } from "./receiver.js"

const layer = ExaApi.layerClient({
  delivery: { retry: Schedule.spaced("1 minute").pipe(Schedule.intersect(Schedule.recurs(3))) }
})

describe("WebhookReceiver.make", () => {
  it.scoped("verifies, handles once, answers 500 for a failing handler so Exa redelivers, 200 for a duplicate", () =>
    Effect.gen(function*() {
      // The receiver checks signatures against the real clock: start the emulator's clock there.
      yield* TestClock.setTime(Date.now())
      const api = yield* ExaApi.ExaApi
      const handled: Array<string> = []
      let failures = 1
      let secret = Redacted.make("set below")
      const handle = Handlers.make({
        "webset.item.enriched": (event) =>
          Effect.suspend(() =>
            failures-- > 0 ? Effect.fail("database down" as const) : Effect.sync(() => void handled.push(event.id))
          ),
        orElse: (event) => Effect.sync(() => void handled.push(event.id))
      })
      const { dispose, handler } = WebhookReceiver.webHandler(
        {
          get secret() {
            return secret
          },
          handle,
          dedupe: true
        },
        Dedupe.layerMemory
      )
      yield* Effect.addFinalizer(() => Effect.promise(dispose))
      const url = yield* serve(handler)
      const hook = yield* WebhooksClient.createWebhook({ events: ["webset.item.enriched", "webset.idle"], url })
      secret = hook.secret

      const enriched = Fixtures.make("webset.item.enriched", { id: "ev_enriched" })
      yield* api.addEvents([enriched, Fixtures.make("webset.idle", { id: "ev_idle" })])
      yield* api.flush
      // The handler failed on the first delivery of ev_enriched: 500, so the emulator retries it.
      yield* TestClock.adjust("1 minute")
      yield* api.flush
      expect(handled.sort()).toEqual(["ev_enriched", "ev_idle"])
      const attempts = (yield* WebhooksClient.listAttempts(hook.id)).data
      expect(attempts.filter((a) => a.eventId === "ev_enriched").map((a) => [a.attempt, a.responseStatusCode])).toEqual(
        [
          [2, 204],
          [1, 500]
        ]
      )
      expect(attempts.find((a) => a.eventId === "ev_idle")?.responseStatusCode).toBe(204)

      // Delivered again (Exa retrying, or a replay): acknowledged, not handled twice.
      const again = yield* Webhooks.deliver(url, enriched, { secret: hook.secret })
      expect([again.status, again.body]).toEqual([200, "duplicate"])
      expect(handled.filter((id) => id === "ev_enriched")).toHaveLength(1)

      // Forged, stale, unsigned or not an event: never reaches the handler.
      const forged = yield* Webhooks.deliver(url, Fixtures.make("webset.idle", { id: "ev_forged" }), {
        secret: "whsec_attacker"
      })
      expect([forged.status, forged.body]).toEqual([401, "SignatureMismatch"])
      const stale = yield* Webhooks.deliver(url, Fixtures.make("webset.idle", { id: "ev_stale" }), {
        secret: hook.secret,
        timestamp: Math.floor(Date.now() / 1000) - 3600
      })
      expect(stale.status).toBe(401)
      const unsigned = yield* Effect.promise(() => fetch(url, { method: "POST", body: "{}" }))
      expect(unsigned.status).toBe(401)
      const notAnEvent = yield* Webhooks.deliver(url, { hello: "x" } as any, { secret: hook.secret })
      expect(notAnEvent.status).toBe(400)
      expect(handled.sort()).toEqual(["ev_enriched", "ev_idle"])
    }).pipe(Effect.provide(layer)))

  it.effect("a handler that dies is a 500 too, and a receiver with no usable secret answers 500", () =>
    Effect.gen(function*() {
      const body = JSON.stringify(Fixtures.events["webset.idle"])
      const header = yield* Webhooks.sign(body, { secret: "whsec_s", timestamp: Math.floor(Date.now() / 1000) })
      const dying = WebhookReceiver.webHandler(
        { secret: Redacted.make("whsec_s"), handle: () => Effect.die("bug") },
        Layer.empty
      )
      const request = () => new Request("http://x/hook", { method: "POST", headers: { "exa-signature": header }, body })
      const died = yield* Effect.promise(() => dying.handler(request()))
      expect(died.status).toBe(500)
      const misconfigured = WebhookReceiver.webHandler({ secret: [], handle: () => Effect.void }, Layer.empty)
      expect((yield* Effect.promise(() => misconfigured.handler(request()))).status).toBe(500)
      const ok = WebhookReceiver.webHandler(
        { secret: Redacted.make("whsec_s"), handle: () => Effect.void },
        Layer.empty
      )
      const fine = yield* Effect.promise(() => ok.handler(request()))
      expect(fine.status).toBe(204)
      // No Dedupe given: the same delivery is handled again.
      expect((yield* Effect.promise(() => ok.handler(request()))).status).toBe(204)
      // A Dedupe in context changes nothing unless the receiver asks for it (`dedupe: true`): behaviour is never ambient.
      let runs = 0
      const ambient = WebhookReceiver.webHandler(
        { secret: Redacted.make("whsec_s"), handle: () => Effect.sync(() => void runs++) },
        Dedupe.layerMemory
      )
      expect((yield* Effect.promise(() => ambient.handler(request()))).status).toBe(204)
      expect((yield* Effect.promise(() => ambient.handler(request()))).status).toBe(204)
      expect(runs).toBe(2)
      yield* Effect.promise(() => ambient.dispose())
      yield* Effect.promise(() => Promise.all([dying.dispose(), misconfigured.dispose(), ok.dispose()]))
    }))
})

describe("Webhooks.sign", () => {
  it.effect("is the client's signer (WebhookSignature.sign): the same header for the same body, secret and time", () =>
    Effect.gen(function*() {
      const secret = Redacted.make("whsec_one-signer")
      const body = JSON.stringify(Fixtures.make("webset.idle", { id: "ev_sign" }))
      const ours = yield* Webhooks.sign(body, { secret, timestamp: 1_700_000_000 })
      expect(ours).toBe(yield* WebhookSignature.sign({ secret, body, timestamp: 1_700_000_000 }))
      // Extra signatures go before the real one, which the client still finds.
      const rotated = yield* Webhooks.sign(body, {
        secret: "whsec_one-signer",
        timestamp: 1_700_000_000,
        extraSignatures: ["00"]
      })
      expect(rotated).toBe(ours.replace(",v1=", ",v1=00,v1="))
    }))
})
