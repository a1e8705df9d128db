/**
 * Consuming events: the tail's cost against the emulator over loopback HTTP (events handled per second and
 * requests per event, catching up on a backlog and then in steady state), and the ready webhook receiver's cost per
 * delivery (verify + decode + dispatch) against a hand-written `node:crypto` + `JSON.parse` receiver.
 */
import { Checkpoint, Dedupe, Handlers, Tail, WebhookReceiver } from "@effect-exa/client"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { ExaApi, ExaApiServer, Fixtures, Webhooks } from "@effect-exa/testing"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { createHmac, timingSafeEqual } from "node:crypto"
import { fmt, measureAsync, table } from "./harness.js"

// Catching up on a backlog of `backlog` events, then 20 rounds of 50 new ones with that backlog still inside the
// lookback window (each poll walks the whole window again: the price of handling late events).
const tail = (backlog: number) =>
  Effect.gen(function*() {
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
      [
        `then 20 × 50 new events, the ${fmt(backlog)} still in the window`,
        fmt(1000 / (steady / 1000)),
        fmt(steadyRequests / 1000, 3)
      ]
    ]
  }).pipe(
    Effect.provide(Layer.mergeAll(
      ExaApiServer.layerClient({ httpClient: NodeTransport.layer }),
      Checkpoint.layerMemory
    )),
    Effect.scoped
  )

// A checkpoint store in memory that counts what a store on disk would write: the JSON of every position.
const countingStore = () => {
  const encode = Schema.encodeSync(Schema.parseJson(Checkpoint.Position))
  const counts = { writes: 0, bytes: 0 }
  let stored: Checkpoint.Position | undefined
  const layer = Layer.succeed(
    Checkpoint.Checkpoint,
    Checkpoint.Checkpoint.of({
      get: () => Effect.succeed(Option.fromNullable(stored)),
      set: (_, position) =>
        Effect.sync(() => {
          counts.writes++
          counts.bytes += encode(position).length
          stored = position
        })
    })
  )
  return { counts, layer }
}

// Every event of one 5-minute lookback window at once: what handling them costs, in time and in bytes written.
const oneWindow = (count: number) => {
  const store = countingStore()
  return Effect.gen(function*() {
    const api = yield* ExaApi.ExaApi
    const since = Date.now() - 4 * 60_000
    yield* api.addEvents(Array.from({ length: count }, (_, i) =>
      Fixtures.make("webset.item.created", {
        id: `ev_${i}`,
        createdAt: new Date(since + Math.floor(i * 200_000 / count)).toISOString()
      })))
    let handled = 0
    const started = performance.now()
    const fiber = yield* Effect.fork(
      Tail.consume("window", () => Effect.sync(() => void handled++), {
        since: new Date(since),
        poll: Schedule.spaced("10 millis")
      })
    )
    while (handled < count) yield* Effect.sleep("2 millis")
    const elapsed = performance.now() - started
    yield* Fiber.interrupt(fiber)
    return { elapsed, ...store.counts }
  }).pipe(
    Effect.provide(Layer.mergeAll(ExaApiServer.layerClient({ httpClient: NodeTransport.layer }), store.layer)),
    Effect.scoped
  )
}

const windows = Effect.gen(function*() {
  const small = yield* oneWindow(1_000)
  const large = yield* oneWindow(8_000)
  const row = (count: number, r: typeof small) => [
    `${fmt(count)} events in one window`,
    fmt(r.elapsed, 0),
    fmt(r.writes),
    fmt(r.bytes / 1024, 0),
    fmt(r.bytes / count, 0)
  ]
  return [
    row(1_000, small),
    row(8_000, large),
    [
      "8× the events: × the cost",
      fmt(large.elapsed / small.elapsed, 1),
      fmt(large.writes / small.writes, 1),
      fmt(large.bytes / small.bytes, 1),
      ""
    ]
  ]
})

const secretText = "whsec_bench_receiver"
const event = Fixtures.events["webset.item.enriched"]

const receiverCases = async () => {
  const body = JSON.stringify(event)
  const { dispose, handler } = WebhookReceiver.webHandler(
    { secret: Redacted.make(secretText), handle: Handlers.make({ orElse: () => Effect.void }) },
    Layer.empty
  )
  const withDedupe = WebhookReceiver.webHandler(
    { secret: Redacted.make(secretText), handle: Handlers.make({ orElse: () => Effect.void }), dedupe: true },
    Dedupe.layerMemory
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
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) {
      return new Response("bad", { status: 401 })
    }
    const parsed = JSON.parse(raw) as { type: string }
    if (typeof parsed.type !== "string") return new Response("bad", { status: 400 })
    n++
    return new Response(null, { status: 204 })
  }
  const cases: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
    ["node:crypto HMAC + JSON.parse + dispatch (by hand, no validation)", () => byHand(request())],
    ["WebhookReceiver.webHandler (verify + decode to Event + Handlers)", () => handler(request())],
    [
      "WebhookReceiver.webHandler with Dedupe.layerMemory (a duplicate: skipped after the first)",
      () => withDedupe.handler(request())
    ]
  ]
  const medians = await measureAsync(cases, { warmup: 200 })
  await dispose()
  await withDedupe.dispose()
  void n
  return cases.map(([name], i) => [name, fmt(medians[i]!, 1), fmt(medians[i]! / medians[0]!, 2)])
}

export const runConsume = async (): Promise<string> => {
  const tailRows = [...await Effect.runPromise(tail(2_000)), ...await Effect.runPromise(tail(10_000))]
  const windowRows = await Effect.runPromise(windows)
  const receiverRows = await receiverCases()
  return [
    "## Consuming: Tail.consume over loopback HTTP (NodeTransport, emulator, pages of 200, poll every 10 ms)",
    "",
    table(["case", "events handled per second", "requests per event"], tailRows),
    "",
    "## Consuming: one lookback window full of events (Tail.consume, the position's JSON counted as a store on disk writes it)",
    "",
    table(["case", "ms to handle all", "checkpoint writes", "KiB written", "bytes written per event"], windowRows),
    "",
    `## Consuming: the webhook receiver, per delivery of a ${
      fmt(JSON.stringify(event).length / 1024, 1)
    } KiB event (no network; interleaved 40 ms batches, medians)`,
    "",
    table(["receiver", "µs per delivery", "× by hand"], receiverRows),
    ""
  ].join("\n")
}
