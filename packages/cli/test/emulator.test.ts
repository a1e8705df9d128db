/**
 * `effect-exa emulator` as users run it: a process on a loopback port, used by this command line, exa-js and a
 * plain HTTP client, delivering webhooks for real; stopped with Ctrl-C.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import { createRequire } from "node:module"
import { freePort, receiver, records, run, start } from "./harness.js"

// exa-js is a dev dependency of @effect-exa/testing, next door.
const exaJs = createRequire(new URL("../../testing/package.json", import.meta.url)).resolve("exa-js")

const emulatorProcess = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      const running = start(["emulator", "--json", "--port", "0", ...args])
      yield* Effect.promise(() => running.until((out) => out.includes("\n")))
      const first = records(running.stdout())[0] as { baseUrl: string; apiKey: string; events: number }
      return { running, ...first }
    }),
    ({ running }) => Effect.sync(() => running.child.exitCode === null && running.child.kill("SIGKILL"))
  )

describe("effect-exa emulator", () => {
  it.live(
    "serves the API to the command line, exa-js and plain HTTP; delivers webhooks for real; stops on Ctrl-C",
    () =>
      Effect.gen(function*() {
        const emulator = yield* emulatorProcess(["--seed", "25", "--every", "100ms"])
        expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(emulator.apiKey).toBe("test-api-key")
        expect(emulator.events).toBe(25)
        const env = { EXA_API_KEY: emulator.apiKey, EXA_BASE_URL: emulator.baseUrl, NO_COLOR: "1" }

        // Plain HTTP: the key checked, the seeded events there, newest first.
        const plain = yield* Effect.promise(async () => {
          const url = `${emulator.baseUrl}/websets/v0/events?limit=200`
          const refused = await fetch(url)
          const answered = await fetch(url, { headers: { "x-api-key": emulator.apiKey } })
          return {
            refused: refused.status,
            status: answered.status,
            body: await answered.json() as { data: Array<{ id: string }> }
          }
        })
        expect(plain.refused).toBe(401)
        expect(plain.status).toBe(200)
        const ids = plain.body.data.map((e) => e.id)
        for (let n = 0; n < 25; n++) expect(ids).toContain(`ev_sample_${String(n).padStart(6, "0")}`)

        // exa-js.
        const { default: Exa } = yield* Effect.promise(() => import(exaJs))
        const exa = new (Exa.default ?? Exa)(emulator.apiKey, emulator.baseUrl)
        const fetched = yield* Effect.promise(() =>
          exa.websets.events.get("ev_sample_000002") as Promise<{ id: string; type: string }>
        )
        expect(fetched).toMatchObject({ id: "ev_sample_000002", type: "webset.idle" })

        // The command line: a webhook for every type, to a receiver here; new events (--every) are delivered to it.
        const port = yield* freePort
        const created = yield* run(
          [
            "webhooks",
            "create",
            "--json",
            "--url",
            `http://127.0.0.1:${port}/hook`,
            "--events",
            "webset.created,webset.idle,webset.item.created"
          ],
          env
        )
        expect(created.code, created.stderr).toBe(0)
        const webhook = records(created.stdout)[0] as { id: string; secret: string }
        const hook = yield* receiver(webhook.secret, port)
        yield* Effect.promise(() =>
          new Promise<void>((resolve) => {
            const check = () => hook.handled.length >= 2 ? resolve() : setTimeout(check, 50)
            check()
          })
        )
        expect(hook.handled.every((e) => e.id.startsWith("ev_sample_"))).toBe(true)
        const attempts = yield* run(["webhooks", "attempts", webhook.id, "--json"], env)
        expect(attempts.code).toBe(0)
        expect(records(attempts.stdout).some((a) => a.successful === true)).toBe(true)
        const listed = yield* run(["events", "list", "--json", "--limit", "200"], env)
        expect(records(listed.stdout).length).toBeGreaterThan(25)

        emulator.running.child.kill("SIGINT")
        const ended = yield* Effect.promise(() => emulator.running.done)
        expect(ended.code).toBe(130)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live("text output says how to use it; a port in use and bad options exit 2", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.acquireRelease(
        Effect.async<Http.Server>((resume) => {
          const server = Http.createServer()
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
        }),
        (server) => Effect.sync(() => server.close())
      )
      const address = taken.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const [inUse, seed, every, key] = yield* Effect.all([
        run(["emulator", "--port", String(port)]),
        run(["emulator", "--port", "0", "--seed", "-1"]),
        run(["emulator", "--port", "0", "--every", "soon"]),
        run(["emulator", "--port", "0", "--api-key", ""])
      ], { concurrency: "unbounded" })
      expect(inUse.code).toBe(2)
      expect(inUse.stderr).toContain(`port ${port} is in use`)
      expect(inUse.stderr).toContain("--port 0")
      for (const ran of [seed, every, key]) {
        expect(ran.code, ran.stderr).toBe(2)
        expect(ran.stdout).toBe("")
      }
      const text = start(["emulator", "--port", "0", "--api-key", "k 1"], { NO_COLOR: "1" })
      yield* Effect.promise(() => text.until((out) => out.includes("export ")))
      expect(text.stdout()).toMatch(
        /^Exa API emulator on http:\/\/127\.0\.0\.1:\d+ \(API key k 1\)\n {2}export EXA_BASE_URL=http:\/\/127\.0\.0\.1:\d+ EXA_API_KEY='k 1'\n$/
      )
      text.child.kill("SIGINT")
      expect((yield* Effect.promise(() => text.done)).code).toBe(130)
    }).pipe(Effect.scoped), 60_000)
})
