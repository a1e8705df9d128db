/**
 * The transports agree on what a broken or hostile answer is, and on a key that cannot be sent: corrupt compressed
 * bodies are `Transport` errors (never a wait for the timeout), truncated ones the `Decode` error of the JSON they
 * cut, and a key no header can carry is refused (a `ConfigError` naming `apiKey`) before anything is sent.
 */
import { EventsClient, Exa } from "@effect-exa/client"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Fixtures } from "@effect-exa/testing"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { IncomingMessage, ServerResponse } from "node:http"
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib"
import { fetch as undiciFetch } from "undici"
import { serve } from "./loopback.js"

const event = JSON.stringify(Fixtures.make("webset.idle", { id: "ev_1" }))
const key = "agreement-test-key-0123"

interface Transport {
  readonly name: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
}

// `fetch` as undici 7 has it. The `fetch` of Node 20 and 22 (undici 6) loses a decompression error that comes after
// the whole compressed body has arrived: the body's stream then never settles, even when aborted, and the call
// waits for its deadline (see docs/errors.md). Those `fetch`es are tried below only where that cannot happen.
const fetchAgreeing: ReadonlyArray<Transport> = [
  {
    name: "FetchTransport on undici 7's fetch",
    layer: FetchTransport.layerWith({ fetch: undiciFetch as typeof fetch })
  },
  { name: "NodeTransport", layer: NodeTransport.layer }
]
const all: ReadonlyArray<Transport> = [
  { name: "@effect/platform's FetchHttpClient", layer: FetchHttpClient.layer },
  { name: "FetchTransport", layer: FetchTransport.layer },
  ...fetchAgreeing
]

const codecs = [["gzip", gzipSync], ["deflate", deflateSync], ["br", brotliCompressSync]] as const

// A long timeout: a transport that waited for it would fail the test by the test's own time limit, never pass.
const call = (transport: Transport, handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.gen(function*() {
    const { url } = yield* serve(handler)
    const layer = Exa.layer({ apiKey: Redacted.make(key), baseUrl: url, retry: false, timeout: "1 hour" }).pipe(
      Layer.provide(transport.layer)
    )
    return yield* Effect.flip(Effect.provide(EventsClient.getEvent("ev_1"), layer))
  }).pipe(Effect.scoped)

// The whole answer in one write, as most servers send a small one.
const whole = (encoding: string, body: Uint8Array) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding })
  res.end(body)
}

// The headers first, the body a moment later: the body arrives in reads of its own.
const split = (encoding: string, body: Uint8Array) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding })
  res.flushHeaders()
  setTimeout(() => res.end(body), 20)
}

const garbage = Buffer.from("this is not compressed at all, just text")

for (const transport of all) {
  describe(`a broken compressed answer, over ${transport.name}`, () => {
    for (const [encoding, compress] of codecs) {
      it.live(`garbage under ${encoding} is a Transport error`, () =>
        Effect.gen(function*() {
          const error = yield* call(transport, whole(encoding, garbage))
          expect(error._tag).toBe("Transport")
        }))

      it.live(`a ${encoding} body cut short is the Decode error of the JSON it cut`, () =>
        Effect.gen(function*() {
          const compressed = compress(Buffer.from(event))
          const error = yield* call(transport, whole(encoding, compressed.subarray(0, compressed.length >> 1)))
          expect(error._tag).toBe("Decode")
        }))
    }
  })
}

for (const transport of fetchAgreeing) {
  describe(`a compressed answer that breaks after it arrived, over ${transport.name}`, () => {
    it.live("garbage after a whole gzip member is a Transport error, not a wait for the deadline", () =>
      Effect.gen(function*() {
        const error = yield* call(transport, split("gzip", Buffer.concat([gzipSync(Buffer.from(event)), garbage])))
        expect(error._tag).toBe("Transport")
      }))

    for (const [encoding] of codecs) {
      it.live(`garbage under ${encoding}, arriving after the headers, is a Transport error`, () =>
        Effect.gen(function*() {
          const error = yield* call(transport, split(encoding, garbage))
          expect(error._tag).toBe("Transport")
        }))
    }
  })
}

describe("a key no header can carry", () => {
  const keys = [
    "key-with-\x7f-del",
    "key-with-\t-tab",
    "key-with-\x1b-escape",
    "key-\u0100-past-latin-1",
    " key",
    "key "
  ]
  for (const transport of all) {
    it.live(`is refused before anything is sent, over ${transport.name}`, () =>
      Effect.gen(function*() {
        const server = yield* serve((_, res) => res.end(event))
        for (const bad of keys) {
          const layer = Exa.layer({ apiKey: Redacted.make(bad), baseUrl: server.url, retry: false }).pipe(
            Layer.provide(transport.layer)
          )
          const exit = yield* Effect.exit(Effect.provide(EventsClient.getEvent("ev_1"), layer))
          assert(Exit.isFailure(exit) && exit.cause._tag === "Fail", JSON.stringify(bad))
          // Refused as every other option is, when the layer is built: a ConfigError naming it, not holding it.
          const error: unknown = exit.cause.error
          assert(ConfigError.isConfigError(error), JSON.stringify(bad))
          expect(String(error)).toContain("apiKey")
          expect(String(error)).not.toContain(bad.trim())
        }
        expect(server.requests()).toBe(0)
      }).pipe(Effect.scoped))
  }
})
