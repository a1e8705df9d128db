/**
 * The options are checked when the layer is built, and what the timer does with delays a native timer cannot hold.
 */
import { Errors, EventsClient, Exa, type ExaClient } from "@effect-exa/client"
import { Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { maxTimerMillis, nativeTimer } from "../src/internal/attempt.js"
import { json, stub } from "./stub.js"

const idle = Fixtures.make("webset.idle", { id: "ev_1" })

const build = (options: ExaClient.Options) =>
  Effect.exit(Layer.build(Exa.layer(options).pipe(Layer.provide(stub(() => json(200, idle)).layer)))).pipe(
    Effect.scoped
  )

describe("options are checked when the layer is built", () => {
  it.effect("a key that is empty or holds CR, LF or NUL is refused, naming apiKey and not the value", () =>
    Effect.gen(function*() {
      for (const value of ["", "secret-key-1\n", "secret-key-2\r", "secret\r\nkey-3", "secret\0key-4"]) {
        const exit = yield* build({ apiKey: Redacted.make(value) })
        assert(Exit.isFailure(exit))
        const text = Cause.pretty(exit.cause) + inspect(exit.cause, { depth: 10 }) + JSON.stringify(exit.cause)
        expect(text).toContain("apiKey")
        if (value.length > 0) expect(text).not.toContain(value.replace(/[\r\n\0]/g, "").slice(0, 8))
      }
      expect(Exit.isFailure(yield* build({ apiKey: "plain" as unknown as Redacted.Redacted<string> }))).toBe(true)
    }))

  it.effect("layerConfig refuses a key with a trailing newline too", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Layer.build(Exa.layerConfig().pipe(Layer.provide(stub(() => json(200, idle)).layer)))
      ).pipe(
        Effect.scoped,
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["EXA_API_KEY", "from-env-key\n"]])))
      )
      assert(Exit.isFailure(exit))
      expect(Cause.pretty(exit.cause)).toContain("apiKey")
      expect(Cause.pretty(exit.cause)).not.toContain("from-env-key")
    }))

  it.effect("baseUrl must be an absolute http(s) origin (a path prefix is kept)", () =>
    Effect.gen(function*() {
      const key = Redacted.make("k-options")
      const bad: ReadonlyArray<readonly [string, string]> = [
        ["api.exa.ai", "absolute"],
        ["ftp://api.exa.ai", "http"],
        ["https://user:pass@api.exa.ai", "credentials"],
        ["https://api.exa.ai?x=1", "query"],
        ["https://api.exa.ai/#top", "fragment"],
        ["https://api.exa.ai/websets", "origin"],
        ["https://api.exa.ai/websets/v0/", "origin"],
        ["https://api.exa.ai/WEBSETS/V0", "origin"]
      ]
      for (const [baseUrl, hint] of bad) {
        const exit = yield* build({ apiKey: key, baseUrl })
        assert(Exit.isFailure(exit), baseUrl)
        expect(Cause.pretty(exit.cause), baseUrl).toContain("baseUrl")
        expect(Cause.pretty(exit.cause), baseUrl).toContain(hint)
      }
      const { layer, seen } = stub(() => json(200, idle))
      yield* EventsClient.getEvent("ev_1").pipe(
        Effect.provide(Exa.layer({ apiKey: key, baseUrl: "https://proxy.test/exa//" }).pipe(Layer.provide(layer)))
      )
      expect(seen[0]!.url.href).toBe("https://proxy.test/exa/websets/v0/events/ev_1")
    }))

  it.effect("other options: timeout, maxResponseSize, retry, rateLimit", () =>
    Effect.gen(function*() {
      const apiKey = Redacted.make("k-options")
      const bad: ReadonlyArray<readonly [Partial<ExaClient.Options>, string]> = [
        [{ timeout: "soon" as never }, "timeout"],
        [{ timeout: 0 }, "timeout"],
        [{ timeout: -5 }, "timeout"],
        [{ maxResponseSize: 0 }, "maxResponseSize"],
        [{ maxResponseSize: 1.5 }, "maxResponseSize"],
        [{ maxResponseSize: 300 * 1024 * 1024 }, "maxResponseSize"],
        [{ retry: { maxRetries: -1 } }, "retry.maxRetries"],
        [{ retry: "yes" as never }, "retry"],
        [{ rateLimit: { limit: 0, interval: "1 second" } }, "rateLimit.limit"],
        [{ rateLimit: { limit: 5, interval: 0 } }, "rateLimit.interval"]
      ]
      for (const [options, name] of bad) {
        const exit = yield* build({ apiKey, ...options })
        assert(Exit.isFailure(exit), name)
        expect(Cause.pretty(exit.cause), name).toContain(name)
      }
      expect(Exit.isSuccess(yield* build({ apiKey, timeout: Infinity, maxResponseSize: 1024 }))).toBe(true)
    }))
})

describe("hostile options never throw", () => {
  it.effect("layer and layerConfig with values that are not options fail to build, with a ConfigError", () =>
    Effect.gen(function*() {
      const http = stub(() => json(200, idle)).layer
      for (
        const options of [null, undefined, 42, "key", [], { apiKey: null }, {
          apiKey: Redacted.make("k-1234"),
          retry: null
        }]
      ) {
        let layer: Layer.Layer<EventsClient.EventsClient, unknown> | undefined
        expect(() => (layer = Exa.layer(options as never).pipe(Layer.provide(http)))).not.toThrow()
        const exit = yield* Effect.exit(Layer.build(layer!)).pipe(Effect.scoped)
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail", inspect(options))
      }
      for (const options of [null, 42, "key"]) {
        let layer: Layer.Layer<EventsClient.EventsClient, unknown> | undefined
        expect(() => (layer = Exa.layerConfig(options as never).pipe(Layer.provide(http)))).not.toThrow()
        const exit = yield* Effect.exit(Layer.build(layer!)).pipe(Effect.scoped)
        assert(Exit.isFailure(exit) && exit.cause._tag === "Fail", inspect(options))
        expect(Cause.pretty(exit.cause)).toContain("options")
      }
    }))
})

describe("the native timer", () => {
  it("waits longer than 2^31 - 1 ms without firing early (30 days)", () => {
    vi.useFakeTimers()
    try {
      let fired = 0
      nativeTimer(30 * 24 * 3600 * 1000, () => fired++)
      vi.advanceTimersByTime(1000)
      expect(fired).toBe(0)
      vi.advanceTimersByTime(maxTimerMillis)
      expect(fired).toBe(0)
      vi.advanceTimersByTime(30 * 24 * 3600 * 1000 - maxTimerMillis - 1001)
      expect(fired).toBe(0)
      vi.advanceTimersByTime(1)
      expect(fired).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it("can be cancelled, also after it re-armed", () => {
    vi.useFakeTimers()
    try {
      let fired = 0
      const cancel = nativeTimer(maxTimerMillis + 10_000, () => fired++)
      vi.advanceTimersByTime(maxTimerMillis + 1)
      cancel()
      vi.advanceTimersByTime(20_000)
      expect(fired).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe("errors across copies of the package", () => {
  it("isExaError recognises an error by its type id and tag, not its class", () => {
    const own = new Errors.NotFound({ id: "ev_1" })
    expect(Errors.isExaError(own)).toBe(true)
    // What another copy (the CJS build, another version) makes: same mark, another class.
    const foreign = Object.assign(Object.create({ [Errors.TypeId]: Errors.TypeId }), { _tag: "Timeout" })
    expect(Errors.isExaError(foreign)).toBe(true)
    expect(Errors.isExaError({ _tag: "Timeout" })).toBe(false)
    expect(Errors.isExaError(Object.assign(Object.create({ [Errors.TypeId]: Errors.TypeId }), { _tag: "Other" }))).toBe(
      false
    )
    expect(Errors.isExaError(null)).toBe(false)
    expect(own.message).toBe("Event \"ev_1\" not found")
    expect(new Errors.NotFound({ resource: "webhook", id: "wh_1" }).message).toBe("Webhook \"wh_1\" not found")
    expect(Object.keys(own)).not.toContain(String(Errors.TypeId))
  })
})
