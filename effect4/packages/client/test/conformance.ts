/**
 * The conformance suite's harness on the Effect 4 line: the Effect 3 line's scenarios (`packages/testing/conformance`)
 * with the same expectations, with this line's client over a transport, against both emulators: the Effect 3 line's
 * `ExaApi` on loopback HTTP (the shared `runner.ts`, where only strings cross between the two copies of `effect`: the
 * URL, the key and JSON over HTTP), and this line's own `ExaApi` served by its `ExaApiServer`, set up the same way
 * (`emulator.ts`'s steps, ported below). `Conformance.test.ts` runs it over the `fetch` transports,
 * `Conformance.node.test.ts` over `NodeTransport` (two files, so that vitest runs them side by side).
 */
import { EventsClient, Exa, WebhooksClient } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { existsSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type {
  Adapter,
  Call,
  Connection,
  EventSetup,
  Failure,
  Scenario,
  Settled,
  Verdict,
  WebhookSetup
} from "../../../../packages/testing/conformance/model.js"
import { clientOptions, run, verdict } from "../../../../packages/testing/conformance/runner.js"
import { scenarios } from "../../../../packages/testing/conformance/scenarios.js"

// The Effect 3 line's emulator is loaded from its sources with the root workspace's packages: without them each of
// its runs would fail on a missing module, so they say what is missing instead.
const effect3Installed = existsSync(
  new URL("../../../../node_modules/@effect-exa/testing/package.json", import.meta.url)
)
const runOnEffect3 = (scenario: Scenario, adapter: Adapter): Promise<Verdict> =>
  effect3Installed ? run(scenario, adapter) : Promise.reject(
    new Error(
      "The conformance suite runs the Effect 3 line's emulator: run `corepack pnpm install` at the repository " +
        "root first (.ci/run does, before effect4/scripts/test.sh)"
    )
  )

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

// This line's emulator, set up as the Effect 3 line's `emulator.ts` sets up its own, step for step.

/** The scenario cannot be set up: a mistake in its data, not a finding about a client. */
class SetupError extends Error {}

const samples = Fixtures.events as Readonly<Record<string, Event.Encoded>>

const eventJson = (event: EventSetup): Event.Encoded => {
  if (!("sample" in event)) return event as unknown as Event.Encoded
  const sample = samples[event.sample]
  if (sample === undefined) throw new SetupError(`no sample event of type ${event.sample}`)
  return {
    ...sample,
    id: event.id,
    createdAt: event.createdAt,
    ...(event.type === undefined ? {} : { type: event.type }),
    ...(event.data === undefined ? {} : { data: event.data })
  } as Event.Encoded
}

const failure = (scripted: Failure): ExaApi.Failure => {
  switch (scripted._tag) {
    case "Status":
      return {
        _tag: "Status",
        status: scripted.status,
        ...(scripted.body === undefined ? {} : { body: scripted.body }),
        ...(scripted.headers === undefined ? {} : { headers: { ...scripted.headers } })
      }
    case "RateLimited":
      return scripted.retryAfter === undefined
        ? { _tag: "RateLimited" }
        : { _tag: "RateLimited", retryAfter: Duration.millis(scripted.retryAfter) }
    case "Transport":
    case "Stall":
      return { _tag: scripted._tag }
    case "Body":
      return {
        _tag: "Body",
        body: scripted.body,
        ...(scripted.status === undefined ? {} : { status: scripted.status }),
        ...(scripted.contentType === undefined ? {} : { contentType: scripted.contentType }),
        ...(scripted.headers === undefined ? {} : { headers: { ...scripted.headers } })
      }
    case "Delay":
      return { _tag: "Delay", delay: Duration.millis(scripted.delay) }
  }
}

/** A receiver on loopback answering every delivery with `status`, for the scope's life; its URL. */
const receiver = (status: number) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly close: () => void }>((resume) => {
      const server = createServer((request, response) => {
        request.resume()
        request.on("end", () => response.writeHead(status, { "content-type": "text/plain" }).end("ok"))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}/hooks`,
          close: () => (server.closeAllConnections(), server.close())
        }))
      })
    }),
    ({ close }) => Effect.sync(close)
  )

// A receiver that is down is never contacted (the emulator records its attempts with status 0): the URL only has
// to pass the API's check.
const downUrl = "http://127.0.0.1:9/hooks"

/** Creates a webhook through the emulator's own API, as a client would, so it is set up exactly as one. */
const createWebhook = (api: ExaApi.Service, setup: WebhookSetup) =>
  Effect.gen(function*() {
    const url = typeof setup.receiver === "number"
      ? (yield* receiver(setup.receiver)).url
      : setup.receiver === "down"
      ? downUrl
      : setup.url ?? "https://example.com/hooks"
    const outcome = yield* api.handle({
      method: "POST",
      url: new URL("http://127.0.0.1/websets/v0/webhooks"),
      headers: { "x-api-key": Redacted.value(api.apiKey), "content-type": "application/json" },
      body: JSON.stringify({
        events: setup.events,
        url,
        ...(setup.metadata === undefined ? {} : { metadata: setup.metadata })
      })
    })
    if (outcome._tag !== "Reply" || outcome.reply.status !== 200) {
      return yield* Effect.die(new SetupError(`could not create a webhook: ${JSON.stringify(outcome)}`))
    }
    const { id } = JSON.parse(outcome.reply.body) as { readonly id: string }
    // Down for longer than any scenario runs.
    if (setup.receiver === "down") yield* api.receiverDown(id, Duration.hours(1))
  })

/** Whether the value is a `Settled` (the adapter's contract), so a wrong one shows as a defect, not a pass. */
const isSettled = (value: unknown): value is Settled =>
  typeof value === "object" && value !== null && "_tag" in value &&
  ((value._tag === "Success" && "value" in value) || (value._tag === "Failure" && "error" in value))

/** One scenario against this line's emulator: resolves with the verdict, rejects when it cannot be set up. */
const runOnEffect4 = (scenario: Scenario, adapter: Adapter): Promise<Verdict> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const setup = scenario.setup ?? {}
      const delivered = (setup.delivered ?? []).map(eventJson)
      if (delivered.length > 0 && (setup.webhooks ?? []).some((webhook) => webhook.receiver === undefined)) {
        return yield* Effect.die(new SetupError("events are delivered only to webhooks with a receiver on loopback"))
      }
      const api = yield* ExaApi.make({
        events: (setup.events ?? []).map(eventJson),
        ...(setup.apiKey === undefined ? {} : { apiKey: setup.apiKey }),
        // One attempt per delivery: a retry would be due 30 seconds later, after the scenario.
        delivery: { retry: Schedule.recurs(0) }
      })
      for (const webhook of setup.webhooks ?? []) yield* createWebhook(api, webhook)
      if (delivered.length > 0) {
        yield* api.addEvents(delivered)
        yield* api.flush
      }
      // The setup's own requests are not the call's; the failures apply to the call's requests only.
      yield* api.reset
      for (const scripted of setup.failures ?? []) yield* api.failNext(failure(scripted), scripted.times ?? 1)
      const server = yield* Layer.build(ExaApiServer.layer.pipe(Layer.provide(Layer.succeed(ExaApi.ExaApi, api))))
      const { url } = Context.get(server, ExaApiServer.ExaApiServer)
      const settled = yield* Effect.promise(() =>
        adapter.call(scenario.call, {
          baseUrl: url,
          apiKey: scenario.client?.apiKey ?? Redacted.value(api.apiKey),
          options: clientOptions(scenario)
        }).then(
          (value) => isSettled(value) ? value : { _tag: "Defect" as const, defect: value },
          (defect: unknown) => ({ _tag: "Defect" as const, defect })
        )
      )
      // Waited for up to what the scenario expects (see the Effect 3 emulator's `requestCount`).
      for (let i = 0; scenario.requests !== undefined && i < 100; i++) {
        if ((yield* api.requests).length >= scenario.requests) break
        yield* Effect.sleep(Duration.millis(100))
      }
      const requests = (yield* api.requests).length
      return verdict(scenario, settled, requests, adapter)
    }).pipe(Effect.scoped)
  )

const emulators: ReadonlyArray<readonly [string, (scenario: Scenario, adapter: Adapter) => Promise<Verdict>]> = [
  ["the Effect 3 line's emulator", runOnEffect3],
  ["the Effect 4 line's emulator", runOnEffect4]
]

/**
 * Runs every scenario over each transport, against both emulators: one `describe` per transport and emulator.
 */
export const suite = (transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]>): void => {
  for (const [emulator, runScenario] of emulators) {
    for (const [name, transport] of transports) {
      describe(`conformance over ${name}, against ${emulator}`, () => {
        for (const scenario of scenarios) {
          it(scenario.name, async () => {
            const { actual, expected } = await runScenario(scenario, adapter(transport))
            expect(actual).toEqual(expected)
          })
        }
      })
    }
  }
}
