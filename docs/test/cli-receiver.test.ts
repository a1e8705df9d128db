/**
 * The receiver docs/cli.md shows for `effect-exa listen`, run as its page says: a program of its own, with its
 * secret in EXA_WEBHOOK_SECRET, delivered to over HTTP.
 */
import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { compile, run, start } from "./program.js"

describe("docs/cli.md: the receiver for listen", () => {
  it.live(
    "verifies deliveries signed with EXA_WEBHOOK_SECRET and refuses others; without the secret, says so",
    () =>
      Effect.gen(function*() {
        const file = yield* compile("cli-receiver.ts", "receiver.mjs")
        const secret = "whsec_local_docs"
        // PORT=0: the receiver takes a free port and says which (a port picked here could be taken meanwhile).
        const receiver = yield* start(file, { EXA_WEBHOOK_SECRET: secret, PORT: "0" })
        const port = yield* Effect.promise(async () => {
          for (;;) {
            const listening = receiver.stdout().match(/listening on http:\/\/localhost:(\d+)\/webhook/)
            if (listening !== null) return Number(listening[1])
            if (receiver.child.exitCode !== null) throw new Error(`the receiver ended: ${receiver.stderr()}`)
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
        })
        expect(port).toBeGreaterThan(0)
        const url = `http://127.0.0.1:${port}/webhook`
        const event = Fixtures.make("webset.idle", { id: "ev_docs_cli" })
        expect((yield* Webhooks.deliver(url, event, { secret, timestamp: Math.floor(Date.now() / 1000) })).status).toBe(
          204
        )
        expect(
          (yield* Webhooks.deliver(url, event, { secret: "whsec_other", timestamp: Math.floor(Date.now() / 1000) }))
            .status
        ).toBe(401)
        expect(receiver.stdout()).toContain("received webset.idle ev_docs_cli")

        const missing = yield* run(file, { PORT: String(port) })
        expect(missing.code).toBe(1)
        expect(missing.stderr).toContain("EXA_WEBHOOK_SECRET")

        // The port is the running receiver's: a second one says why it cannot listen, and never that it listens.
        const taken = yield* run(file, { EXA_WEBHOOK_SECRET: secret, PORT: String(port) })
        expect(taken.code).toBe(1)
        expect(taken.stdout).not.toContain("listening on")
        expect(taken.stderr).toContain("EADDRINUSE")
      }).pipe(Effect.scoped),
    120_000
  )
})
