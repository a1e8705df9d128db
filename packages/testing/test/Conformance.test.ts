/**
 * The conformance suite on the Effect 3 line: every scenario of `conformance/scenarios.ts` against the emulator on
 * loopback HTTP, over each transport that talks HTTP. The Effect 4 line runs the same scenarios with its own client
 * (`effect4/packages/client/test/Conformance.test.ts`).
 */
import { EventsClient, Exa, WebhooksClient } from "@effect-exa/client"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { Event } from "@effect-exa/schema"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { fetch as undiciFetch } from "undici"
import type { Adapter, Call, Connection, Settled } from "../conformance/model.js"
import { run } from "../conformance/runner.js"
import { scenarios } from "../conformance/scenarios.js"

const transports: ReadonlyArray<{ readonly name: string; readonly layer: Layer.Layer<HttpClient.HttpClient> }> = [
  { name: "@effect/platform FetchHttpClient", layer: FetchHttpClient.layer },
  { name: "FetchTransport", layer: FetchTransport.layer },
  {
    name: "FetchTransport on undici's fetch",
    layer: FetchTransport.layerWith({ fetch: undiciFetch as unknown as typeof globalThis.fetch })
  },
  { name: "NodeTransport", layer: NodeTransport.layer }
]

// The scenarios' strings are the API's; the clients' parameter types are narrower (event types as literals).
const call = (
  request: Call
): Effect.Effect<unknown, unknown, EventsClient.EventsClient | WebhooksClient.WebhooksClient> => {
  switch (request.op) {
    case "getEvent":
      return EventsClient.getEvent(request.id)
    case "listEvents":
      return EventsClient.listEvents(request.params as EventsClient.ListEventsParams)
    case "streamEvents": {
      const stream = EventsClient.streamEvents(request.params as EventsClient.ListEventsParams)
      return Stream.runCollect(request.take === undefined ? stream : Stream.take(stream, request.take)).pipe(
        Effect.map(Chunk.toReadonlyArray)
      )
    }
    case "createWebhook":
      return WebhooksClient.createWebhook(request.params as WebhooksClient.CreateWebhookParams)
    case "getWebhook":
      return WebhooksClient.getWebhook(request.id)
    case "listWebhooks":
      return WebhooksClient.listWebhooks(request.params)
    case "updateWebhook":
      return WebhooksClient.updateWebhook(request.id, request.params as WebhooksClient.UpdateWebhookParams)
    case "deleteWebhook":
      return Effect.map(WebhooksClient.deleteWebhook(request.id), Option.getOrNull)
    case "listAttempts":
      return WebhooksClient.listAttempts(request.id, request.params as WebhooksClient.ListAttemptsParams)
  }
}

const adapter = (transport: Layer.Layer<HttpClient.HttpClient>): Adapter => ({
  call: (request: Call, connection: Connection): Promise<Settled> => {
    const { retry, timeout } = connection.options
    const client = Exa.layer({
      apiKey: Redacted.make(connection.apiKey),
      baseUrl: connection.baseUrl,
      timeout: Duration.millis(timeout),
      retry: retry === false ? false : {
        maxRetries: retry.maxRetries,
        initialDelay: Duration.millis(retry.initialDelay),
        maxDelay: Duration.millis(retry.maxDelay),
        maxRetryAfter: Duration.millis(retry.maxRetryAfter),
        jitter: retry.jitter
      }
    }).pipe(Layer.provide(transport))
    return Effect.runPromise(
      call(request).pipe(
        Effect.provide(client),
        Effect.match({
          onSuccess: (value): Settled => ({ _tag: "Success", value }),
          onFailure: (error): Settled => ({ _tag: "Failure", error })
        })
      )
    )
  },
  millis: (value) => (Duration.isDuration(value) ? Duration.toMillis(value) : undefined),
  reveal: (value) => (Redacted.isRedacted(value) ? String(Redacted.value(value)) : undefined),
  iso: (value) => (DateTime.isDateTime(value) ? DateTime.formatIso(value) : undefined),
  isKnown: (event) => typeof event === "object" && event !== null && !(event instanceof Event.UnknownEvent)
})

it("the scenarios' names are unique (each is a test's name)", () => {
  expect(new Set(scenarios.map((scenario) => scenario.name)).size).toBe(scenarios.length)
})

for (const transport of transports) {
  describe(`conformance over ${transport.name}`, () => {
    const over = adapter(transport.layer)
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        const { actual, expected } = await run(scenario, over)
        expect(actual).toEqual(expected)
      })
    }
  })
}
