/**
 * A program firing many calls at once against an account limited to N requests per second: the emulator on
 * loopback answers 429 (with `Retry-After`) beyond N/s, 50 callers call `getEvent` in a loop for a few seconds, and
 * we count the calls that succeeded per second and the share of requests the server answered 429. Three clients:
 * ours with `rateLimit` set to the account's limit, ours without it (it still honours `Retry-After`), and exa-js.
 */
import { EventsClient, ExaClient } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import ExaModule from "exa-js"
import { fmt, table } from "./harness.js"

const limit = 20
const callers = 50
const seconds = 8
const apiKey = "bench-key"

interface Outcome {
  readonly ok: number
  readonly requests: number
  readonly limited: number
}

// The emulator, with every 429 it sends counted, served on loopback for the duration of `use`.
const withServer = <A>(use: (url: string) => Promise<A>): Promise<{ result: A; requests: number; limited: number }> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const api = yield* ExaApi.make({
      apiKey,
      events: [Fixtures.make("webset.idle", { id: "ev_1" })],
      rateLimit: { limit, interval: "1 second" }
    })
    let requests = 0
    let limited = 0
    const counted = ExaApi.ExaApi.of({
      ...api,
      handle: (request) =>
        Effect.tap(api.handle(request), (outcome) => {
          requests++
          if (outcome._tag === "Reply" && outcome.reply.status === 429) limited++
        })
    })
    const { url } = yield* Layer.build(ExaApiServer.layer.pipe(Layer.provide(Layer.succeed(ExaApi.ExaApi, counted))))
      .pipe(
        Effect.map((context) => context.unsafeMap.get(ExaApiServer.ExaApiServer.key) as ExaApiServer.Service)
      )
    const result = yield* Effect.promise(() => use(url))
    return { result, requests, limited }
  })))

// `callers` loops calling `call` until the time is up; the calls that succeeded per second, over the whole run
// (calls still waiting at the end are waited for, and their time counted).
const hammer = async (call: () => Promise<unknown>): Promise<number> => {
  let ok = 0
  const start = performance.now()
  const end = start + seconds * 1000
  await Promise.all(Array.from({ length: callers }, async () => {
    while (performance.now() < end) {
      try {
        await call()
        ok++
      } catch {
        // A failed call (a 429 the client gave up on): counted by the server, not here.
      }
    }
  }))
  return ok / ((performance.now() - start) / 1000)
}

const ours = (rateLimit: boolean) => (url: string) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const layer = EventsClient.Default.pipe(
      Layer.provide(ExaClient.layer({
        apiKey: Redacted.make(apiKey),
        baseUrl: url,
        ...(rateLimit ? { rateLimit: { limit, interval: "1 second" } } : {})
      })),
      Layer.orDie,
      Layer.provide(NodeTransport.layer)
    )
    const context = yield* Layer.build(layer)
    return yield* Effect.promise(() =>
      hammer(() => Effect.runPromise(Effect.provide(EventsClient.getEvent("ev_1"), context)))
    )
  })))

const exaJs = (url: string) => {
  const Exa = ((ExaModule as any).default ?? ExaModule) as new(key: string, url: string) => {
    websets: { events: { get: (id: string) => Promise<unknown> } }
  }
  const exa = new Exa(apiKey, url)
  return hammer(() => exa.websets.events.get("ev_1"))
}

export const runRateLimit = async (): Promise<string> => {
  const rows: Array<Array<string>> = []
  const contenders: ReadonlyArray<readonly [string, (url: string) => Promise<number>]> = [
    [`effect-exa, rateLimit ${limit}/s`, ours(true)],
    ["effect-exa, no rateLimit (Retry-After honoured)", ours(false)],
    ["exa-js 2.23", exaJs]
  ]
  for (const [name, run] of contenders) {
    const { limited, requests, result } = await withServer(run)
    const outcome: Outcome = { ok: result, requests, limited }
    rows.push([
      name,
      fmt(outcome.ok, 1),
      fmt((100 * outcome.ok) / limit, 1) + "%",
      fmt(outcome.requests),
      fmt((100 * outcome.limited) / Math.max(1, outcome.requests), 1) + "%"
    ])
  }
  return [
    `## Rate limit: ${callers} concurrent callers for ${seconds} s against an emulator limited to ${limit} requests/s (loopback)`,
    "",
    table(["client", "successful calls/s", "of the limit", "requests sent", "answered 429"], rows),
    ""
  ].join("\n")
}
