/**
 * The connection's options, checked once when its layer is built and turned into a validated record. The checks are
 * those of `./params.ts` (one dialect for the whole package); a bad option is a `ConfigError` naming it (the path of
 * its issue), never a throw, a defect, or a text holding the key. The rules and messages are the Effect 3 line's.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type * as Retry from "../Retry.js"
import type * as Limiter from "./limiter.js"
import { Invalid } from "./params.js"
import * as Params from "./params.js"

/** The default API origin. */
export const defaultBaseUrl = "https://api.exa.ai"

/** The default per-attempt timeout. */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/** The default `maxResponseSize`: 64 MiB. */
export const defaultMaxResponseBytes = 64 * 1024 * 1024

/** The options, validated. */
export interface Settings {
  readonly key: string
  readonly origin: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: Retry.Policy
  readonly maxResponseBytes: number
  readonly httpSpans: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  readonly rateLimit: Limiter.Options | undefined
}

// The largest `maxResponseSize`: a body must become one JavaScript string (at most 2^29 - 24 characters in V8) and
// then a parsed value; 256 MiB keeps both well inside what the runtime can hold.
const maxResponseSizeLimit = 256 * 1024 * 1024

/**
 * A `ConfigError` for a bad value at `path`: Effect 4's `ConfigError` wraps a `SchemaError`, whose issue names the
 * path and carries the message (Effect 3's `ConfigError.InvalidData(path, message)`).
 */
export const invalidData = (path: string, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([path], new SchemaIssue.InvalidValue({ message })))
  )

/** The path and message of a `ConfigError` made by `invalidData` (or by a `Config` that found a bad value). */
export const describeConfigError = (
  error: Config.ConfigError
): { readonly path: ReadonlyArray<PropertyKey>; readonly message: string } | undefined => {
  const cause = error.cause
  if (cause._tag !== "SchemaError" || cause.issue._tag !== "Pointer") return undefined
  const inner = cause.issue.issue
  const message = inner._tag === "InvalidValue" && typeof inner.annotations?.message === "string"
    ? inner.annotations.message
    : cause.message
  return { path: cause.issue.path, message }
}

const bad = (name: string, message: string): never => {
  throw new Invalid(`${name} ${message}`, name)
}

const positive = (name: string, value: unknown, infinite = false): Duration.Duration =>
  Params.duration(name, value, { positive: true, infinite })

const checkBaseUrl = (value: unknown): { origin: string; baseUrl: string } => {
  if (typeof value !== "string") return bad("baseUrl", "must be a string")
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return bad("baseUrl", `must be an absolute http(s) URL such as ${defaultBaseUrl}`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") bad("baseUrl", "must use http or https")
  if (url.username !== "" || url.password !== "") {
    bad("baseUrl", "must not hold credentials (user:password@); the key goes in apiKey")
  }
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
    bad("baseUrl", "must not have a query or a fragment")
  }
  const path = url.pathname.replace(/\/+$/, "")
  if (/\/websets(\/v0)?$/i.test(path)) {
    bad(
      "baseUrl",
      `must be the API's origin (for example ${defaultBaseUrl}), not an endpoint path: the client adds /websets/v0/… itself`
    )
  }
  return { origin: url.origin, baseUrl: url.origin + path }
}

const checkRetry = (retry: unknown): Retry.Policy => {
  if (retry === undefined) return {}
  if (retry === false || Schedule.isSchedule(retry)) return retry as Retry.Policy
  if (typeof retry !== "object" || retry === null) return bad("retry", "must be retry options, a Schedule, or false")
  const r = retry as Record<string, unknown>
  const maxRetries = r.maxRetries
  if (
    maxRetries !== undefined &&
    (typeof maxRetries !== "number" || !(Number.isInteger(maxRetries) || maxRetries === Infinity) || maxRetries < 0)
  ) bad("retry.maxRetries", "must be a whole number, 0 or more")
  for (const name of ["initialDelay", "maxDelay", "maxRetryAfter"] as const) {
    if (r[name] !== undefined) positive(`retry.${name}`, r[name])
  }
  return retry as Retry.Policy
}

const checkRateLimit = (value: unknown): Limiter.Options | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "object" || value === null) return bad("rateLimit", "must be { limit, interval }")
  const { algorithm, interval, limit } = value as Record<string, unknown>
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    bad("rateLimit.limit", "must be a whole number, 1 or more")
  }
  if (algorithm !== undefined && algorithm !== "token-bucket" && algorithm !== "fixed-window") {
    bad("rateLimit.algorithm", "must be \"token-bucket\" or \"fixed-window\"")
  }
  return {
    limit: limit as number,
    interval: positive("rateLimit.interval", interval),
    algorithm: (algorithm as "token-bucket" | "fixed-window" | undefined) ?? "token-bucket"
  }
}

const settingsOf = (input: unknown): Settings => {
  if (typeof input !== "object" || input === null) return bad("options", "must be an object")
  const options = input as Record<string, unknown>
  const apiKey = options.apiKey
  if (!Redacted.isRedacted(apiKey)) bad("apiKey", "must be a Redacted string (Redacted.make or Config.Redacted)")
  const key: unknown = Redacted.value(apiKey as Redacted.Redacted)
  if (typeof key !== "string" || key.length === 0) return bad("apiKey", "must not be empty")
  if (/[\r\n\0]/.test(key)) {
    bad("apiKey", "must not contain a line break (CR or LF) or NUL; check how it was read (a trailing newline?)")
  }
  // What an HTTP header value may hold, checked here rather than by each transport: `fetch` sends DEL and trims
  // spaces, undici refuses DEL, and a character past U+00FF fails differently on each.
  if (/[\x00-\x1f\x7f]/.test(key)) bad("apiKey", "must not contain a control character (tab, DEL, ...)")
  if (/[^\x00-\xff]/.test(key)) bad("apiKey", "must hold only Latin-1 characters (a header value)")
  if (key.trim() !== key) bad("apiKey", "must not begin or end with a space")
  const { baseUrl, origin } = checkBaseUrl(options.baseUrl === undefined ? defaultBaseUrl : options.baseUrl)
  const timeout = options.timeout === undefined ? defaultTimeout : positive("timeout", options.timeout, true)
  const retry = checkRetry(options.retry)
  const maxResponseBytes = options.maxResponseSize === undefined ? defaultMaxResponseBytes : options.maxResponseSize
  if (
    typeof maxResponseBytes !== "number" || !Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1 ||
    maxResponseBytes > maxResponseSizeLimit
  ) {
    bad("maxResponseSize", `must be a whole number of bytes from 1 to ${maxResponseSizeLimit} (256 MiB)`)
  }
  if (options.transformClient !== undefined && typeof options.transformClient !== "function") {
    bad("transformClient", "must be a function")
  }
  if (options.httpSpans !== undefined && typeof options.httpSpans !== "boolean") {
    bad("httpSpans", "must be true or false")
  }
  return {
    key,
    origin,
    baseUrl,
    timeout,
    retry,
    maxResponseBytes: maxResponseBytes as number,
    httpSpans: options.httpSpans === true,
    transformClient: options.transformClient as Settings["transformClient"],
    rateLimit: checkRateLimit(options.rateLimit)
  }
}

/** Checks the options; a bad one is a `ConfigError` naming it, never holding the key. */
export const settings = (options: unknown): Result.Result<Settings, Config.ConfigError> => {
  try {
    return Result.succeed(settingsOf(options))
  } catch (error) {
    return Result.fail(
      error instanceof Invalid
        ? invalidData(error.field ?? "options", error.reason)
        : invalidData("options", "the options could not be read")
    )
  }
}

/** The `Config`-read parts of the options (`layerConfig`). */
export interface ConfigInput {
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  readonly baseUrl?: Config.Config<string | undefined> | undefined
}

/**
 * Builds from options whose key and base URL are read through `Config` (by default `EXA_API_KEY` and
 * `EXA_BASE_URL`), when the layer is built: odd options fail it with a `ConfigError`, never a throw or a defect.
 */
export const configured = <O extends ConfigInput, S, R>(
  options: O,
  make: (
    options: Omit<O, "apiKey" | "baseUrl"> & { apiKey: Redacted.Redacted<string>; baseUrl: string | undefined }
  ) => Effect.Effect<S, Config.ConfigError, R>
): Effect.Effect<S, Config.ConfigError, R> =>
  Effect.suspend(() => {
    if (typeof options !== "object" || options === null) {
      return Effect.fail(invalidData("options", "options must be an object"))
    }
    return Effect.flatMap(
      Config.all({
        apiKey: options.apiKey ?? Config.Redacted("EXA_API_KEY"),
        baseUrl: options.baseUrl ?? Config.map(Config.option(Config.String("EXA_BASE_URL")), Option.getOrUndefined)
      }),
      ({ apiKey, baseUrl }) => make({ ...options, apiKey, baseUrl })
    )
  }).pipe(Effect.catchDefect(() => Effect.fail(invalidData("options", "the options could not be read"))))
