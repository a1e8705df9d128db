import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { handle, listen, webHandler } from "../examples/webhook-server.js"
import { recording } from "./console.js"

describe("docs/examples/webhook-server", () => {
  it.live("accepts signed deliveries over HTTP and rejects forged, stale and non-event ones", () => {
    const { lines, withConsole } = recording()
    const secret = "whsec_docs_example"
    return Effect.acquireRelease(
      // The example's handler, with its Console output kept for the assertions below.
      Effect.promise(() => listen(webHandler(Redacted.make(secret), (event) => withConsole(handle(event))))),
      (server) => Effect.sync(server.close)
    ).pipe(
      Effect.flatMap(({ url }) =>
        Effect.gen(function*() {
          const ok = yield* Webhooks.deliver(url, Fixtures.events["webset.item.enriched"], { secret })
          expect(ok.status).toBe(204)
          expect((yield* Webhooks.deliver(url, Fixtures.events["webset.search.completed"], { secret })).status).toBe(
            204
          )
          expect((yield* Webhooks.deliver(url, Fixtures.events["webset.export.created"], { secret })).status).toBe(204)
          const forged = yield* Webhooks.deliver(url, Fixtures.events["webset.item.enriched"], {
            secret: "whsec_attacker"
          })
          expect([forged.status, forged.body]).toEqual([401, "bad signature"])
          const tampered = yield* Webhooks.deliver(url, Fixtures.events["webset.item.enriched"], {
            secret,
            tamper: (body) => body.replace("Series A", "Series Z")
          })
          expect(tampered.status).toBe(401)
          const stale = yield* Webhooks.deliver(url, Fixtures.events["webset.idle"], {
            secret,
            timestamp: Math.floor(Date.now() / 1000) - 3600
          })
          expect([stale.status, stale.body]).toEqual([401, "stale delivery"])
          const broken = yield* Webhooks.deliver(url, { hello: "x" } as any, { secret })
          expect(broken.status).toBe(400)
          expect(lines).toEqual([
            "enriched witem_01jx4md4e5f6g7h8j9k0l1m2n3",
            "search ws_01jx4m8b2qf6y7w8e9r0t1y2u3 found 50",
            "ignored webset.export.created"
          ])
        })
      ),
      withConsole,
      Effect.scoped
    )
  })
})
