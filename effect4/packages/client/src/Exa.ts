/**
 * Every resource client of the API over one connection, as one layer: `ExaClient` and `EventsClient` (the webhooks
 * client is not ported to this line yet), sharing the options, the rate limiter and the transport.
 *
 * @since 1.0.0
 */
import type * as Config from "effect/Config"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as EventsClient from "./EventsClient.js"
import * as ExaClient from "./ExaClient.js"

/**
 * The services `layer` and `layerConfig` provide.
 *
 * @since 1.0.0
 * @category models
 */
export type Clients = ExaClient.ExaClient | EventsClient.EventsClient

/**
 * Every resource client, over the `ExaClient` in context.
 *
 * @since 1.0.0
 * @category layers
 */
export const Default: Layer.Layer<EventsClient.EventsClient, never, ExaClient.ExaClient> = EventsClient.Default

/**
 * The connection and every resource client over it, over whichever `HttpClient` is provided.
 *
 * @example
 * ```ts
 * import { EventsClient, Exa } from "@effect-exa/client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const ExaLive = Exa.layer({ apiKey: Redacted.make("exa-key"), rateLimit: { limit: 5, interval: "1 second" } }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: ExaClient.Options
): Layer.Layer<Clients, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(Default, ExaClient.layer(options))

/**
 * The connection, reading its settings through `Config` (`EXA_API_KEY`, `EXA_BASE_URL`), and every resource client
 * over it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  options: ExaClient.ConfigOptions = {}
): Layer.Layer<Clients, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(Default, ExaClient.layerConfig(options))
