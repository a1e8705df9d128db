/**
 * The two HMAC engines behind `WebhookSignature`: `node:crypto` (found through `process.getBuiltinModule`) and Web
 * Crypto give the documented test vector and agree on any secret and body. Ported from the Effect 3 line's
 * `hmac.test.ts`; its fast-check samples are drawn here from a seeded generator of our own (fast-check is not part
 * of Effect 4).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { hmacSha256, nodeEngine, nodeEngineOf, webEngine } from "../src/internal/hmac.js"

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

// mulberry32: a small seeded generator, so a failure names the sample that found it.
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// Any UTF-16 code units, lone surrogates included; or any bytes.
const text = (next: () => number, min: number) =>
  String.fromCharCode(...Array.from({ length: min + Math.floor(next() * 40) }, () => Math.floor(next() * 0x10000)))
const bytes = (next: () => number) =>
  Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256))

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
      const encoded = new TextEncoder().encode(parts.join(""))
      expect(hex(yield* node(secret, [encoded]))).toBe(expected)
      expect(hex(yield* webEngine(secret, [encoded.slice(0, 5), encoded.slice(5)]))).toBe(expected)
    }))

  it.effect("agree on any secret and body, text (any UTF-16, lone surrogates included) or bytes", () =>
    Effect.gen(function*() {
      const next = random(11)
      for (let i = 0; i < 200; i++) {
        const secret = Redacted.make(text(next, 1))
        const parts = ["1700000000.", next() < 0.5 ? text(next, 0) : bytes(next)]
        expect(hex(yield* node(secret, parts)), `sample ${i}`).toBe(hex(yield* webEngine(secret, parts)))
      }
    }))
})
