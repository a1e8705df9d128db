import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { emulator, hasNoStack, records, run, start } from "./harness.js"

// Events a minute apart, the newest first in the API's order.
const noStack = (text: string) => expect(hasNoStack(text)).toBe(true)

describe("effect-exa events tail", () => {
  const checkpointFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-cli-")), "tail.json")

  it.live("prints new events in order and resumes from the checkpoint file after a restart", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator()
      const checkpoint = checkpointFile()
      const since = new Date(Date.now() - 60_000).toISOString()
      const args = ["events", "tail", "--json", "--poll", "100ms", "--since", since, "--checkpoint", checkpoint]
      const now = Date.now()
      const at = (i: number) => new Date(now - 30_000 + i * 1000).toISOString()
      const first = start([...args, "--limit", "3"], env)
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_b", createdAt: at(2) }),
        Fixtures.make("webset.item.created", { id: "ev_a", createdAt: at(1) })
      ])
      yield* Effect.promise(() => first.until((out) => records(out).length === 2))
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_c", createdAt: at(3) })])
      const ran = yield* Effect.promise(() => first.done)
      expect(ran.code).toBe(0)
      expect(records(ran.stdout).map((e) => e.id)).toEqual(["ev_a", "ev_b", "ev_c"])
      expect(JSON.parse(fs.readFileSync(checkpoint, "utf8"))).toHaveProperty("events-tail")
      // Started again: only what came after.
      yield* api.addEvents([
        Fixtures.make("webset.idle", { id: "ev_d", createdAt: at(4) }),
        Fixtures.make("webset.idle", { id: "ev_e", createdAt: at(5) })
      ])
      const again = yield* Effect.promise(() => start([...args, "--limit", "2"], env).done)
      expect(again.code).toBe(0)
      expect(records(again.stdout).map((e) => e.id)).toEqual(["ev_d", "ev_e"])
    }).pipe(Effect.scoped))

  it.live("--types and --webset filter; Ctrl-C stops it with 130, and it resumes from its checkpoint", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const at = (i: number) => new Date(now - 30_000 + i * 1000).toISOString()
      const { api, env } = yield* emulator({
        events: [
          Fixtures.make("webset.item.created", { id: "ev_1", createdAt: at(1), data: { websetId: "ws_other" } }),
          Fixtures.make("webset.item.created", { id: "ev_2", createdAt: at(2), data: { websetId: "ws_mine" } }),
          Fixtures.make("webset.idle", { id: "ev_3", createdAt: at(3) }),
          Fixtures.make("webset.item.enriched", { id: "ev_4", createdAt: at(4), data: { websetId: "ws_mine" } })
        ]
      })
      const checkpoint = checkpointFile()
      const args = [
        "events",
        "tail",
        "--poll",
        "100ms",
        "--since",
        at(0),
        "--checkpoint",
        checkpoint,
        "--types",
        "webset.item.created,webset.item.enriched",
        "--webset",
        "ws_mine"
      ]
      const tail = start(args, env)
      yield* Effect.promise(() => tail.until((out) => out.includes("ev_4")))
      tail.child.kill("SIGINT")
      const ran = yield* Effect.promise(() => tail.done)
      expect(ran.code).toBe(130)
      expect(ran.stdout).toContain("ev_2")
      expect(ran.stdout).not.toContain("ev_1")
      expect(ran.stdout).not.toContain("ev_3")
      noStack(ran.stderr)
      // The position survived: started again, it goes on after what it handled (at least once: the last event may
      // come again, if the signal came before its position was written), never from the start.
      yield* api.addEvents([
        Fixtures.make("webset.item.created", { id: "ev_5", createdAt: at(5), data: { websetId: "ws_mine" } })
      ])
      const again = yield* Effect.promise(() => start([...args, "--json", "--limit", "1"], env).done)
      expect(again.code).toBe(0)
      expect(["ev_4", "ev_5"]).toContain(records(again.stdout)[0].id)
    }).pipe(Effect.scoped))

  it.live("an outage of the API does not end the tail: it says so, waits, and goes on without skipping", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const at = (i: number) => new Date(now - 30_000 + i * 1000).toISOString()
      const { api, env } = yield* emulator({ events: [Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(1) })] })
      const tail = start(["events", "tail", "--json", "--poll", "100ms", "--since", at(0), "--limit", "2"], env)
      yield* Effect.promise(() => tail.until((out) => out.includes("ev_1")))
      // More failures in a row than the client retries: the poll fails, and the tail tries again later.
      yield* api.failNext({ _tag: "Transport" }, 3)
      yield* Effect.promise(() =>
        new Promise<void>((resolve) => {
          const check = () => tail.stderr().includes("trying again") ? resolve() : setTimeout(check, 50)
          check()
        })
      )
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(2) })])
      const ran = yield* Effect.promise(() => tail.done)
      expect(ran.code).toBe(0)
      expect(records(ran.stdout).map((e) => e.id)).toEqual(["ev_1", "ev_2"])
      expect(ran.stderr).toContain("Could not reach the API")
      // The library's own warning is a note on stderr; stdout holds nothing but the records.
      expect(ran.stderr).toContain("polling events failed; trying again in")
      expect(ran.stdout).not.toContain("polling events failed")
    }).pipe(Effect.scoped))

  it.live("--poll below 100ms, or not a duration, is bad input", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const fast = yield* run(["events", "tail", "--poll", "0ms"], env)
      expect(fast.code).toBe(2)
      expect(fast.stderr).toContain("--poll must be at least")
      const odd = yield* run(["events", "tail", "--poll", "soon"], env)
      expect(odd.code).toBe(2)
    }).pipe(Effect.scoped))

  it.live("a checkpoint file that is not one exits 2 and names the file", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const checkpoint = checkpointFile()
      fs.writeFileSync(checkpoint, "not json")
      const ran = yield* run(["events", "tail", "--checkpoint", checkpoint], env)
      expect(ran.code).toBe(2)
      expect(ran.stderr).toContain(checkpoint)
      noStack(ran.stderr)
    }).pipe(Effect.scoped))
})
