// #region testing-receiver
import { WebhookReceiver } from "@effect-exa/client"
import { Fixtures, Webhooks } from "@effect-exa/testing"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"

// The receiver under test: a web handler. It runs on a runtime of its own, whose clock is the real one.
const { dispose, handler } = WebhookReceiver.webHandler(
  { secret: Redacted.make("whsec_test"), handle: () => Effect.void },
  Layer.empty
)

const post = (timestamp?: number) =>
  Effect.gen(function*() {
    const body = JSON.stringify(Fixtures.make("webset.idle", { id: "ev_1" }))
    // Without a timestamp, the signature is dated now on the Effect clock: under it.effect, the TestClock's 0.
    const signature = yield* Webhooks.sign(body, { secret: "whsec_test", timestamp })
    const response = yield* Effect.promise(() =>
      handler(new Request("http://localhost/exa", { method: "POST", headers: { "exa-signature": signature }, body }))
    )
    return [response.status, yield* Effect.promise(() => response.text())] as const
  })

describe("a webhook receiver under test", () => {
  it.effect("sign with the real time: the handler checks the timestamp against its own (real) clock", () =>
    Effect.gen(function*() {
      expect(yield* post(Math.floor(Date.now() / 1000))).toEqual([204, ""])
      // Signed at the TestClock's time (1970): more than 300 s from the handler's now.
      expect(yield* post()).toEqual([401, "TimestampOutOfTolerance"])
    }))

  it.live("or test under it.live, where the Effect clock is the real one", () =>
    Effect.gen(function*() {
      expect(yield* post()).toEqual([204, ""])
    }))

  afterAll(() => dispose())
})
// #endregion testing-receiver
