/**
 * The receiver docs/cli.md shows for `effect-exa listen`, run as its page says: a program of its own, with its
 * secret in EXA_WEBHOOK_SECRET, delivered to over HTTP.
 */
import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import { compile, run, start } from "./program.js"

const freePort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

describe("docs/cli.md: the receiver for listen", () => {
  it.live(
    "verifies deliveries signed with EXA_WEBHOOK_SECRET and refuses others; without the secret, says so",
    () =>
      Effect.gen(function*() {
        const file = yield* compile("cli-receiver.ts", "receiver.mjs")
        const port = yield* freePort
        const secret = "whsec_local_docs"
        const receiver = yield* start(file, { EXA_WEBHOOK_SECRET: secret, PORT: String(port) })
        yield* Effect.promise(async () => {
          while (!receiver.stdout().includes("listening on")) {
            if (receiver.child.exitCode !== null) throw new Error(`the receiver ended: ${receiver.stderr()}`)
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
        })
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
