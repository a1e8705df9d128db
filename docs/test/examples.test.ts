/**
 * Runs every docs example against the emulator, so that none of them can rot.
 */
import { EventsClient, Exa } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as configuration from "../examples/configuration.js"
import * as errors from "../examples/errors.js"
import * as eventModel from "../examples/event-model.js"
import * as gettingStarted from "../examples/getting-started.js"
import * as migration from "../examples/migration.js"
import * as pagination from "../examples/pagination.js"
import * as retriesCompose from "../examples/retries-compose.js"
import * as retries from "../examples/retries.js"

const events = [
  ...Fixtures.allEvents,
  ...Array.from(
    { length: 60 },
    (_, i) =>
      Fixtures.make("webset.search.completed", {
        id: `ev_s${i}`,
        createdAt: new Date(Date.UTC(2025, 10, 2, 0, i)).toISOString()
      })
  )
]
const decoded = events.map((json) => Event.decodeSync(json))

describe("docs/examples", () => {
  it.effect("migration: the ported program", () =>
    Effect.gen(function*() {
      expect(yield* migration.describeEvent(Fixtures.events["webset.idle"].id)).toMatch(/^webset\.idle at \d{4}-.*Z$/)
      expect(yield* migration.describeEvent("ev_gone")).toBe("gone")
      const websetId = Fixtures.events["webset.item.enriched"].data.websetId
      expect(yield* migration.enrichedItems(websetId)).toEqual([Fixtures.events["webset.item.enriched"].data.id])
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))

  it.live("getting started: layerConfig over fetch, against a loopback server", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const { url } = yield* ExaApiServer.ExaApiServer
      const config = ConfigProvider.fromMap(
        new Map([["EXA_API_KEY", Redacted.value(api.apiKey)], ["EXA_BASE_URL", url]])
      )
      const live = gettingStarted.EventsLive.pipe(Layer.provide(Layer.setConfigProvider(config)))
      const enriched = yield* gettingStarted.describe(Fixtures.events["webset.item.enriched"].id).pipe(
        Effect.provide(live)
      )
      expect(enriched).toContain("enriched: Series A; 12500000")
      expect(yield* gettingStarted.describe("ev_nope").pipe(Effect.provide(live))).toBe("no event ev_nope")
      // Times print as ISO 8601, as a user would want them.
      expect(yield* gettingStarted.describe(Fixtures.events["webset.idle"].id).pipe(Effect.provide(live)))
        .toMatch(/^webset\.idle at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }).pipe(Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ events })))), Effect.scoped))

  it("event model: match, isType, isKnown", () => {
    const labels = decoded.map(eventModel.label)
    expect(labels).toContain("item witem_01jx4md4e5f6g7h8j9k0l1m2n3 enriched")
    expect(labels).toContain("search found 50")
    expect(eventModel.searchesFound(decoded)).toBe(50 * 61 + 23)
    expect(decoded.map(eventModel.completedAt).filter((x) => x !== undefined)).toEqual(["2025-11-13T08:03:12.640Z"])
  })

  it.effect("errors: catchTags and describeError", () =>
    Effect.gen(function*() {
      expect(yield* errors.fetchOrExplain("ev_missing")).toBe("no event ev_missing")
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Body", body: "<html>oops</html>" })
      expect(yield* errors.fetchOrExplain("ev_01jx4n03k3w5q7r9t1y3u5i7o9p")).toContain(
        "unexpected response: the body is not valid JSON"
      )
      yield* api.failNext({ _tag: "Status", status: 418, body: { error: "teapot", requestId: "req_t" } })
      const error = yield* Effect.flip(errors.fetchOrExplain("ev_1"))
      // The x-request-id header is preferred over the body's requestId.
      expect(errors.describeError(error)).toMatch(/^Exa API error 418: teapot \[req_\d+\]$/)
    }).pipe(Effect.provide(ExaApi.layerClient({ events, client: { retry: false } }))))

  it.effect("retries: every layer builds; the composed policy retries", () =>
    Effect.gen(function*() {
      for (const layer of [retries.Default, retries.Custom, retriesCompose.Bare]) {
        const context = yield* Layer.build(layer).pipe(
          Effect.provide(ExaApi.layerHttpClient),
          Effect.provide(ExaApi.layer())
        )
        assert(typeof Context.get(context, EventsClient.EventsClient).getEvent === "function")
      }
      const api = yield* ExaApi.ExaApi
      yield* api.failNext({ _tag: "Status", status: 502 }, 2)
      const fiber = yield* Effect.fork(retriesCompose.fetchWithDeadline("ev_01jx4n03k3w5q7r9t1y3u5i7o9p"))
      yield* TestClock.adjust("10 seconds")
      const event = yield* Fiber.join(fiber)
      expect(event.type).toBe("webset.idle")
      expect(yield* api.requests).toHaveLength(3)
    }).pipe(
      Effect.provide(
        Exa.layer({ apiKey: ExaApi.defaultApiKey, retry: false }).pipe(
          Layer.provide(ExaApi.layerHttpClient),
          Layer.provideMerge(ExaApi.layer({ events }))
        )
      ),
      Effect.scoped
    ))

  it.effect("pagination: two pages, and a stream", () =>
    Effect.gen(function*() {
      expect(yield* pagination.firstTwoPages).toHaveLength(1)
      const ids = yield* pagination.recentSearches
      expect(Chunk.size(ids)).toBe(61)
      const api = yield* ExaApi.ExaApi
      const queries = (yield* api.requests).slice(1).map((r) => r.query)
      expect(queries[0]).toContainEqual(["createdAfter", "2025-11-01T00:00:00Z"])
      expect(queries).toHaveLength(1)
    }).pipe(Effect.provide(ExaApi.layerClient({ events }))))

  it.effect("configuration: the layers build", () =>
    Effect.gen(function*() {
      yield* Layer.build(configuration.Explicit)
      yield* Layer.build(configuration.FromConfig).pipe(
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["MY_EXA_KEY", "k"]]))))
      )
    }).pipe(Effect.scoped))
})
