import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { handler } from "../examples/webhook-receiver.js"

const deliver = (event: unknown, secret: string) =>
  Effect.gen(function*() {
    const body = JSON.stringify(event)
    const signature = yield* Webhooks.sign(body, { secret, timestamp: Math.floor(Date.now() / 1000) })
    const response = yield* Effect.promise(() =>
      handler(new Request("http://localhost/exa", { method: "POST", headers: { "exa-signature": signature }, body }))
    )
    return [response.status, yield* Effect.promise(() => response.text())] as const
  })

describe("docs/examples/webhook-receiver", () => {
  it.effect("handles a signed delivery once, acknowledges the duplicate, refuses a forgery", () =>
    Effect.gen(function*() {
      const event = Fixtures.make("webset.item.enriched", { id: "ev_docs_receiver" })
      expect(yield* deliver(event, "whsec_dev")).toEqual([204, ""])
      expect(yield* deliver(event, "whsec_dev")).toEqual([200, "duplicate"])
      expect(yield* deliver(Fixtures.make("webset.idle", { id: "ev_docs_idle" }), "whsec_attacker")).toEqual([
        401,
        "SignatureMismatch"
      ])
      expect((yield* deliver(Fixtures.make("webset.idle", { id: "ev_docs_idle" }), "whsec_dev"))[0]).toBe(204)
    }))
})
