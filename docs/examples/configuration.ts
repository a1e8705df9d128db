// #region configuration
import { EventsClient } from "@effect-exa/client"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Config, Layer, Redacted } from "effect"

// Explicit options.
export const Explicit = EventsClient.layer({
  apiKey: Redacted.make("exa-key"),
  baseUrl: "https://api.exa.ai",
  timeout: "20 seconds",
  // Any adjustment of the HttpClient: here, an extra header on every request.
  transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-team", "growth"))
}).pipe(Layer.provide(FetchHttpClient.layer))

// From Config, with your own names.
export const FromConfig = EventsClient.layerConfig({
  apiKey: Config.redacted("MY_EXA_KEY"),
  baseUrl: Config.option(Config.string("MY_EXA_URL")).pipe(Config.map((url) => url._tag === "Some" ? url.value : undefined))
}).pipe(Layer.provide(FetchHttpClient.layer))
// #endregion configuration
