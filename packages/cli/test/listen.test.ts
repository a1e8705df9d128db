import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { emulator, freePort, receiver, records, start } from "./harness.js"

const at = (now: number, i: number) => new Date(now - 30_000 + i * 1000).toISOString()

describe("effect-exa listen", () => {
  it.live("forwards new events, signed, to a local receiver that verifies them like real deliveries", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const secret = "whsec_local_given"
      const hook = yield* receiver(secret)
      const { api, env } = yield* emulator()
      const listen = start([
        "listen",
        "--forward-to",
        hook.url,
        "--secret",
        secret,
        "--poll",
        "100ms",
        "--since",
        at(now, 0),
        "--limit",
        "3"
      ], env)
      yield* api.addEvents([
        Fixtures.make("webset.item.created", { id: "ev_1", createdAt: at(now, 1) }),
        Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(now, 2) }),
        Fixtures.make("webset.item.enriched", { id: "ev_3", createdAt: at(now, 3) })
      ])
      const ran = yield* Effect.promise(() => listen.done)
      expect(ran.code).toBe(0)
      expect(hook.handled.map((e) => e.id)).toEqual(["ev_1", "ev_2", "ev_3"])
      // Each delivery shown with its status and latency; the secret given is never printed.
      expect(ran.stdout).toMatch(/delivered\s+204\s+\d+ ms\s+webset\.item\.created\s+ev_1/)
      expect(ran.stdout).toContain("Signed with the secret given")
      expect(ran.stdout + ran.stderr).not.toContain(secret)
    }).pipe(Effect.scoped))

  it.live("a receiver that is down for a while gets every event once it is up, in order, none skipped", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const port = yield* freePort
      const { api, env } = yield* emulator({
        events: [
          Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) }),
          Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(now, 2) })
        ]
      })
      // No --secret: a new one is made and printed first (with --json, as the first record).
      const listen = start(
        [
          "listen",
          "--json",
          "--forward-to",
          `http://127.0.0.1:${port}/hook`,
          "--poll",
          "100ms",
          "--since",
          at(now, 0),
          "--limit",
          "3"
        ],
        env
      )
      yield* Effect.promise(() =>
        listen.until((out) => records(out).some((r) => r.error !== undefined && r.error !== null))
      )
      const secret = records(listen.stdout())[0].secret as string
      expect(secret).toMatch(/^whsec_local_[0-9a-f]{48}$/)
      // Down: failures are shown (connection refused), and tried again.
      const failure = records(listen.stdout()).find((r) => r.error !== undefined && r.error !== null)
      expect(failure).toMatchObject({
        event: { id: "ev_1" },
        delivered: false,
        status: null,
        error: "connection refused"
      })
      expect(failure.retryInMillis).toBeGreaterThan(0)
      // Up: the receiver built with the printed secret verifies every event.
      const hook = yield* receiver(secret, port)
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_3", createdAt: at(now, 3) })])
      const ran = yield* Effect.promise(() => listen.done)
      expect(ran.code).toBe(0)
      expect(hook.handled.map((e) => e.id)).toEqual(["ev_1", "ev_2", "ev_3"])
      const delivered = records(ran.stdout).filter((r) => r.delivered === true)
      expect(delivered.map((r) => r.event.id)).toEqual(["ev_1", "ev_2", "ev_3"])
      expect(delivered.every((r) => r.status === 204 && typeof r.millis === "number")).toBe(true)
    }).pipe(Effect.scoped))

  it.live("a refused delivery (4xx) is shown and not retried; --checkpoint resumes after a restart", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const hook = yield* receiver("whsec_the_receivers")
      const checkpoint = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-listen-")), "listen.json")
      const { api, env } = yield* emulator({
        events: [Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) })]
      })
      const args = [
        "listen",
        "--json",
        "--forward-to",
        hook.url,
        "--secret",
        "whsec_wrong",
        "--poll",
        "100ms",
        "--since",
        at(now, 0),
        "--checkpoint",
        checkpoint
      ]
      const first = yield* Effect.promise(() => start([...args, "--limit", "1"], env).done)
      // Refused: exit 1, as replay does.
      expect(first.code).toBe(1)
      const [, attempt] = records(first.stdout)
      expect(attempt).toMatchObject({ event: { id: "ev_1" }, delivered: false, status: 401, retryInMillis: null })
      expect(hook.requests()).toBe(1)
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(now, 2) })])
      const second = yield* Effect.promise(() => start([...args, "--limit", "1"], env).done)
      expect(records(second.stdout)[1].event.id).toBe("ev_2")
    }).pipe(Effect.scoped))
})
