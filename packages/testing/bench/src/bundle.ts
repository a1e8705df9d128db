/**
 * Bundle size of a tiny browser app (esbuild, minified, tree-shaken, ESM; gzip -9): our client calling
 * `getEvent` over `FetchTransport`, the same app doing a bare request with only `effect` + `@effect/platform`
 * (so our own share is visible), and the same app with `exa-js`.
 */
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { fmt, table } from "./harness.js"

const apps = {
  "effect-exa: getEvent over FetchTransport (validated, typed errors, retries)": `
    import * as EventsClient from "@effect-exa/client/EventsClient"
    import * as ExaClient from "@effect-exa/client/ExaClient"
    import * as FetchTransport from "@effect-exa/client/FetchTransport"
    import * as Effect from "effect/Effect"
    import * as Layer from "effect/Layer"
    import * as Redacted from "effect/Redacted"
    const layer = EventsClient.Default.pipe(Layer.provide(ExaClient.layer({ apiKey: Redacted.make("key") })), Layer.provide(FetchTransport.layer))
    Effect.runPromise(EventsClient.getEvent("ev_1").pipe(Effect.provide(layer))).then((e) => console.log(e.type))
  `,
  "effect + @effect/platform only: a bare HttpClient request": `
    import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
    import * as HttpClient from "@effect/platform/HttpClient"
    import * as Effect from "effect/Effect"
    const program = Effect.flatMap(HttpClient.HttpClient, (c) => Effect.flatMap(c.get("https://api.exa.ai/websets/v0/events/ev_1", { headers: { "x-api-key": "key" } }), (r) => r.json))
    Effect.runPromise(program.pipe(Effect.provide(FetchHttpClient.layer))).then(console.log)
  `,
  "exa-js 2.23: websets.events.get": `
    import Exa from "exa-js"
    new Exa("key").websets.events.get("ev_1").then((e) => console.log(e.type))
  `
} as const

const packageOf = (path: string): string => {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (match) return match[1]!
  return path.includes("packages/") ? `@effect-exa/${path.split("packages/")[1]!.split("/")[0]}` : "(app)"
}

export const runBundle = async (): Promise<string> => {
  const cwd = fileURLToPath(new URL("../..", import.meta.url))
  const rows: Array<Array<string>> = []
  const sizes: Record<string, number> = {}
  for (const [name, source] of Object.entries(apps)) {
    const result = await esbuild.build({
      stdin: { contents: source, resolveDir: cwd, loader: "ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      write: false,
      metafile: true,
      logLevel: "silent"
    })
    const code = result.outputFiles[0]!.contents
    const gzip = gzipSync(code, { level: 9 }).length
    sizes[name] = gzip
    const parts = new Map<string, number>()
    for (
      const [path, input] of Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]!]!.inputs)
    ) {
      const pkg = packageOf(path)
      parts.set(pkg, (parts.get(pkg) ?? 0) + input.bytesInOutput)
    }
    const largest = [...parts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)
      .map(([pkg, bytes]) => `${pkg} ${fmt(bytes / 1024)}k`).join(", ")
    const testOnly = [...parts.keys()].filter((pkg) => pkg === "fast-check" || pkg === "pure-rand")
    rows.push([
      name,
      fmt(code.length),
      fmt(gzip),
      largest + (testOnly.length > 0 ? ` (test-only code: ${testOnly.join(", ")})` : "")
    ])
  }
  const [ours, bare] = Object.keys(apps).map((name) => sizes[name]!)
  return [
    "## Bundle size (esbuild 0.28, browser, minified, tree-shaken, ESM; gzip -9)",
    "",
    table(["app", "raw bytes", "gzip bytes", "largest parts (raw, minified)"], rows),
    "",
    `our own share (effect-exa app minus the bare effect + platform app): ${fmt((ours! - bare!) / 1024, 1)} KB gzip`,
    ""
  ].join("\n")
}
