import { ExaApi, ExaApiServer, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { main } from "../examples/demo.js"
import { recording } from "./console.js"

// The whole demo, with its servers, takes about 4 s alone; the budget leaves room for a machine busy with other work
// (it took over 20 s at a load of 12 on 2 cores).
describe("the demo (corepack pnpm example)", () => {
  it.live("runs against the embedded server and shows every part", () => {
    const { lines, withConsole } = recording()
    return main.pipe(
      Effect.scoped,
      withConsole,
      // As on a fresh machine: no EXA_API_KEY.
      Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))),
      Effect.map(() => {
        const output = lines.join("\n")
        expect(output).toContain("Started the in-memory Exa Events API on http://127.0.0.1:")
        for (
          const type of [
            "webset.created",
            "webset.search.completed",
            "webset.item.enriched",
            "import.completed",
            "monitor.run.completed",
            "webset.export.completed"
          ]
        ) {
          expect(output).toContain(type)
        }
        expect(output).toMatch(/NotFound: no event ev_does_not_exist \(request req_\d+\)/)
        expect(output).toContain("Unauthorized (401): Invalid API key")
        // At least the 1 s the 429 asked for (no upper bound: a busy machine may take longer).
        expect(output).toMatch(/got \S+ after [1-9]\d*\.\d s \(2 requests\)/)
        expect(output).toContain("Timeout after 300ms; the request was aborted")
        expect(output).toContain("25 events over 3 pages")
        expect(output).toContain(
          "  handled webset.item.enriched ev_tail_1\n  handled webset.item.enriched ev_tail_2\n" +
            "  (the consumer stops; an event arrives meanwhile; it starts again)\n  handled webset.item.enriched ev_tail_3"
        )
        expect(output).toMatch(
          /created webhook_\d+ \(active\) for webset\.item\.enriched, webset\.idle; its secret prints as <redacted>/
        )
        expect(output).toContain("receiver: verified and handled webset.item.enriched ev_demo_enriched")
        expect(output).toContain("attempt 1: webset.idle ev_demo_idle -> HTTP 503, failed")
        expect(output).toContain("attempt 1: webset.item.enriched ev_demo_enriched -> HTTP 204, delivered")
        expect(output).toContain("replay: handled webset.idle ev_demo_idle")
        expect(output).toMatch(/replayed 1 missed event\(s\); deleted webhook_\d+/)
        expect(output).not.toContain("receiver: verified and handled webset.idle ev_demo_idle")
        expect(output).toContain("$ effect-exa listen --forward-to http://")
        expect(output).toMatch(/delivered\s+204\s+\d+ ms\s+webset\.item\.enriched\s+ev_listen_1/)
        expect(output).toContain(
          "  receiver: verified and handled webset.item.enriched ev_listen_1\n  receiver: verified and handled webset.idle ev_listen_2"
        )
        expect(output).toMatch(/Done\.$/)
        expect(output).not.toMatch(/The demo failed|Error:|undefined|NaN/)
      })
    )
  }, 60_000)

  it.live("with EXA_API_KEY and EXA_BASE_URL set, talks to that server instead", () => {
    const { lines, withConsole } = recording()
    return Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      const { url } = yield* ExaApiServer.ExaApiServer
      const env = ConfigProvider.fromMap(new Map([["EXA_API_KEY", Redacted.value(api.apiKey)], ["EXA_BASE_URL", url]]))
      yield* main.pipe(withConsole, Effect.provide(Layer.setConfigProvider(env)))
      const output = lines.join("\n")
      expect(output).toContain(`Talking to ${url} (EXA_API_KEY is set).`)
      expect(output).toContain("webset.item.enriched")
      expect(output).toContain("Unauthorized (401)")
      // The parts that need a scripted server are skipped.
      expect(output).not.toContain("Retry-After")
      expect(output).not.toContain("webhooks:")
      expect(output).not.toContain("effect-exa listen")
      expect(output).toMatch(/Done\.$/)
    }).pipe(
      Effect.provide(ExaApiServer.layer.pipe(Layer.provideMerge(ExaApi.layer({ events: Fixtures.allEvents })))),
      Effect.scoped
    )
  }, 60_000)
})
