import { Fixtures, Webhooks } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { records, run } from "./harness.js"

const secret = "whsec_verify_test"
const body = JSON.stringify(Fixtures.events["webset.idle"])
const file = (content: string) => {
  const name = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-verify-")), "body.json")
  fs.writeFileSync(name, content)
  return name
}

describe("effect-exa verify", () => {
  it.live("a genuine delivery is valid (exit 0), from a file or stdin, with or without the header's name", () =>
    Effect.gen(function*() {
      const header = yield* Webhooks.sign(body, { secret, timestamp: Math.floor(Date.now() / 1000) })
      const ok = yield* run(["verify", "--secret", secret, "--header", header, "--body-file", file(body)])
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain("valid")
      expect(ok.stdout).toContain(Fixtures.events["webset.idle"].id)
      const stdin = yield* run(["verify", "--header", `Exa-Signature: ${header}`, "--body-file", "-", "--json"], {
        EXA_WEBHOOK_SECRET: secret
      }, body)
      expect(stdin.code).toBe(0)
      expect(records(stdin.stdout)[0]).toMatchObject({
        valid: true,
        event: { id: Fixtures.events["webset.idle"].id, type: "webset.idle" }
      })
    }))

  it.live("a mismatch exits 1 and says the likely cause", () =>
    Effect.gen(function*() {
      const header = yield* Webhooks.sign(body, { secret, timestamp: Math.floor(Date.now() / 1000) })
      const wrong = yield* run(["verify", "--secret", "whsec_other", "--header", header, "--body-file", file(body)])
      expect(wrong.code).toBe(1)
      expect(wrong.stderr).toContain("None of the 1 signature(s) matches")
      expect(wrong.stderr).toContain("check the secret")
      const newline = yield* run(["verify", "--secret", secret, "--header", header, "--body-file", file(`${body}\n`)])
      expect(newline.code).toBe(1)
      expect(newline.stderr).toContain("without the final newline")
      const pretty = yield* run([
        "verify",
        "--secret",
        secret,
        "--header",
        header,
        "--body-file",
        file(JSON.stringify(JSON.parse(body), null, 2))
      ])
      expect(pretty.code).toBe(1)
      expect(pretty.stderr).toContain("re-serialised")
      expect(wrong.stdout + wrong.stderr + newline.stderr).not.toContain(secret)
    }))

  it.live("an old capture: exit 1 with the tolerance to pass; passing it verifies", () =>
    Effect.gen(function*() {
      // Three days and an hour old: the tolerance that covers it is 4d.
      const old = Math.floor(Date.now() / 1000) - 3 * 86400 - 3600
      const header = yield* Webhooks.sign(body, { secret, timestamp: old })
      const stale = yield* run(["verify", "--secret", secret, "--header", header, "--body-file", file(body)])
      expect(stale.code).toBe(1)
      expect(stale.stderr).toContain("--tolerance 4d")
      const ok = yield* run([
        "verify",
        "--secret",
        secret,
        "--header",
        header,
        "--body-file",
        file(body),
        "--tolerance",
        "4d"
      ])
      expect(ok.code).toBe(0)
    }))

  it.live("bad input: no secret, a malformed header, a missing file, a signed body that is not an event", () =>
    Effect.gen(function*() {
      const header = yield* Webhooks.sign(body, { secret, timestamp: Math.floor(Date.now() / 1000) })
      const none = yield* run(["verify", "--header", header, "--body-file", file(body)])
      expect(none.code).toBe(2)
      expect(none.stderr).toContain("EXA_WEBHOOK_SECRET")
      const malformed = yield* run(["verify", "--secret", secret, "--header", "v1=abc", "--body-file", file(body)])
      expect(malformed.code).toBe(1)
      expect(malformed.stderr).toContain("not an Exa-Signature")
      const missing = yield* run([
        "verify",
        "--secret",
        secret,
        "--header",
        header,
        "--body-file",
        "/nonexistent/body.json"
      ])
      expect(missing.code).toBe(2)
      expect(missing.stderr).not.toMatch(/\n\s+at /)
      const notEvent = `{"hello":"world"}`
      const signed = yield* Webhooks.sign(notEvent, { secret, timestamp: Math.floor(Date.now() / 1000) })
      const decoded = yield* run(["verify", "--secret", secret, "--header", signed, "--body-file", file(notEvent)])
      expect(decoded.code).toBe(1)
      expect(decoded.stderr).toContain("The signature is valid, but the body is not an event")
    }))
})
