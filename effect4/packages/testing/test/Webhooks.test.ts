/**
 * Signed deliveries: `sign` is the client's signer, `delivery` builds what Exa sends, `deliver` POSTs it to a URL
 * (a loopback server here), and the client's `WebhookSignature.verify` accepts what arrives.
 */
import { WebhookSignature } from "@effect-exa/client"
import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { createHmac } from "node:crypto"
import { createServer } from "node:http"

describe("Webhooks.sign", () => {
  it.effect("is the client's signer (WebhookSignature.sign): the same header for the same body, secret and time", () =>
    Effect.gen(function*() {
      const secret = Redacted.make("whsec_one-signer")
      const body = JSON.stringify(Fixtures.make("webset.idle", { id: "ev_sign" }))
      const ours = yield* Webhooks.sign(body, { secret, timestamp: 1_700_000_000 })
      expect(ours).toBe(yield* WebhookSignature.sign({ secret, body, timestamp: 1_700_000_000 }))
      const expected = createHmac("sha256", "whsec_one-signer").update(`1700000000.${body}`).digest("hex")
      expect(ours).toBe(`t=1700000000,v1=${expected}`)
      // Extra signatures go before the real one, which the client still finds.
      const rotated = yield* Webhooks.sign(body, {
        secret: "whsec_one-signer",
        timestamp: 1_700_000_000,
        extraSignatures: ["00"]
      })
      expect(rotated).toBe(ours.replace(",v1=", ",v1=00,v1="))
    }))

  it.effect("a bad option of the test's own (an empty secret) is a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Webhooks.sign("{}", { secret: "" }))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
    }))
})

describe("Webhooks.deliver", () => {
  it.live("POSTs the event's JSON, signed, and gives the receiver's status and body; the client verifies it", () =>
    Effect.gen(function*() {
      const received: Array<{ readonly signature: string | undefined; readonly body: string }> = []
      const server = createServer((req, res) => {
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => {
          received.push({ signature: req.headers["exa-signature"] as string | undefined, body })
          res.writeHead(202, { "content-type": "text/plain" }).end("queued")
        })
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.sync(() => server.close())
      )
      const { port } = server.address() as { readonly port: number }
      const event = Fixtures.make("webset.item.enriched", { id: "ev_delivered" })
      const reply = yield* Webhooks.deliver(`http://127.0.0.1:${port}/hook`, event, { secret: "whsec_x" })
      expect(reply).toEqual({ status: 202, body: "queued" })
      const [delivery] = received
      expect(JSON.parse(delivery!.body)).toEqual(event)
      const verified = yield* WebhookSignature.verify({
        secret: Redacted.make("whsec_x"),
        header: delivery!.signature,
        body: delivery!.body
      })
      expect(verified.id).toBe("ev_delivered")
      // A tampered body keeps the signature of the original: the client refuses it.
      yield* Webhooks.deliver(`http://127.0.0.1:${port}/hook`, event, {
        secret: "whsec_x",
        tamper: (body) => body.replace("ev_delivered", "ev_forged")
      })
      const forged = yield* Effect.flip(WebhookSignature.verify({
        secret: Redacted.make("whsec_x"),
        header: received[1]!.signature,
        body: received[1]!.body
      }))
      expect(forged._tag).toBe("SignatureMismatch")
    }).pipe(Effect.scoped))

  it.effect("delivery builds the body and headers from a decoded event too", () =>
    Effect.gen(function*() {
      const event = Fixtures.makeEvent("webset.idle", { id: "ev_decoded" })
      const made = yield* Webhooks.delivery(event, { secret: "whsec_x", timestamp: 1_700_000_000 })
      expect(JSON.parse(made.body)).toEqual(Fixtures.make("webset.idle", { id: "ev_decoded" }))
      expect(made.headers["content-type"]).toBe("application/json")
      expect(made.headers["exa-signature"]).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/)
    }))
})
