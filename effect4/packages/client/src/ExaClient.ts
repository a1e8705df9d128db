/**
 * The connection to the Exa API, under every resource client: the options checked once, the one client-side rate
 * limiter, the `HttpClient` that never leaves the API's origin, and `run`, which calls any declared endpoint
 * (`Endpoint`). `EventsClient.Default` is a layer over it; `Exa.layer` gives the connection and every resource
 * client at once.
 *
 * @since 1.0.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Endpoint from "./Endpoint.js"
import type * as Errors from "./Errors.js"
import * as Pipeline from "./internal/request.js"
import * as Settings from "./internal/settings.js"
import type * as Retry from "./Retry.js"

/**
 * A client-side rate limit: at most `limit` requests per `interval`, retries included.
 *
 * @since 1.0.0
 * @category models
 */
export interface RateLimit {
  /** Requests allowed per interval. */
  readonly limit: number
  /** The interval. */
  readonly interval: Duration.Input
  /** `"token-bucket"` (default: smooth, at most `limit` at once) or `"fixed-window"`. */
  readonly algorithm?: "token-bucket" | "fixed-window" | undefined
}

/**
 * How to reach the API. Checked when the layer is built: a bad option fails the layer with a `ConfigError` naming
 * it (and never showing the key).
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /**
   * The Exa API key, sent as `x-api-key` to the `baseUrl`'s origin and nowhere else. Empty, or holding CR, LF or
   * NUL, is refused.
   */
  readonly apiKey: Redacted.Redacted<string>
  /**
   * Default `https://api.exa.ai`. Requests go to `{baseUrl}/websets/v0/…`. An absolute http(s) URL with no
   * credentials, query or fragment; a path prefix (a proxy's) is kept, but not `/websets` or `/websets/v0`.
   */
  readonly baseUrl?: string | undefined
  /** The longest one attempt may take; it is aborted then and fails with `Timeout`. Default 30 seconds; `Infinity` for none. */
  readonly timeout?: Duration.Input | undefined
  /** The retry policy (see `Retry`). Default `Retry.schedule()`: 2 retries of what is safe to retry. */
  readonly retry?: Retry.Policy | undefined
  /**
   * Adjusts the `HttpClient` the requests go through (extra headers, `HttpClient.followRedirects`, …). Whatever it
   * does, no request leaves the `baseUrl`'s origin: one that would fails with `Redirected`.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * Also trace each HTTP attempt with a client span (`http.client GET`) under the call's span, and send
   * `traceparent`/`b3` headers. Default false: the call's own span (`EventsClient.getEvent`, …) already carries the
   * status code and request id.
   */
  readonly httpSpans?: boolean | undefined
  /**
   * The largest response body read, in bytes (after decompression). A larger `content-length` is refused before
   * reading and a body that grows past it is cut off, both as `ResponseTooLarge`. Default 64 MiB.
   */
  readonly maxResponseSize?: number | undefined
  /**
   * Keep the requests of every client over this connection under a rate (`{ limit: 10, interval: "1 second" }`):
   * calls wait for their turn instead of collecting 429s. One limiter per connection, shared by all its resource
   * clients. Default none.
   */
  readonly rateLimit?: RateLimit | undefined
}

/**
 * The options of `layerConfig`: the key and the base URL as `Config`s (by default `EXA_API_KEY`, kept `Redacted`,
 * and `EXA_BASE_URL` when set), the other options as they are.
 *
 * @since 1.0.0
 * @category models
 */
export interface ConfigOptions extends Omit<Options, "apiKey" | "baseUrl"> {
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  readonly baseUrl?: Config.Config<string | undefined> | undefined
}

/**
 * The default API origin.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultBaseUrl: string = Settings.defaultBaseUrl

/**
 * The default per-attempt timeout.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Settings.defaultTimeout

/**
 * The connection.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /** The API's base URL, validated (`https://api.exa.ai` by default). */
  readonly baseUrl: string
  /**
   * Calls an endpoint with a caller's arguments: checked (a bad one is `InvalidRequest`), sent within the limits,
   * rate-limited, retried by the policy, classified, traced as a span named after the endpoint.
   */
  readonly run: <Args extends ReadonlyArray<any>, A, E>(
    endpoint: Endpoint.Endpoint<Args, A, E>,
    ...args: Args
  ) => Effect.Effect<A, E | Errors.RequestError>
}

/**
 * The connection's service.
 *
 * @since 1.0.0
 * @category services
 */
export class ExaClient extends Context.Service<ExaClient, Service>()("@effect-exa/client/ExaClient") {}

/**
 * Builds the connection over the `HttpClient` in context. The options are checked first: a bad one fails with a
 * `ConfigError` naming it.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient> =>
  Effect.suspend(() => {
    const checked = Settings.settings(options)
    if (Result.isFailure(checked)) return Effect.fail(checked.failure)
    const settings = checked.success
    return Effect.map(
      Pipeline.make(settings),
      (pipeline) => ExaClient.of({ baseUrl: settings.baseUrl, run: pipeline.run })
    )
  })

/**
 * The connection as a layer, over whichever `HttpClient` is provided (`FetchHttpClient.layer` of `effect/http`, a
 * stub in tests).
 *
 * @example
 * ```ts
 * import { EventsClient, ExaClient } from "@effect-exa/client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const ExaLive = EventsClient.Default.pipe(
 *   Layer.provideMerge(ExaClient.layer({ apiKey: Redacted.make("exa-key") })),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * const program = EventsClient.getEvent("ev_123").pipe(Effect.provide(ExaLive))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ExaClient, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(ExaClient, make(options))

/**
 * The key from the environment: `EXA_API_KEY`, kept `Redacted`. Not set is a `ConfigError` at `EXA_API_KEY`; set
 * but empty (where the provider reads an empty value as set) is one too, so the error names the variable to fix, not
 * the option.
 *
 * @since 1.0.0
 * @category config
 */
export const apiKeyFromEnv: Config.Config<Redacted.Redacted<string>> = Config.flatMap(
  Config.Redacted("EXA_API_KEY"),
  (key) =>
    Redacted.value(key) === ""
      ? Config.fail(Settings.invalidData("EXA_API_KEY", "must not be empty").cause)
      : Config.succeed(key)
)

/**
 * The base URL from the environment: `EXA_BASE_URL`, or `undefined` (the default, `https://api.exa.ai`) when it is
 * not set or is blank.
 *
 * @since 1.0.0
 * @category config
 */
export const baseUrlFromEnv: Config.Config<string | undefined> = Config.map(
  Config.option(Config.String("EXA_BASE_URL")),
  (url) => Option.isSome(url) && url.value.trim() !== "" ? url.value : undefined
)

/**
 * The connection as a layer reading its settings through `Config`: by default the key from `EXA_API_KEY`
 * (`apiKeyFromEnv`: kept `Redacted`, empty refused) and the base URL from `EXA_BASE_URL` when set and not blank
 * (`baseUrlFromEnv`). Other options are passed as they are.
 *
 * @example
 * ```ts
 * import { ExaClient } from "@effect-exa/client"
 * import { Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const Connection = ExaClient.layerConfig({ timeout: "10 seconds" }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<ExaClient, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    ExaClient,
    // Read lazily: a hostile options object (a throwing getter) fails the layer with a `ConfigError`, never a throw.
    Effect.suspend(() => Settings.configured(withEnvDefaults(options), make)).pipe(
      Effect.catchDefect(() => Effect.fail(Settings.invalidData("options", "the options could not be read")))
    )
  )

// The key and base URL from the environment unless given. Anything that is not an object passes as it is, for
// `Settings.configured` to refuse with a `ConfigError`.
const withEnvDefaults = (options: ConfigOptions): ConfigOptions =>
  typeof options === "object" && options !== null
    ? { ...options, apiKey: options.apiKey ?? apiKeyFromEnv, baseUrl: options.baseUrl ?? baseUrlFromEnv }
    : options
