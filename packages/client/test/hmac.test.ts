import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import { hmacSha256, nodeEngine, nodeEngineOf, webEngine } from "../src/internal/hmac.js"

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

describe("HMAC engines", () => {
  const node = nodeEngine()!

  it("finds node:crypto on Node, and no engine in anything that is not node:crypto", () => {
    expect(typeof node).toBe("function")
    for (const module of [undefined, null, {}, { createHmac: 1 }, "node:crypto"]) {
      expect(nodeEngineOf(module)).toBeUndefined()
    }
  })

  it.effect("both give the docs' test vector", () =>
    Effect.gen(function*() {
      const secret = Redacted.make("your_webhook_secret")
      const parts = ["1234567890.", `{"type":"webset.created","data":{"id":"ws_test"}}`]
      const expected = "4e910dcb5177dfb449d673943d842ac346fb8dc496fdfeb28bd2ef72b432e6d5"
      expect(hex(yield* node(secret, parts))).toBe(expected)
      expect(hex(yield* webEngine(secret, parts))).toBe(expected)
      expect(hex(yield* hmacSha256(secret, parts))).toBe(expected)
      // The same bytes given as bytes, and split differently.
      const bytes = new TextEncoder().encode(parts.join(""))
      expect(hex(yield* node(secret, [bytes]))).toBe(expected)
      expect(hex(yield* webEngine(secret, [bytes.slice(0, 5), bytes.slice(5)]))).toBe(expected)
    }))

  it.effect("agree on any secret and body, text (any Unicode, lone surrogates included) or bytes", () =>
    Effect.gen(function*() {
      const samples = FastCheck.sample(
        FastCheck.tuple(
          FastCheck.string({ minLength: 1, unit: "binary" }),
          FastCheck.oneof(FastCheck.string({ unit: "binary" }), FastCheck.uint8Array())
        ),
        { numRuns: 200, seed: 11 }
      )
      for (const [key, body] of samples) {
        const secret = Redacted.make(key)
        const parts = ["1700000000.", body]
        expect(hex(yield* node(secret, parts))).toBe(hex(yield* webEngine(secret, parts)))
      }
    }))
})
