import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { main } from "../examples/demo.js"
import { recording } from "./console.js"

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
        for (const type of ["webset.created", "webset.search.completed", "webset.item.enriched", "import.completed", "monitor.run.completed", "webset.export.completed"]) {
          expect(output).toContain(type)
        }
        expect(output).toMatch(/NotFound: no event ev_does_not_exist \(request req_\d+\)/)
        expect(output).toContain("Unauthorized (401): Invalid API key")
        expect(output).toMatch(/got \S+ after 1\.\d s \(2 requests\)/)
        expect(output).toContain("Timeout after 300ms; the request was aborted")
        expect(output).toContain("25 events over 3 pages")
        expect(output).toMatch(/Done\.$/)
        expect(output).not.toMatch(/The demo failed|Error:|undefined|NaN/)
      })
    )
  }, 20_000)
})
