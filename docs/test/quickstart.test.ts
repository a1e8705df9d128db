/**
 * The quickstart (docs/quickstart.md) run as its page says: the whole file, as a program of its own, under a name
 * of the user's choosing, against the emulator on loopback (EXA_BASE_URL). esbuild compiles it, as `tsx` would.
 */
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { compile, run } from "./program.js"

const emulator = ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ events: Fixtures.allEvents })))

describe("docs/quickstart.md, run as a program", () => {
  it.live(
    "prints the ten newest events, then fetches one again; wrong or missing key: one line, exit 1",
    () =>
      Effect.gen(function*() {
        const outfile = yield* compile("quickstart.ts", "my-first-exa-program.mjs")
        const api = yield* ExaApi.ExaApi
        const { url } = yield* ExaApiServer.ExaApiServer
        const ran = yield* run(outfile, { EXA_API_KEY: Redacted.value(api.apiKey), EXA_BASE_URL: url })
        expect(ran.stderr).toBe("")
        expect(ran.code).toBe(0)
        const lines = ran.stdout.trimEnd().split("\n")
        expect(lines).toHaveLength(11)
        expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z {2}\S+ {2}\S/)
        expect(lines[10]).toMatch(/^fetched \S+ again: /)

        const refused = yield* run(outfile, { EXA_API_KEY: "sk-not-the-key", EXA_BASE_URL: url })
        expect(refused).toMatchObject({ code: 1, stdout: "" })
        expect(refused.stderr).toMatch(/^EXA_API_KEY was refused \(401\): .+\n$/)
        expect(refused.stderr).not.toContain("sk-not-the-key")

        const missing = yield* run(outfile, { EXA_BASE_URL: url })
        expect(missing).toMatchObject({ code: 1, stdout: "" })
        expect(missing.stderr).toMatch(/^EXA_API_KEY is not set: export it first/)

        // Any other failure: its message once, not "<tag>: <tag> …" (nothing listens on port 1).
        const unreachable = yield* run(outfile, { EXA_API_KEY: "k", EXA_BASE_URL: "http://127.0.0.1:1" })
        expect(unreachable.code).toBe(1)
        expect(unreachable.stderr).toMatch(/^Transport error: /)
      }).pipe(Effect.provide(emulator), Effect.scoped),
    120_000
  )
})
