/**
 * What one webhook verification costs as the sender chooses the header: a 1 MB body with one `v1` candidate, with
 * as many as the header may carry, and with 1,000 (refused as malformed before any MAC is computed). Also a
 * hand-written `node:crypto` verification of the single candidate, for scale.
 */
import { WebhookSignature } from "@effect-exa/client"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { createHmac, timingSafeEqual } from "node:crypto"
import { fmt, measureAsync, table } from "./harness.js"

const secretText = "whsec_bench_0123456789"
const secret = Redacted.make(secretText)
const now = Math.floor(Date.now() / 1000)
const body = JSON.stringify({ padding: "x".repeat(1024 * 1024 - 20) })
const valid = createHmac("sha256", secretText).update(`${now}.`).update(body).digest("hex")
const filler = (n: number) => Array.from({ length: n }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`).join(",")
// Headers built once, so that only the verification is measured.
const atCap = `t=${now},${filler(WebhookSignature.maxCandidates - 1)},v1=${valid}`
const thousand = `t=${now},${filler(1000)}`

const cases: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  [
    "WebhookSignature.verifySignature, 1 candidate",
    () => Effect.runPromise(WebhookSignature.verifySignature({ secret, header: `t=${now},v1=${valid}`, body }))
  ],
  [
    `WebhookSignature.verifySignature, ${WebhookSignature.maxCandidates} candidates (the cap; the valid one last)`,
    () =>
      Effect.runPromise(
        WebhookSignature.verifySignature({ secret, header: atCap, body })
      )
  ],
  [
    "WebhookSignature.verifySignature, 1,000 candidates (refused: SignatureMalformed)",
    () => Effect.runPromise(Effect.either(WebhookSignature.verifySignature({ secret, header: thousand, body })))
  ],
  [
    "node:crypto createHmac + timingSafeEqual, 1 candidate (by hand)",
    async () => {
      const expected = createHmac("sha256", secretText).update(`${now}.`).update(body).digest()
      return timingSafeEqual(expected, Buffer.from(valid, "hex"))
    }
  ]
]

export const runWebhook = async (): Promise<string> => {
  const medians = await measureAsync(cases, { batchMs: 60 })
  const base = medians[0]!
  return [
    "## Webhook verification of a 1 MB body (interleaved 60 ms batches, medians)",
    "",
    table(
      ["case", "µs per verification", "× 1 candidate"],
      cases.map(([name], index) => [name, fmt(medians[index]!, 1), fmt(medians[index]! / base, 2)])
    ),
    ""
  ].join("\n")
}
