import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { emulator, records, run, series } from "./harness.js"

// Events a minute apart, the newest first in the API's order.
describe("effect-exa events list", () => {
  it.live("one page of 25, newest first, with a note that there are more", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator({ events: series(30) })
      const ran = yield* run(["events", "list"], env)
      expect(ran.code).toBe(0)
      const lines = ran.stdout.trim().split("\n")
      expect(lines[0]).toMatch(/^CREATED\s+TYPE\s+ID\s+WEBSET$/)
      expect(lines).toHaveLength(26)
      expect(lines[1]).toContain("ev_0029")
      expect(lines[25]).toContain("ev_0005")
      expect(ran.stderr).toContain("there are more")
    }).pipe(Effect.scoped))

  it.live("--json, --limit, --types, --since and --until", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator({ events: series(30) })
      const limited = records((yield* run(["events", "list", "--json", "--limit", "3"], env)).stdout)
      expect(limited.map((e) => e.id)).toEqual(["ev_0029", "ev_0028", "ev_0027"])
      const idle = records(
        (yield* run(["events", "list", "--json", "--types", "webset.idle", "--limit", "100"], env)).stdout
      )
      expect(idle).toHaveLength(15)
      expect(idle.every((e) => e.type === "webset.idle")).toBe(true)
      const both = records(
        (yield* run(["events", "list", "--json", "-t", "webset.idle,webset.item.created", "--limit", "100"], env))
          .stdout
      )
      expect(both).toHaveLength(30)
      const window = records(
        (yield* run(
          ["events", "list", "--json", "--since", "2026-11-01T00:10:00Z", "--until", "2026-11-01T00:12:00Z"],
          env
        )).stdout
      )
      expect(window.map((e) => e.id)).toEqual(["ev_0012", "ev_0011", "ev_0010"])
      const fromDate = records(
        (yield* run(["events", "list", "--json", "--since", "2026-11-02", "--limit", "100"], env)).stdout
      )
      expect(fromDate).toEqual([])
    }).pipe(Effect.scoped))

  it.live("--all walks every page: each event once, in order", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator({ events: series(450) })
      const ran = yield* run(["events", "list", "--all", "--json"], env)
      expect(ran.code).toBe(0)
      const ids = records(ran.stdout).map((e) => e.id)
      expect(ids).toHaveLength(450)
      expect(new Set(ids).size).toBe(450)
      expect(ids[0]).toBe("ev_0449")
      expect(ids[449]).toBe("ev_0000")
      // Pages of 200: three requests.
      const lists = (yield* api.requests).filter((r) => r.path === "/websets/v0/events")
      expect(lists).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("bad input exits 2 and says what is expected, before any request", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator()
      const type = yield* run(["events", "list", "--types", "webset.itme.created"], env)
      expect(type.code).toBe(2)
      expect(type.stderr).toContain(`"webset.itme.created" is not an event type`)
      const since = yield* run(["events", "list", "--since", "yesterday"], env)
      expect(since.code).toBe(2)
      expect(since.stderr).toContain("--since must be an instant")
      const limit = yield* run(["events", "list", "--limit", "0"], env)
      expect(limit.code).toBe(2)
      expect(yield* api.requests).toEqual([])
    }).pipe(Effect.scoped))
})
