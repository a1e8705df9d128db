/**
 * The conformance suite on the Effect 4 line: the Effect 3 line's scenarios (`packages/testing/conformance`) with
 * the same expectations, against the same emulator (the Effect 3 line's `ExaApi` on loopback HTTP), with this line's
 * client over each of its transports: Effect 4's `FetchHttpClient` and this package's `FetchTransport`. Only strings cross between the two copies of `effect`: the URL, the key
 * and JSON over HTTP.
 */
import { EventsClient, Exa, FetchTransport, WebhooksClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { existsSync } from "node:fs"
import type { Adapter, Call, Connection, Settled } from "../../../../packages/testing/conformance/model.js"
import { run } from "../../../../packages/testing/conformance/runner.js"
import { scenarios } from "../../../../packages/testing/conformance/scenarios.js"

// The emulator is the Effect 3 line's, loaded from its sources with the root workspace's packages: without them
// every scenario would fail on a missing module, so say what is missing once.
if (!existsSync(new URL("../../../../node_modules/@effect-exa/testing/package.json", import.meta.url))) {
  throw new Error(
    "The conformance suite runs the Effect 3 line's emulator: run `corepack pnpm install` at the repository root " +
      "first (.ci/run does, before effect4/scripts/test.sh)"
  )
}

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
      return Stream.runCollect(request.take === undefined ? stream : Stream.take(stream, request.take))
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

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["effect/http FetchHttpClient", FetchHttpClient.layer],
  ["FetchTransport", FetchTransport.layer]
]

for (const [name, transport] of transports) {
  describe(`conformance over ${name}`, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        const { actual, expected } = await run(scenario, adapter(transport))
        expect(actual).toEqual(expected)
      })
    }
  })
}
