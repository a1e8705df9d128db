/**
 * The conformance suite's emulator side, on the Effect 3 line: for one scenario, a fresh `ExaApi` set up as the
 * scenario says, served by `ExaApiServer` on a free loopback port, the adapter's call against it, and the verdict.
 * `runner.ts` loads this file when a scenario runs, so the other line's type-check never reads it.
 *
 * @since 0.4.0
 */
import type * as Event from "@effect-exa/schema/Event"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { Adapter, EventSetup, Failure, Scenario, Settled, Verdict, WebhookSetup } from "./model.js"
import { clientOptions, verdict } from "./runner.js"

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
    Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
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

/**
 * How many requests the emulator saw. It records one as it arrives, and on a busy machine an attempt the client gave
 * up on (a timeout) can be read in a moment after the call returned: the count is waited for, boundedly, up to what
 * the scenario expects (never past it, so too many still shows).
 */
const requestCount = <E, R>(
  requests: Effect.Effect<ReadonlyArray<unknown>, E, R>,
  expected: number | undefined
): Effect.Effect<number, E, R> =>
  Effect.gen(function*() {
    for (let i = 0; expected !== undefined && i < 100; i++) {
      if ((yield* requests).length >= expected) break
      yield* Effect.sleep(Duration.millis(100))
    }
    return (yield* requests).length
  })

const runScenario = (scenario: Scenario, adapter: Adapter): Effect.Effect<Verdict> =>
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
      delivery: { retry: Schedule.stop }
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
    const settled = yield* Effect.tryPromise(() =>
      adapter.call(scenario.call, {
        baseUrl: url,
        apiKey: scenario.client?.apiKey ?? Redacted.value(api.apiKey),
        options: clientOptions(scenario)
      })
    ).pipe(
      Effect.map((value) => isSettled(value) ? value : { _tag: "Defect" as const, defect: value }),
      Effect.catchAll((error) => Effect.succeed({ _tag: "Defect" as const, defect: error.error }))
    )
    const requests = yield* requestCount(api.requests, scenario.requests)
    return verdict(scenario, settled, requests, adapter)
  }).pipe(Effect.scoped)

/**
 * Runs one scenario (see `runner.ts`): resolves with the verdict, rejects when the scenario cannot be set up.
 *
 * @since 0.4.0
 * @category running
 */
export const run = (scenario: Scenario, adapter: Adapter): Promise<Verdict> =>
  Effect.runPromise(runScenario(scenario, adapter))
