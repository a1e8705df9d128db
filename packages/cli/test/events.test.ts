import { Event } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import { emulator, freePort, hasNoStack, records, run } from "./harness.js"

// Events a minute apart, the newest first in the API's order.
const noStack = (text: string) => expect(hasNoStack(text)).toBe(true)

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
      // Side by side: each is a process start, nothing else.
      yield* Effect.forEach(commands, (command) =>
        Effect.map(run([...command, "--help"]), (ran) => {
          expect(ran.code).toBe(0)
          expect(ran.stdout).toContain("DESCRIPTION")
          // @effect/cli's placeholder for text options says nothing the description does not.
          expect(ran.stdout).not.toContain("A user-defined piece of text")
        }), { concurrency: 4, discard: true })
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
      const { EXA_API_KEY: _, ...withoutKey } = env
      const none = yield* run(["events", "get", "ev_1"], withoutKey)
      expect(none.code).toBe(4)
      expect(none.stderr).toContain("error: EXA_API_KEY is not set")
      // Set but empty: the library's own rule and words (ExaClient.apiKeyFromEnv), not a silent "not set".
      const empty = yield* run(["events", "get", "ev_1"], { ...env, EXA_API_KEY: "" })
      expect(empty.code).toBe(4)
      expect(empty.stderr).toContain("error: EXA_API_KEY is not valid: must not be empty")
      expect(empty.stderr).toContain("export EXA_API_KEY=")
      const emptyOption = yield* run(["events", "get", "ev_1", "--api-key", ""], env)
      expect(emptyOption.code).toBe(4)
      expect(emptyOption.stderr).toContain("must not be empty")
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
