/**
 * Every resource client of the API over one connection, as one layer: `ExaClient`, `EventsClient` and
 * `WebhooksClient`, sharing the options, the rate limiter and the transport.
 *
 * @since 1.0.0
 */
import type * as Config from "effect/Config"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as EventsClient from "./EventsClient.js"
import * as ExaClient from "./ExaClient.js"
import * as WebhooksClient from "./WebhooksClient.js"

/**
 * The services `layer` and `layerConfig` provide.
 *
 * @since 1.0.0
 * @category models
 */
export type Clients = ExaClient.ExaClient | EventsClient.EventsClient | WebhooksClient.WebhooksClient

/**
 * Every resource client, over the `ExaClient` in context.
 *
 * @since 1.0.0
 * @category layers
 */
export const Default: Layer.Layer<
  EventsClient.EventsClient | WebhooksClient.WebhooksClient,
  never,
  ExaClient.ExaClient
> = Layer.merge(EventsClient.Default, WebhooksClient.Default)

// Each connection's own resource clients. Effect 4 shares what a layer built with the layers provided inside it, by
// the layer's identity: the one `Default` would hand a connection provided inside another the outer connection's
// clients, with the outer options.
const ownClients = () => Layer.fresh(Default)

/**
 * The connection and every resource client over it, over whichever `HttpClient` is provided.
 *
 * @example
 * ```ts
 * import { EventsClient, Exa, WebhooksClient } from "@effect-exa/client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const ExaLive = Exa.layer({ apiKey: Redacted.make("exa-key"), rateLimit: { limit: 5, interval: "1 second" } }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * // Both calls wait on the same limiter.
 * const program = Effect.zip(EventsClient.getEvent("ev_123"), WebhooksClient.getWebhook("webhook_123")).pipe(
 *   Effect.provide(ExaLive)
 * )
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: ExaClient.Options
): Layer.Layer<Clients, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(ownClients(), ExaClient.layer(options))

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
  Layer.provideMerge(ownClients(), ExaClient.layerConfig(options))
