import { Checkpoint, Errors, Tail, WebhookSignature } from "@effect-exa/client"
import * as PlatformError from "@effect/platform/Error"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ExitCode from "../src/ExitCode.js"
import { CliError, describe as describeFailure } from "../src/internal/failure.js"
import * as Input from "../src/internal/input.js"
import * as Output from "../src/internal/output.js"

describe("exit codes", () => {
  it("each failure a command can have maps to its documented code", () => {
    const cases: ReadonlyArray<readonly [unknown, number]> = [
      [new Errors.NotFound({ id: "ev_1" }), ExitCode.notFound],
      [new Errors.NotFound({ resource: "webhook", id: "wh_1" }), ExitCode.notFound],
      [new Errors.Unauthorized({ status: 401, apiMessage: "bad key" }), ExitCode.unauthorized],
      [new Errors.InvalidRequest({ reason: "no" }), ExitCode.usage],
      [new Errors.RateLimited({ apiMessage: "slow down", retryAfter: Duration.seconds(3) }), ExitCode.rateLimited],
      [new Errors.ApiError({ status: 400, apiMessage: "bad" }), ExitCode.usage],
      [new Errors.ApiError({ status: 503, apiMessage: "down" }), ExitCode.server],
      [new Errors.Decode({ reason: "odd", body: "{}", status: 200 }), ExitCode.server],
      [new Errors.ServerFault({ reason: "loop" }), ExitCode.server],
      [new Errors.ResponseTooLarge({ limit: 1, status: 200 }), ExitCode.server],
      [new Errors.Transport({ description: "refused" }), ExitCode.network],
      [new Errors.Timeout({ timeout: Duration.seconds(1) }), ExitCode.network],
      [new Errors.Redirected({ status: 302 }), ExitCode.network],
      [new Tail.CheckpointExpired({ position: "2020-01-01T00:00:00Z", retention: Duration.days(60) }), ExitCode.usage],
      [new Checkpoint.CheckpointUnreadable({ name: "tail", reason: "odd" }), ExitCode.usage],
      [new WebhookSignature.SignatureMissing(), ExitCode.failed],
      [new WebhookSignature.SignatureMismatch({ candidates: 1 }), ExitCode.failed],
      [new PlatformError.BadArgument({ module: "FileSystem", method: "readFile", description: "no" }), ExitCode.usage],
      [ConfigError.InvalidData(["baseUrl"], "must be http(s)"), ExitCode.usage],
      [new CliError({ code: 42, message: "custom" }), 42],
      [new Error("boom"), ExitCode.internal],
      [Object.create(null), ExitCode.internal]
    ]
    for (const [error, code] of cases) {
      const d = describeFailure(error)
      expect(d.code, d.tag).toBe(code)
      expect(d.message.length).toBeGreaterThan(0)
    }
    expect(describeFailure(new Errors.RateLimited({ apiMessage: "x", retryAfter: Duration.seconds(3) })).hint)
      .toContain("3 s")
    expect(describeFailure(new Errors.NotFound({ id: "ev_1", requestId: "req_9" })).requestId).toBe("req_9")
    // A missing setting says so in words, not as `Missing data at EXA_API_KEY: "<redacted>"`.
    const missingKey = describeFailure(ConfigError.MissingData(["EXA_API_KEY"], "<redacted>"))
    expect(missingKey).toMatchObject({ code: ExitCode.unauthorized, message: "EXA_API_KEY is not set" })
    expect(missingKey.hint).toContain("export EXA_API_KEY=")
    const missingBoth = ConfigError.And(
      ConfigError.MissingData(["EXA_BASE_URL"], "x"),
      ConfigError.MissingData(["EXA_API_KEY"], "y")
    )
    expect(describeFailure(missingBoth)).toMatchObject({ code: ExitCode.usage, message: "EXA_BASE_URL is not set" })
    expect(describeFailure(ConfigError.InvalidData(["PORT"], "Expected an integer")).message).toBe(
      "PORT is not valid: Expected an integer"
    )
    // An empty or malformed key (the library's InvalidData, at EXA_API_KEY or at the apiKey option) is a key problem.
    const emptyKey = describeFailure(ConfigError.InvalidData(["EXA_API_KEY"], "must not be empty"))
    expect(emptyKey).toMatchObject({
      code: ExitCode.unauthorized,
      message: "EXA_API_KEY is not valid: must not be empty"
    })
    expect(emptyKey.hint).toContain("export EXA_API_KEY=")
    expect(describeFailure(ConfigError.InvalidData(["apiKey"], "must not contain a line break")).code).toBe(
      ExitCode.unauthorized
    )
  })
})

describe("input", () => {
  const now = Date.parse("2026-12-01T12:00:00Z")
  const right = <A>(e: Either.Either<A, unknown>) => Either.getOrThrowWith(e, (l) => new Error(String(l)))

  it("instants: RFC 3339, a date, a time ago; nothing else", () => {
    expect(right(Input.instant("since", "2026-11-01T10:00:00Z", now))).toBe("2026-11-01T10:00:00.000Z")
    expect(right(Input.instant("since", "2026-11-01T10:00:00+02:00", now))).toBe("2026-11-01T08:00:00.000Z")
    expect(right(Input.instant("since", "2026-11-01", now))).toBe("2026-11-01T00:00:00.000Z")
    expect(right(Input.instant("since", "2h", now))).toBe("2026-12-01T10:00:00.000Z")
    expect(right(Input.instant("since", "7d", now))).toBe("2026-11-24T12:00:00.000Z")
    for (
      const bad of [
        "yesterday",
        "2026-13-01",
        "2026-11-31T25:00:00Z",
        "",
        "2h ago",
        "1e3s",
        "\u001b[2J",
        "2026-02-30",
        "2026-04-31T10:00Z",
        "2026-02-29",
        "999999999d"
      ]
    ) {
      expect(Either.isLeft(Input.instant("since", bad, now)), bad).toBe(true)
    }
  })

  it("instants: a day that does not exist is refused, not moved; a leap day is kept; too far back is refused", () => {
    expect(right(Input.instant("since", "2028-02-29", now))).toBe("2028-02-29T00:00:00.000Z")
    expect(right(Input.instant("since", "2026-11-01T10:00z", now))).toBe("2026-11-01T10:00:00.000Z")
    expect(Either.isLeft(Input.instant("since", "2026-02-30", now))).toBe(true)
    const far = Input.instant("since", "999999999d", now)
    expect(Either.isLeft(far) && far.left.message).toBe("--since: 999999999d ago is before the year 0000")
    expect(right(Input.instant("since", "700000d", now))).toMatch(/^0\d{3}-/)
  })

  it("durations, with a minimum and a maximum", () => {
    const long = Input.duration("timeout", "25d", Duration.millis(1), Input.longestTimer)
    expect(Either.isLeft(long) && long.left.message).toBe("--timeout must be at most 24d; got 25d")
    expect(Duration.toMillis(right(Input.duration("timeout", "24d", Duration.millis(1), Input.longestTimer)))).toBe(
      24 * 86_400_000
    )
    // What a timer can hold: setTimeout fires at once beyond 2^31 - 1 ms.
    expect(Duration.toMillis(Input.longestTimer)).toBeLessThanOrEqual(2 ** 31 - 1)
  })

  it("durations, with a minimum", () => {
    expect(Duration.toMillis(right(Input.duration("poll", "500ms")))).toBe(500)
    expect(Duration.toMillis(right(Input.duration("poll", "1.5m")))).toBe(90_000)
    expect(Either.isLeft(Input.duration("poll", "50ms", Duration.millis(100)))).toBe(true)
    expect(Either.isLeft(Input.duration("poll", "5"))).toBe(true)
    expect(Either.isLeft(Input.duration("poll", "-5s"))).toBe(true)
  })

  it("event types: comma-separated or repeated, each known, each once; a typo gets suggestions", () => {
    expect(right(Input.eventTypes("types", ["webset.idle,webset.item.created", "webset.idle", " "]))).toEqual([
      "webset.idle",
      "webset.item.created"
    ])
    const typo = Input.eventTypes("types", ["webset.item"])
    expect(Either.isLeft(typo) && typo.left.hint).toContain("webset.item.created")
    const misspelt = Input.eventTypes("types", ["webset.item.enrichd"])
    expect(Either.isLeft(misspelt) && misspelt.left.hint).toBe("did you mean webset.item.enriched?")
    const swapped = Input.eventTypes("types", ["Monitor.Run.Completd"])
    expect(Either.isLeft(swapped) && swapped.left.hint).toBe("did you mean monitor.run.completed?")
    // Nothing close: the list.
    const far = Input.eventTypes("types", ["zzz"])
    expect(Either.isLeft(far) && far.left.hint).toContain("the event types are: webset.created")
    expect(Input.editDistance("kitten", "sitting")).toBe(3)
    expect(Input.editDistance("", "abc")).toBe(3)
  })

  it("metadata keeps a key named __proto__ and values holding =", () => {
    const metadata = right(Input.metadata("metadata", ["__proto__=x", "a=b=c"]))
    expect(Object.keys(metadata)).toEqual(["__proto__", "a"])
    expect(metadata["a"]).toBe("b=c")
    expect(Either.isLeft(Input.metadata("metadata", ["=x"]))).toBe(true)
  })

  it("printable escapes every control character", () => {
    expect(Input.printable("a\u001b[31mb\u0007\u009b\u2028")).toBe("a\\u001b[31mb\\u0007\\u009b\\u2028")
  })
})

describe("output", () => {
  const sink = (isTTY: boolean) => {
    const chunks: Array<string> = []
    return { chunks, sink: { isTTY, write: (text: string) => chunks.push(text) } }
  }

  it("colours only on a terminal, never with NO_COLOR, always with FORCE_COLOR", () => {
    const paint = (isTTY: boolean, env: Record<string, string>) =>
      Output.make({ json: false, stdout: sink(isTTY).sink, stderr: sink(isTTY).sink, env }).paint("red", "x")
    expect(paint(true, {})).toBe("\x1b[31mx\x1b[39m")
    expect(paint(false, {})).toBe("x")
    expect(paint(true, { NO_COLOR: "1" })).toBe("x")
    expect(paint(true, { TERM: "dumb" })).toBe("x")
    expect(paint(false, { FORCE_COLOR: "1" })).toBe("\x1b[31mx\x1b[39m")
  })

  it("a progress line only on a terminal; records are JSON that is safe in a terminal", () => {
    const err = sink(false)
    const out = sink(false)
    const output = Output.make({ json: true, stdout: out.sink, stderr: err.sink, env: {} })
    Effect.runSync(output.progress("100 events"))
    expect(err.chunks).toEqual([])
    const tty = sink(true)
    const onTerminal = Output.make({ json: false, stdout: sink(false).sink, stderr: tty.sink, env: { NO_COLOR: "1" } })
    Effect.runSync(Effect.zipRight(onTerminal.progress("100 events"), onTerminal.note("done")))
    // Drawn in place, then cleared before the next line.
    expect(tty.chunks).toEqual(["\r\x1b[2K100 events", "\r\x1b[2K", "done\n"])
    expect(Output.jsonText({ id: "a\u009bb\u2028" })).toBe(`{"id":"a\\u009bb\\u2028"}`)
    expect(JSON.parse(Output.jsonText({ id: "a\u009bb" })).id).toBe("a\u009bb")
  })

  it("tables pad every column but the last", () => {
    expect(Output.table(["A", "BB"], [["xyz", "1"], ["q", "22"]])).toEqual(["A    BB", "xyz  1", "q    22"])
  })
})
