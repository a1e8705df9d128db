/**
 * The command line's edges, as an attacker and a careless user find them: hostile text from the API, a receiver
 * that never stops answering, arguments out of range, credentials in a URL, a planted symlink; and output that
 * must not start before the input is known to be good.
 */
import { Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as Http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { emulator, freePort, receiver, records, run, start } from "./harness.js"

const at = (now: number, i: number) => new Date(now - 30_000 + i * 1000).toISOString()
const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-edges-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** A receiver that answers 200 and then never stops sending; how many bytes it wrote, and whether it was cut off. */
const endlessReceiver = Effect.acquireRelease(
  Effect.async<{ url: string; server: Http.Server; written: () => number; closed: () => number }>((resume) => {
    let written = 0
    let closed = 0
    const chunk = Buffer.alloc(16 * 1024, 120)
    const server = Http.createServer((request, response) => {
      request.resume()
      response.writeHead(200, { "content-type": "text/plain" })
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length
        if (!response.destroyed) response.once("drain", pump)
      }
      response.on("close", () => closed++)
      pump()
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(
        Effect.succeed({ url: `http://127.0.0.1:${port}/hook`, server, written: () => written, closed: () => closed })
      )
    })
  }),
  ({ server }) =>
    Effect.promise(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
)

describe("effect-exa, as an attacker", () => {
  it.live("the API's error text in a tail's 'trying again' note cannot drive the terminal", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const { api, env } = yield* emulator({
        events: [Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) })]
      })
      const tail = start(["events", "tail", "--json", "--poll", "100ms", "--since", at(now, 0), "--limit", "2"], env)
      yield* Effect.promise(() => tail.until((out) => out.includes("ev_1")))
      // More 503s than the client retries, each with escape sequences in its message.
      yield* api.failNext({
        _tag: "Status",
        status: 503,
        body: { error: "down\u001b]0;pwned\u0007\u001b[2J", tag: "X" }
      }, 3)
      yield* Effect.promise(() =>
        new Promise<void>((resolve) => {
          const check = () => tail.stderr().includes("trying again (the position") ? resolve() : setTimeout(check, 50)
          check()
        })
      )
      yield* api.addEvents([Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(now, 2) })])
      const ran = yield* Effect.promise(() => tail.done)
      expect(ran.code).toBe(0)
      expect(ran.stderr).toContain("down\\u001b]0;pwned\\u0007\\u001b[2J")
      expect(ran.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    }).pipe(Effect.scoped))

  it.live(
    "--forward-to: an endless answer is read up to 64 KiB, then the connection is closed; the status stands",
    () =>
      Effect.gen(function*() {
        const now = Date.now()
        const endless = yield* endlessReceiver
        const { env } = yield* emulator({
          events: [Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) })]
        })
        // A timeout far beyond the test's: only the cap can end the read.
        const ran = yield* run(
          [
            "listen",
            "--forward-to",
            endless.url,
            "--poll",
            "100ms",
            "--since",
            at(now, 0),
            "--limit",
            "1",
            "--timeout",
            "1h"
          ],
          env
        )
        expect(ran.code).toBe(0)
        expect(ran.stdout).toMatch(/delivered\s+200\s+\d+ ms\s+webset\.idle\s+ev_1/)
        yield* Effect.promise(() =>
          new Promise<void>((resolve) => {
            const check = () => endless.closed() > 0 ? resolve() : setTimeout(check, 20)
            check()
          })
        )
        // Cut off near the cap (socket buffers hold a little more), not after megabytes.
        expect(endless.written()).toBeLessThan(8 * 1024 * 1024)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live("arguments out of range are bad input (exit 2), never a defect or a silent change", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const runs = yield* Effect.all([
        run(["events", "list", "--since", "999999999d"], env),
        run(["events", "tail", "--since", "999999999d", "--limit", "1"], env),
        run(["events", "list", "--since", "2026-02-30"], env),
        run(["events", "list", "--until", "2026-04-31T10:00:00Z"], env),
        run(["webhooks", "replay", "wh_1", "--forward-to", "http://127.0.0.1:1/hook", "--since", "2026-02-29"], env)
      ], { concurrency: "unbounded" })
      for (const ran of runs) {
        expect(ran.code, ran.stderr).toBe(2)
        expect(ran.stdout).toBe("")
        expect(ran.stderr).not.toMatch(/\n\s+at /)
      }
      expect(runs[0]!.stderr).toContain("--since: 999999999d ago is before the year 0000")
      expect(runs[2]!.stderr).toContain(`--since must be an instant`)
      expect(runs[2]!.stderr).toContain(`got "2026-02-30"`)
    }).pipe(Effect.scoped))

  it.live("listen: a --timeout no timer can hold, and a URL with credentials, are refused before anything is printed", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const [long, credentials, unparsable] = yield* Effect.all([
        run(["listen", "--forward-to", "http://127.0.0.1:1/hook", "--timeout", "25d"], env),
        run(["listen", "--forward-to", "http://user:hunter2@127.0.0.1:1/hook"], env),
        run(["listen", "--forward-to", "http//user:hunter2@"], env)
      ], { concurrency: "unbounded" })
      expect(long.code).toBe(2)
      expect(long.stderr).toContain("--timeout must be at most 24d")
      expect(credentials.code).toBe(2)
      expect(credentials.stderr).toContain("--forward-to must not hold a user name or password")
      expect(unparsable.code).toBe(2)
      for (const ran of [long, credentials, unparsable]) {
        // No secret printed, no "Forwarding to", no password anywhere.
        expect(ran.stdout).toBe("")
        expect(ran.stderr).not.toContain("hunter2")
      }
    }).pipe(Effect.scoped))

  it.live("--checkpoint: symlinks planted at the lock and at the old predictable temporary name are not followed", () =>
    Effect.gen(function*() {
      const dir = yield* temporaryDirectory
      const now = Date.now()
      const { env } = yield* emulator({ events: [Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) })] })
      const victim = path.join(dir, "victim.txt")
      fs.writeFileSync(victim, "precious\n")
      const checkpoint = path.join(dir, "tail.json")
      fs.symlinkSync(victim, `${checkpoint}.lock`)
      const tail = start([
        "events",
        "tail",
        "--json",
        "--poll",
        "100ms",
        "--since",
        at(now, 0),
        "--limit",
        "1",
        "--checkpoint",
        checkpoint
      ], env)
      // Before 0.3.0 the temporary file was `<file>.<pid>.tmp`, written through whatever was there.
      fs.symlinkSync(victim, `${checkpoint}.${tail.child.pid}.tmp`)
      const ran = yield* Effect.promise(() => tail.done)
      expect(ran.code, ran.stderr).toBe(0)
      expect(records(ran.stdout).map((e) => e.id)).toEqual(["ev_1"])
      expect(fs.readFileSync(victim, "utf8")).toBe("precious\n")
      expect(fs.lstatSync(checkpoint).isFile()).toBe(true)
      expect(JSON.parse(fs.readFileSync(checkpoint, "utf8"))).toHaveProperty("events-tail")
    }).pipe(Effect.scoped))
})

describe("effect-exa, polish", () => {
  it.live("a mistyped --types gets the nearest event type", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const ran = yield* run(["events", "list", "--types", "webset.item.enrichd"], env)
      expect(ran.code).toBe(2)
      expect(ran.stderr).toContain(`"webset.item.enrichd" is not an event type`)
      expect(ran.stderr).toContain("hint: did you mean webset.item.enriched?")
    }).pipe(Effect.scoped))

  it.live("on an error before the first row, no table header goes to stdout", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const env = { EXA_API_KEY: "k", EXA_BASE_URL: `http://127.0.0.1:${port}`, NO_COLOR: "1" }
      const { env: emulated } = yield* emulator()
      const [list, attempts, empty] = yield* Effect.all([
        run(["events", "list"], env),
        run(["webhooks", "attempts", "wh_missing"], emulated),
        run(["events", "list"], emulated)
      ], { concurrency: "unbounded" })
      expect(list.code).toBe(7)
      expect(list.stdout).toBe("")
      expect(attempts.code).toBe(3)
      expect(attempts.stdout).toBe("")
      // Nothing to show: the note, and no header either.
      expect(empty.code).toBe(0)
      expect(empty.stdout).toBe("")
      expect(empty.stderr).toContain("No events match.")
    }).pipe(Effect.scoped))

  it.live("listen checks every option before it prints a new secret", () =>
    Effect.gen(function*() {
      const { env } = yield* emulator()
      const [poll, types, since] = yield* Effect.all([
        run(["listen", "--forward-to", "http://127.0.0.1:1/hook", "--poll", "5ms"], env),
        run(["listen", "--forward-to", "http://127.0.0.1:1/hook", "--types", "nope"], env),
        run(["listen", "--forward-to", "http://127.0.0.1:1/hook", "--since", "someday"], env)
      ], { concurrency: "unbounded" })
      for (const ran of [poll, types, since]) {
        expect(ran.code).toBe(2)
        expect(ran.stdout).toBe("")
        expect(ran.stderr).not.toContain("whsec_")
      }
      expect(poll.stderr).toContain("--poll must be at least")
    }).pipe(Effect.scoped))

  it.live("listen exits 1 when the receiver refused the events (stopped by --limit)", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const hook = yield* receiver("whsec_the_receivers")
      const { env } = yield* emulator({
        events: [
          Fixtures.make("webset.idle", { id: "ev_1", createdAt: at(now, 1) }),
          Fixtures.make("webset.idle", { id: "ev_2", createdAt: at(now, 2) })
        ]
      })
      const ran = yield* run(
        [
          "listen",
          "--forward-to",
          hook.url,
          "--secret",
          "whsec_wrong",
          "--poll",
          "100ms",
          "--since",
          at(now, 0),
          "--limit",
          "2"
        ],
        env
      )
      expect(ran.code).toBe(1)
      expect(ran.stderr).toContain("The receiver refused 2 of 2 events.")
    }).pipe(Effect.scoped))
})
