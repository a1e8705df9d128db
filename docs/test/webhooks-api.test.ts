/**
 * The webhooks guide's examples, run against the emulator, which delivers for real to the guide's own receiver
 * (docs/examples/webhook-server.ts) over loopback HTTP.
 */
import { WebhooksClient, WebhookSignature } from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { handle, listen, webHandler } from "../examples/webhook-server.js"
import { recentFailures } from "../examples/webhooks-attempts.js"
import { subscribe } from "../examples/webhooks-create.js"
import { replay } from "../examples/webhooks-replay.js"
import { rotate } from "../examples/webhooks-rotate.js"
import { recording } from "./console.js"

const server = (handler: (request: Request) => Promise<Response>) =>
  Effect.acquireRelease(Effect.promise(() => listen(handler)), (s) => Effect.sync(s.close))

const layer = ExaApi.layerClient({
  delivery: { retry: Schedule.spaced("1 minute").pipe(Schedule.intersect(Schedule.recurs(3))) }
})

const enriched = Fixtures.events["webset.item.enriched"]
const idle = Fixtures.events["webset.idle"]

describe("docs: the webhooks API", () => {
  it.scoped("create a webhook, receive and verify deliveries, look at attempts, replay what failed", () =>
    Effect.gen(function*() {
      const { lines, withConsole } = recording()
      // The receiver checks signatures against the real clock (5 minutes either way): start the test clock there.
      yield* TestClock.setTime(Date.now())
      const api = yield* ExaApi.ExaApi
      // The receiver is up only when `up` is true; the guide's handler runs on what it accepts.
      let up = true
      let secret = Redacted.make("not yet")
      const { url } = yield* server((request) =>
        up
          ? webHandler(secret, (event) => withConsole(handle(event)))(request)
          : Promise.resolve(new Response("down", { status: 503 }))
      )
      const webhook = yield* subscribe(url)
      secret = webhook.secret
      const since = DateTime.unsafeMake(yield* Clock.currentTimeMillis)

      yield* api.addEvents([enriched])
      yield* api.flush
      expect(lines).toEqual(["enriched witem_01jx4md4e5f6g7h8j9k0l1m2n3"])

      // The receiver goes down: the idle event fails every attempt, the retries included.
      up = false
      yield* api.addEvents([idle])
      yield* api.flush
      for (let i = 0; i < 3; i++) {
        yield* TestClock.adjust("1 minute")
        yield* api.flush
      }
      up = true
      yield* withConsole(recentFailures(webhook.id))
      expect(lines.slice(1)).toEqual([
        `webset.idle ${idle.id}: HTTP 503 (attempt 4)`,
        `webset.idle ${idle.id}: HTTP 503 (attempt 3)`,
        `webset.idle ${idle.id}: HTTP 503 (attempt 2)`,
        `webset.idle ${idle.id}: HTTP 503 (attempt 1)`
      ])

      // Replay runs the same handler on exactly the missed event.
      const replayed: Array<Event.Event> = []
      const count = yield* replay(webhook.id, since, (event) => Effect.sync(() => void replayed.push(event)))
      expect(count).toBe(1)
      expect(replayed.map((e) => e.id)).toEqual([idle.id])
    }).pipe(Effect.provide(layer)))

  it.scoped("rotate a secret: the receiver accepts both while the old webhook drains, then only the new one", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const api = yield* ExaApi.ExaApi
      let secrets: Array<Redacted.Redacted<string>> = []
      const seen: Array<string> = []
      // Built per request, so that it sees the current secrets.
      const { url } = yield* server((request) =>
        HttpApp.toWebHandler(
          Effect.suspend(() => WebhookSignature.verifyRequest({ secret: secrets })).pipe(
            Effect.map((event) => {
              seen.push(event.id)
              return HttpServerResponse.empty({ status: 204 })
            }),
            Effect.catchAll(() => HttpServerResponse.text("rejected", { status: 401 }))
          )
        )(request)
      )
      const first = yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url })
      secrets = [first.secret]
      const next = yield* rotate(first, (created) =>
        Effect.gen(function*() {
          secrets = [created.secret, first.secret]
          // While both webhooks exist, an event reaches the receiver twice, each copy signed with its own secret.
          yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_during_rotation" })])
          yield* api.flush
        }))
      expect(seen).toEqual(["ev_during_rotation", "ev_during_rotation"])
      seen.length = 0
      expect((yield* Effect.flip(WebhooksClient.getWebhook(first.id)))._tag).toBe("NotFound")
      // Only the new webhook is left, and the receiver can now drop the old secret.
      secrets = [next.secret]
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_after_rotation" })])
      yield* api.flush
      expect(seen).toEqual(["ev_after_rotation"])
      const attempts = yield* WebhooksClient.listAttempts(next.id)
      assert(attempts.data[0]?.successful === true)
    }).pipe(Effect.provide(layer)))
})
