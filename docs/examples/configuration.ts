// #region configuration
import { Exa, FetchTransport } from "@effect-exa/client"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Config, Layer, Redacted } from "effect"

// Explicit options.
export const Explicit = Exa.layer({
  apiKey: Redacted.make("exa-key"),
  baseUrl: "https://api.exa.ai",
  timeout: "20 seconds",
  // Any adjustment of the HttpClient: here, an extra header on every request.
  transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-team", "growth")),
  // One limiter for every client over this connection.
  rateLimit: { limit: 10, interval: "1 second" }
}).pipe(Layer.provide(FetchTransport.layer))

// From Config, with your own names.
export const FromConfig = Exa.layerConfig({
  apiKey: Config.redacted("MY_EXA_KEY"),
  baseUrl: Config.option(Config.string("MY_EXA_URL")).pipe(Config.map((url) => url._tag === "Some" ? url.value : undefined))
}).pipe(Layer.provide(FetchTransport.layer))
// #endregion configuration
