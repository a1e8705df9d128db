import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { emulator, freePort, receiver, records, run } from "./harness.js"

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /)

describe("effect-exa webhooks", () => {
  it.live("a create answer that does not decode: the secret is printed nowhere, and the webhook that may exist is named", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator()
      const secret = "whsec_cli0123456789abcdef0123456789abcdef0123456789"
      // The whole answer the secret (as text), and an object holding it with a bad field (as JSON).
      const cases = [[JSON.stringify(secret), []], [JSON.stringify({ ...Fixtures.webhook, secret, status: 7 }), [
        "--json"
      ]]] as const
      for (const [body, args] of cases) {
        yield* api.failNext({ _tag: "Body", body })
        const ran = yield* run([
          "webhooks",
          "create",
          "--url",
          "https://hooks.example.com/exa",
          "--events",
          "webset.idle",
          ...args
        ], env)
        expect(ran.code).toBe(6)
        expect(ran.stdout + ran.stderr).not.toContain(secret.slice(6, 30))
        expect(ran.stderr).toContain("A webhook may have been created")
        noStack(ran.stderr)
      }
    }).pipe(Effect.scoped))

  it.live("create, list, get, update, delete: text and JSON", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator()
      const created = yield* run(
        [
          "webhooks",
          "create",
          "--url",
          "https://hooks.example.com/exa",
          "--events",
          "webset.idle",
          "-e",
          "webset.item.created",
          "-m",
          "team=growth"
        ],
        env
      )
      expect(created.code).toBe(0)
      const [stored] = yield* api.webhooks
      // The secret is shown, once, with a reminder to keep it.
      expect(created.stdout).toContain(stored!.id)
      expect(created.stdout).toMatch(/secret\s+whsec_/)
      expect(created.stderr).toContain("shown only now")
      expect(stored!.events).toEqual(["webset.idle", "webset.item.created"])
      expect(stored!.metadata).toEqual({ team: "growth" })

      const json = records(
        (yield* run(["webhooks", "create", "--json", "--url", "https://b.example.com", "--events", "webset.idle"], env))
          .stdout
      )
      expect(json).toHaveLength(1)
      expect(json[0]).toMatchObject({ object: "webhook", url: "https://b.example.com", status: "active" })
      expect(json[0].secret).toMatch(/^whsec_/)
      const second = json[0].id as string

      const list = yield* run(["webhooks", "list"], env)
      expect(list.code).toBe(0)
      expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+STATUS\s+CREATED\s+URL\s+EVENTS$/)
      expect(list.stdout).toContain(stored!.id)
      expect(list.stdout).toContain(second)
      expect(records((yield* run(["webhooks", "list", "--json"], env)).stdout).map((w) => w.secret)).toEqual([
        null,
        null
      ])

      const got = records((yield* run(["webhooks", "get", second, "--json"], env)).stdout)[0]
      expect(got).toMatchObject({ id: second, secret: null })

      const updated = yield* run(["webhooks", "update", second, "--url", "https://c.example.com/hook", "--json"], env)
      expect(updated.code).toBe(0)
      expect(records(updated.stdout)[0]).toMatchObject({
        id: second,
        url: "https://c.example.com/hook",
        events: ["webset.idle"]
      })
      const nothing = yield* run(["webhooks", "update", second], env)
      expect(nothing.code).toBe(2)
      expect(nothing.stderr).toContain("Nothing to change")

      const deleted = yield* run(["webhooks", "delete", second], env)
      expect(deleted.code).toBe(0)
      expect(deleted.stdout).toContain(`Deleted webhook ${second}`)
      const gone = yield* run(["webhooks", "get", second], env)
      expect(gone.code).toBe(3)
      expect(gone.stderr).toContain(`Webhook "${second}" not found`)
    }).pipe(Effect.scoped), 120_000) // eleven runs of the command line: 17 s on a quiet machine, past 30 s on a busy one

  it.live("bad input exits 2 before any request: no events, an unknown type, metadata without =, a plain-http URL", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator()
      for (
        const args of [
          ["webhooks", "create", "--url", "https://a.example.com"],
          ["webhooks", "create", "--url", "https://a.example.com", "--events", "webset.nope"],
          ["webhooks", "create", "--url", "https://a.example.com", "--events", "webset.idle", "-m", "novalue"],
          ["webhooks", "create", "--url", "http://example.com/hook", "--events", "webset.idle"],
          ["webhooks", "attempts", "wh_1", "--limit", "0"]
        ]
      ) {
        const ran = yield* run(args, env)
        expect(ran.code, args.join(" ")).toBe(2)
        expect(ran.stderr).toMatch(/^error: /)
        noStack(ran.stderr)
      }
      expect(yield* api.webhooks).toEqual([])
    }).pipe(Effect.scoped))

  it.live("attempts lists deliveries newest first; --failed only the failed ones", () =>
    Effect.gen(function*() {
      const hook = yield* receiver("whsec_unused")
      const { api, env } = yield* emulator({ delivery: { retry: Schedule.stop } })
      const created = records(
        (yield* run([
          "webhooks",
          "create",
          "--json",
          "--url",
          hook.url,
          "--events",
          "webset.idle,webset.item.created"
        ], env)).stdout
      )[0]
      // The receiver verifies with another secret: every delivery is refused (401).
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_1" }),
        Fixtures.make("webset.item.created", { id: "ev_2" })
      ])
      yield* api.flush
      const all = records((yield* run(["webhooks", "attempts", created.id, "--json"], env)).stdout)
      expect(all.map((a) => a.eventId).sort()).toEqual(["ev_1", "ev_2"])
      expect(all.every((a) => a.successful === false && a.responseStatusCode === 401)).toBe(true)
      const text = yield* run(["webhooks", "attempts", created.id, "--failed"], env)
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/^ATTEMPTED\s+RESULT\s+STATUS\s+TRY\s+TYPE\s+EVENT/)
      expect(text.stdout).toMatch(/failed\s+401\s+1\s+webset\.idle\s+ev_1/)
      const missing = yield* run(["webhooks", "attempts", "wh_missing"], env)
      expect(missing.code).toBe(3)
    }).pipe(Effect.scoped))

  it.live("replay re-sends what failed, signed, to a receiver built on WebhookReceiver.make; exit 1 while any still fails", () =>
    Effect.gen(function*() {
      const secret = "whsec_replay_test"
      const port = yield* freePort
      const { api, env } = yield* emulator({ delivery: { retry: Schedule.stop } })
      // Exa delivers to a receiver that is down.
      const created = records(
        (yield* run([
          "webhooks",
          "create",
          "--json",
          "--url",
          `http://127.0.0.1:${port}/hook`,
          "--events",
          "webset.idle"
        ], env)).stdout
      )[0]
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_old", createdAt: new Date(Date.now() - 120_000).toISOString() }),
        Fixtures.make("webset.idle", { id: "ev_new", createdAt: new Date(Date.now() - 60_000).toISOString() })
      ])
      yield* api.flush
      // Replayed to a receiver that is still down: both fail, exit 1.
      const down = yield* run([
        "webhooks",
        "replay",
        created.id,
        "--forward-to",
        `http://127.0.0.1:${port}/hook`,
        "--secret",
        secret
      ], env)
      expect(down.code).toBe(1)
      expect(down.stderr).toContain("2 failed")
      // Up again: each event arrives once, verified, oldest failure first.
      const hook = yield* receiver(secret, port)
      const ran = yield* run(["webhooks", "replay", created.id, "--forward-to", hook.url, "--secret", secret], env)
      expect(ran.code).toBe(0)
      expect(ran.stdout).not.toContain(secret)
      expect(ran.stderr).toContain("Replayed 2 events: 2 delivered, 0 failed.")
      expect(hook.handled.map((e) => e.id).sort()).toEqual(["ev_new", "ev_old"])
      expect(ran.stdout).toMatch(/delivered\s+204/)
    }).pipe(Effect.scoped))

  it.live("replay with nothing to replay says so and exits 0", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const created = records(
        (yield* run(
          ["webhooks", "create", "--json", "--url", "https://a.example.com", "--events", "webset.idle"],
          env
        )).stdout
      )[0]
      const ran = yield* run(["webhooks", "replay", created.id, "--forward-to", "http://127.0.0.1:9/hook"], env)
      expect(ran.code).toBe(0)
      expect(ran.stderr).toContain("No failed deliveries")
      const badUrl = yield* run(["webhooks", "replay", created.id, "--forward-to", "localhost:3000"], env)
      expect(badUrl.code).toBe(2)
    }).pipe(Effect.scoped))

  it.live("Webhooks.sign agrees with the receiver (sanity of the harness)", () =>
    Effect.gen(function*() {
      const hook = yield* receiver("whsec_x")
      const delivered = yield* Webhooks.deliver(hook.url, Fixtures.events["webset.idle"], { secret: "whsec_x" })
      expect(delivered.status).toBe(204)
      expect(hook.handled).toHaveLength(1)
    }).pipe(Effect.scoped))
})
