import { Event } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { emulator, freePort, records, run, start } from "./harness.js"

// Events a minute apart, the newest first in the API's order.
const series = (count: number, from = Date.parse("2026-11-01T00:00:00Z")) =>
  Array.from({ length: count }, (_, i) =>
    Fixtures.make(i % 2 === 0 ? "webset.item.created" : "webset.idle", {
      id: `ev_${String(i).padStart(4, "0")}`,
      createdAt: new Date(from + i * 60_000).toISOString()
    }))

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /)

describe("effect-exa --help and --version", () => {
  it.live("the help lists every command, without colour codes when not on a terminal", () =>
    Effect.gen(function*() {
      const ran = yield* run(["--help"])
      expect(ran.code).toBe(0)
      for (
        const command of [
          "events get",
          "events list",
          "events tail",
          "webhooks create",
          "webhooks list",
          "webhooks get",
          "webhooks update",
          "webhooks delete",
          "webhooks attempts",
          "webhooks replay",
          "listen",
          "verify"
        ]
      ) expect(ran.stdout).toContain(`- ${command}`)
      expect(ran.stdout).not.toContain("\x1b[")
    }))

  it.live("every command has its own help", () =>
    Effect.gen(function*() {
      const commands = [
        ["events", "get"],
        ["events", "list"],
        ["events", "tail"],
        ["webhooks", "create"],
        ["webhooks", "replay"],
        ["listen"],
        ["verify"],
        ["emulator"]
      ]
      for (const command of commands) {
        const ran = yield* run([...command, "--help"])
        expect(ran.code).toBe(0)
        expect(ran.stdout).toContain("DESCRIPTION")
        // @effect/cli's placeholder for text options says nothing the description does not.
        expect(ran.stdout).not.toContain("A user-defined piece of text")
      }
      expect((yield* run(["listen", "--help"])).stdout).toContain("--forward-to")
    }))

  it.live("--version prints the package's version", () =>
    Effect.gen(function*() {
      const { version } = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"))
      const ran = yield* run(["--version"])
      expect(ran.code).toBe(0)
      expect(ran.stdout.trim()).toContain(version)
    }))

  it.live("an unknown command or option exits 2 with a message, not a stack trace", () =>
    Effect.gen(function*() {
      const unknown = yield* run(["events", "frobnicate"])
      expect(unknown.code).toBe(2)
      noStack(unknown.stdout + unknown.stderr)
      const option = yield* run(["events", "list", "--frobnicate"])
      expect(option.code).toBe(2)
      const notInteger = yield* run(["events", "list", "--limit", "many"])
      expect(notInteger.code).toBe(2)
    }))
})

describe("effect-exa events get", () => {
  it.live("shows an event: text, or its JSON as the API sends it", () =>
    Effect.gen(function*() {
      const fixture = Fixtures.events["webset.item.enriched"]
      const { env } = yield* emulator({ events: [fixture] })
      const text = yield* run(["events", "get", fixture.id], env)
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(fixture.id)
      expect(text.stdout).toContain("webset.item.enriched")
      expect(text.stdout).toContain(fixture.data.websetId)
      expect(text.stdout).toMatch(/created\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/)
      const json = yield* run(["events", "get", fixture.id, "--json"], env)
      expect(json.code).toBe(0)
      const [record] = records(json.stdout)
      // The record decodes to the same event the API holds.
      expect(Schema.decodeUnknownSync(Event.Event)(record)).toEqual(Schema.decodeUnknownSync(Event.Event)(fixture))
      expect(json.stdout.trim().split("\n")).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("a missing event exits 3, with a message (JSON on stderr with --json)", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const ran = yield* run(["events", "get", "ev_missing"], env)
      expect(ran.code).toBe(3)
      expect(ran.stdout).toBe("")
      expect(ran.stderr).toContain(`Event "ev_missing" not found`)
      noStack(ran.stderr)
      const json = yield* run(["events", "get", "ev_missing", "--json"], env)
      expect(json.code).toBe(3)
      expect(records(json.stderr)[0].error).toMatchObject({ tag: "NotFound", exitCode: 3 })
    }).pipe(Effect.scoped))

  it.live("no key, or a key the API refuses, exits 4 and the key shows nowhere", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const none = yield* run(["events", "get", "ev_1"], { ...env, EXA_API_KEY: "" })
      expect(none.code).toBe(4)
      expect(none.stderr).toContain("error: EXA_API_KEY is not set")
      expect(none.stderr).toContain("EXA_API_KEY")
      const wrong = yield* run(["events", "get", "ev_1", "--api-key", "sk-wrong-key-1234"], { ...env, EXA_API_KEY: "" })
      expect(wrong.code).toBe(4)
      expect(wrong.stdout + wrong.stderr).not.toContain("sk-wrong-key-1234")
      // --api-key wins over the environment.
      const overridden = yield* run(["events", "get", "ev_1", "--api-key", "sk-wrong-key-1234"], env)
      expect(overridden.code).toBe(4)
    }).pipe(Effect.scoped))

  it.live("an unreachable API exits 7; a failing one 6; a bad base URL 2", () =>
    Effect.gen(function*() {
      const { api, env } = yield* emulator({ events: [Fixtures.events["webset.idle"]] })
      const port = yield* freePort
      const refused = yield* run(["events", "get", "ev_1", "--base-url", `http://127.0.0.1:${port}`], env)
      expect(refused.code).toBe(7)
      expect(refused.stderr).toContain("Could not reach the API")
      noStack(refused.stderr)
      yield* api.failNext({ _tag: "Status", status: 500, body: { error: "boom" } }, 10)
      const failing = yield* run(["events", "get", Fixtures.events["webset.idle"].id], env)
      expect(failing.code).toBe(6)
      const bad = yield* run(["events", "get", "ev_1", "--base-url", "ftp://nowhere"], env)
      expect(bad.code).toBe(2)
      noStack(bad.stderr)
    }).pipe(Effect.scoped))

  it.live("text from the server cannot drive the terminal: control characters are shown escaped", () =>
    Effect.gen(function*() {
      const hostile = Fixtures.make("webset.idle", { id: "ev_\u001b]0;pwned\u0007\u001b[2J" })
      const { env } = yield* emulator({ events: [hostile] })
      const ran = yield* run(["events", "list"], env)
      expect(ran.code).toBe(0)
      expect(ran.stdout).not.toContain("\u001b")
      expect(ran.stdout).toContain("ev_\\u001b]0;pwned")
    }).pipe(Effect.scoped))
})

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
      const idle = records((yield* run(["events", "list", "--json", "--types", "webset.idle", "--limit", "100"], env)).stdout)
      expect(idle).toHaveLength(15)
      expect(idle.every((e) => e.type === "webset.idle")).toBe(true)
      const both = records((yield* run(["events", "list", "--json", "-t", "webset.idle,webset.item.created", "--limit", "100"], env)).stdout)
      expect(both).toHaveLength(30)
      const window = records(
        (yield* run(["events", "list", "--json", "--since", "2026-11-01T00:10:00Z", "--until", "2026-11-01T00:12:00Z"], env)).stdout
      )
      expect(window.map((e) => e.id)).toEqual(["ev_0012", "ev_0011", "ev_0010"])
      const fromDate = records((yield* run(["events", "list", "--json", "--since", "2026-11-02", "--limit", "100"], env)).stdout)
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
      yield* api.addEvents([Fixtures.make("webset.item.created", { id: "ev_5", createdAt: at(5), data: { websetId: "ws_mine" } })])
      const again = yield* Effect.promise(() =>
        start([...args, "--json", "--limit", "1"], env).done
      )
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
