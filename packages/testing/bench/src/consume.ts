/**
 * Consuming events: the tail's cost against the emulator over loopback HTTP (events handled per second and
 * requests per event, catching up on a backlog and then in steady state), and the ready webhook receiver's cost per
 * delivery (verify + decode + dispatch) against a hand-written `node:crypto` + `JSON.parse` receiver.
 */
import { Checkpoint, Dedupe, Handlers, Tail, Webhook } from "@effect-exa/client"
import * as NodeHttpClient from "@effect-exa/client/NodeHttpClient"
import { ExaApi, ExaApiServer, Fixtures, Webhooks } from "@effect-exa/testing"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { createHmac, timingSafeEqual } from "node:crypto"
import { fmt, measureAsync, table } from "./harness.js"

const backlog = 2_000

const tail = Effect.gen(function*() {
  const api = yield* ExaApi.ExaApi
  const since = Date.now() - 60_000
  const make = (i: number) =>
    Fixtures.make(i % 2 === 0 ? "webset.item.created" : "webset.item.enriched", {
      id: `ev_${i}`,
      createdAt: new Date(since + i).toISOString()
    })
  yield* api.addEvents(Array.from({ length: backlog }, (_, i) => make(i)))
  let handled = 0
  const handle = Handlers.make({ orElse: () => Effect.sync(() => void handled++) })
  const before = (yield* api.requests).length
  const started = performance.now()
  const fiber = yield* Effect.fork(
    Tail.consume("bench", handle, { since: new Date(since), poll: Schedule.spaced("10 millis") })
  )
  while (handled < backlog) yield* Effect.sleep("5 millis")
  const catchUp = performance.now() - started
  const catchUpRequests = (yield* api.requests).length - before
  // Steady state: 20 rounds of 50 new events, each waited for.
  const steadyStart = performance.now()
  const steadyBefore = (yield* api.requests).length
  for (let round = 0; round < 20; round++) {
    yield* api.addEvents(Array.from({ length: 50 }, (_, k) => make(backlog + round * 50 + k)))
    while (handled < backlog + (round + 1) * 50) yield* Effect.sleep("2 millis")
  }
  const steady = performance.now() - steadyStart
  const steadyRequests = (yield* api.requests).length - steadyBefore
  yield* Fiber.interrupt(fiber)
  return [
    [`catching up on ${fmt(backlog)} events`, fmt(backlog / (catchUp / 1000)), fmt(catchUpRequests / backlog, 3)],
    ["steady state, 20 × 50 new events", fmt(1000 / (steady / 1000)), fmt(steadyRequests / 1000, 3)]
  ]
}).pipe(
  Effect.provide(Layer.mergeAll(
    ExaApiServer.layerClient({ httpClient: NodeHttpClient.layer() }),
    Checkpoint.layerMemory
  )),
  Effect.scoped
)

const secretText = "whsec_bench_receiver"
const event = Fixtures.events["webset.item.enriched"]

const receiverCases = async () => {
  const body = JSON.stringify(event)
  const { dispose, handler } = Webhook.webHandler(
    { secret: Redacted.make(secretText), handle: Handlers.make({ orElse: () => Effect.void }) },
    Layer.empty
  )
  const withDedupe = Webhook.webHandler(
    { secret: Redacted.make(secretText), handle: Handlers.make({ orElse: () => Effect.void }) },
    Dedupe.layerMemory()
  )
  const signature = await Effect.runPromise(Webhooks.sign(body, { secret: secretText }))
  let n = 0
  const request = () =>
    new Request("http://localhost/hook", {
      method: "POST",
      headers: { "exa-signature": signature, "content-type": "application/json" },
      body
    })
  // By hand: parse the header, HMAC the raw body with node:crypto, compare, JSON.parse, dispatch on type.
  const byHand = async (req: Request) => {
    const raw = await req.text()
    const header = req.headers.get("exa-signature") ?? ""
    const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]))
    const expected = createHmac("sha256", secretText).update(`${parts.t}.${raw}`).digest()
    const given = Buffer.from(parts.v1 ?? "", "hex")
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) return new Response("bad", { status: 401 })
    const parsed = JSON.parse(raw) as { type: string }
    if (typeof parsed.type !== "string") return new Response("bad", { status: 400 })
    n++
    return new Response(null, { status: 204 })
  }
  const cases: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
    ["node:crypto HMAC + JSON.parse + dispatch (by hand, no validation)", () => byHand(request())],
    ["Webhook.webHandler (verify + decode to Event + Handlers)", () => handler(request())],
    ["Webhook.webHandler with Dedupe.layerMemory (a duplicate: skipped after the first)", () => withDedupe.handler(request())]
  ]
  const medians = await measureAsync(cases, { warmup: 200 })
  await dispose()
  await withDedupe.dispose()
  void n
  return cases.map(([name], i) => [name, fmt(medians[i]!, 1), fmt(medians[i]! / medians[0]!, 2)])
}

export const runConsume = async (): Promise<string> => {
  const tailRows = await Effect.runPromise(tail)
  const receiverRows = await receiverCases()
  return [
    "## Consuming: Tail.consume over loopback HTTP (NodeHttpClient, emulator, pages of 200, poll every 10 ms)",
    "",
    table(["case", "events handled per second", "requests per event"], tailRows),
    "",
    `## Consuming: the webhook receiver, per delivery of a ${fmt(JSON.stringify(event).length / 1024, 1)} KiB event (no network; interleaved 40 ms batches, medians)`,
    "",
    table(["receiver", "µs per delivery", "× by hand"], receiverRows),
    ""
  ].join("\n")
}
