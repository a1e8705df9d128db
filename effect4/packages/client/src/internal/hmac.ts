/**
 * HMAC-SHA256 of a payload under a webhook secret: with the runtime's `node:crypto` where it offers one (Node, Bun,
 * Deno: synchronous, several times faster), else with Web Crypto (browsers, edge runtimes). `node:crypto` is reached
 * through `process.getBuiltinModule`, never imported, so that bundles for the web do not try to include it.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/** One way to compute the MAC of the concatenation of `parts` (text is UTF-8). */
export type Engine = (
  secret: Redacted.Redacted<string>,
  parts: ReadonlyArray<string | Uint8Array>
) => Effect.Effect<Uint8Array>

interface Hmac {
  update(data: string | Uint8Array, encoding?: "utf8"): Hmac
  digest(): Uint8Array
}

interface NodeCrypto {
  readonly createHmac: (algorithm: string, key: string) => Hmac
}

// `node:crypto` from the runtime, if it has `process.getBuiltinModule` (Node 20.16+, Bun, Deno).
const builtin = (): unknown => {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    return typeof process?.getBuiltinModule === "function" ? process.getBuiltinModule("node:crypto") : undefined
  } catch {
    return undefined
  }
}

/** An engine on a `node:crypto` module, or `undefined` when `module` is not one. */
export const nodeEngineOf = (module: unknown): Engine | undefined => {
  if (typeof module !== "object" || module === null || typeof (module as NodeCrypto).createHmac !== "function") {
    return undefined
  }
  const crypto = module as NodeCrypto
  return (secret, parts) =>
    Effect.sync(() => {
      const hmac = crypto.createHmac("sha256", Redacted.value(secret))
      // Text is hashed as UTF-8 where it lies, with no copy into one buffer.
      for (const part of parts) hmac.update(part, "utf8")
      return new Uint8Array(hmac.digest())
    })
}

/** `node:crypto`'s HMAC, or `undefined` where the runtime has none. */
export const nodeEngine = (): Engine | undefined => nodeEngineOf(builtin())

const encoder = new TextEncoder()

// Imported keys, one per `Redacted` secret and for as long as it lives: importing is a round trip to Web Crypto's
// thread pool, as costly as the MAC of a small body. The key is not extractable.
const keys = new WeakMap<Redacted.Redacted<string>, Promise<CryptoKey>>()
const keyOf = (secret: Redacted.Redacted<string>): Promise<CryptoKey> => {
  let key = keys.get(secret)
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(Redacted.value(secret)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    keys.set(secret, key)
  }
  return key
}

// The parts as one buffer, which Web Crypto needs.
const concatenated = (parts: ReadonlyArray<string | Uint8Array>): Uint8Array<ArrayBuffer> => {
  const bytes = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part))
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0))
  let offset = 0
  for (const b of bytes) {
    out.set(b, offset)
    offset += b.length
  }
  return out
}

/** Web Crypto's HMAC. */
export const webEngine: Engine = (secret, parts) =>
  Effect.promise(async () =>
    new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", await keyOf(secret), concatenated(parts)))
  )

/** The engine this runtime uses. */
export const hmacSha256: Engine = nodeEngine() ?? webEngine
