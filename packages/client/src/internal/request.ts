/**
 * The request core: everything one request to the Exa API involves, in one place, for every endpoint and every
 * transport. An endpoint is a declaration (`Endpoint`: method, path, query, body, how to decode a success, what a 404
 * means); `Core.run` does the rest:
 *
 * 1. the URL from the validated `baseUrl` and the path, with the key, `accept` and `user-agent` headers;
 * 2. per attempt: a client-side rate limit if set, then the attempt within its limits (`./attempt.ts`: the one
 *    timer, and the size limit the transport is told of);
 * 3. the request sent through the user's `HttpClient` (its `transformClient` applied), which may never leave the API's
 *    origin and never follows a redirect by itself;
 * 4. the body read within `maxResponseSize`, then status → tagged error, or JSON → schema decode;
 * 5. the retry policy over attempts, and the span over the whole call.
 *
 * Every failure is an error of `../Errors.ts`, and no text that came from outside reaches one with the key in it.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as RateLimiter from "effect/RateLimiter"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import * as Errors from "../Errors.js"
// The options every client of this package takes (documented there).
import type { ConfigOptions, Options } from "../EventsClient.js"
import * as RequestLimits from "../RequestLimits.js"
import * as Retry from "../Retry.js"
import { decodeJsonText } from "./body.js"
import { announcedLength, BufferedResponse } from "./buffered.js"
import { collectWithin } from "./bytes.js"
import { describeTransport } from "./cause.js"
import { parseErrorBody, retryAfter } from "./response.js"
import { traced } from "./span.js"
import { runner } from "./attempt.js"
import { version } from "./version.js"

export const defaultBaseUrl = "https://api.exa.ai"
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/** One endpoint call, declared. */
export interface Endpoint<A> {
  /** The span's name, e.g. `EventsClient.getEvent`. */
  readonly span: string
  readonly attributes?: Record<string, unknown> | undefined
  readonly method: Method
  /** The path after the base URL, each segment already percent-encoded. */
  readonly path: string
  readonly query?: ReadonlyArray<readonly [string, string]> | undefined
  /** A JSON request body. */
  readonly body?: unknown
  /**
   * Whether sending it twice does no harm (default true). A non-idempotent call (a create) is retried only when the
   * request surely was not acted on (`Retry.isUnsent`).
   */
  readonly idempotent?: boolean | undefined
  /** Decodes the parsed JSON of a successful response. */
  readonly decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>
  /** A readable reason for a body that did not decode. */
  readonly describe: (json: unknown, error: ParseResult.ParseError) => string
  /** The value of a successful response with no body (a 204), when the endpoint has one. */
  readonly empty?: { readonly value: A } | undefined
  /** What a 404 means: this resource does not exist. Without it, a 404 is an `ApiError`. */
  readonly notFound?: { readonly resource: string; readonly id: string } | undefined
  /** Sets attributes of the call's span from its result. */
  readonly annotate?: ((span: Tracer.Span, value: A) => void) | undefined
}

/** Runs endpoint calls. */
export interface Core {
  readonly run: {
    <A>(endpoint: Endpoint<A> & { readonly notFound: NonNullable<Endpoint<A>["notFound"]> }): Effect.Effect<
      A,
      Errors.RequestError | Errors.NotFound
    >
    <A>(endpoint: Endpoint<A>): Effect.Effect<A, Errors.RequestError>
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Options, checked when the layer is built
// ---------------------------------------------------------------------------------------------------------------

interface Settings {
  readonly key: string
  readonly origin: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: Retry.Policy
  readonly maxResponseBytes: number
  readonly httpSpans: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  readonly rateLimit: RateLimiter.RateLimiter.Options | undefined
}

// The largest `maxResponseSize`: a body must become one JavaScript string (at most 2^29 - 24 characters in V8) and
// then a parsed value; 256 MiB keeps both well inside what the runtime can hold.
const maxResponseSizeLimit = 256 * 1024 * 1024

class BadOption {
  constructor(readonly name: string, readonly message: string) {}
}

const duration = (name: string, value: unknown): Duration.Duration => {
  let decoded: Duration.Duration
  try {
    decoded = Duration.decode(value as Duration.DurationInput)
  } catch {
    throw new BadOption(name, "must be a Duration (for example \"10 seconds\" or a number of milliseconds)")
  }
  if (Duration.toMillis(decoded) <= 0) throw new BadOption(name, "must be longer than zero")
  return decoded
}

const checkBaseUrl = (value: unknown): { origin: string; baseUrl: string } => {
  if (typeof value !== "string") throw new BadOption("baseUrl", "must be a string")
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new BadOption("baseUrl", `must be an absolute http(s) URL such as ${defaultBaseUrl}`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BadOption("baseUrl", "must use http or https")
  if (url.username !== "" || url.password !== "") {
    throw new BadOption("baseUrl", "must not hold credentials (user:password@); the key goes in apiKey")
  }
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
    throw new BadOption("baseUrl", "must not have a query or a fragment")
  }
  const path = url.pathname.replace(/\/+$/, "")
  if (/\/websets(\/v0)?$/i.test(path)) {
    throw new BadOption(
      "baseUrl",
      `must be the API's origin (for example ${defaultBaseUrl}), not an endpoint path: the client adds /websets/v0/… itself`
    )
  }
  return { origin: url.origin, baseUrl: url.origin + path }
}

const settingsOf = (options: Options): Settings => {
  if (typeof options !== "object" || options === null) throw new BadOption("options", "must be an object")
  const apiKey: unknown = options.apiKey
  if (!Redacted.isRedacted(apiKey)) throw new BadOption("apiKey", "must be a Redacted string (Redacted.make or Config.redacted)")
  const key: unknown = Redacted.value(apiKey)
  if (typeof key !== "string" || key.length === 0) throw new BadOption("apiKey", "must not be empty")
  if (/[\r\n\0]/.test(key)) {
    throw new BadOption("apiKey", "must not contain a line break (CR or LF) or NUL; check how it was read (a trailing newline?)")
  }
  const { baseUrl, origin } = checkBaseUrl(options.baseUrl === undefined ? defaultBaseUrl : options.baseUrl)
  const timeout = options.timeout === undefined ? defaultTimeout : duration("timeout", options.timeout)
  const retry = options.retry === undefined ? {} : options.retry
  if (retry !== false && !Schedule.isSchedule(retry)) {
    if (typeof retry !== "object" || retry === null) throw new BadOption("retry", "must be retry options, a Schedule, or false")
    if (
      retry.maxRetries !== undefined &&
      (typeof retry.maxRetries !== "number" || !(Number.isInteger(retry.maxRetries) || retry.maxRetries === Infinity) ||
        retry.maxRetries < 0)
    ) throw new BadOption("retry.maxRetries", "must be a whole number, 0 or more")
    for (const name of ["initialDelay", "maxDelay", "maxRetryAfter"] as const) {
      if (retry[name] !== undefined) duration(`retry.${name}`, retry[name])
    }
  }
  const maxResponseBytes = options.maxResponseSize === undefined ? RequestLimits.defaultMaxResponseBytes : options.maxResponseSize
  if (
    typeof maxResponseBytes !== "number" || !Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1 ||
    maxResponseBytes > maxResponseSizeLimit
  ) {
    throw new BadOption("maxResponseSize", `must be a whole number of bytes from 1 to ${maxResponseSizeLimit} (256 MiB)`)
  }
  if (options.transformClient !== undefined && typeof options.transformClient !== "function") {
    throw new BadOption("transformClient", "must be a function")
  }
  if (options.httpSpans !== undefined && typeof options.httpSpans !== "boolean") {
    throw new BadOption("httpSpans", "must be true or false")
  }
  let rateLimit: RateLimiter.RateLimiter.Options | undefined
  if (options.rateLimit !== undefined) {
    if (typeof options.rateLimit !== "object" || options.rateLimit === null) {
      throw new BadOption("rateLimit", "must be { limit, interval }")
    }
    const { algorithm, interval, limit } = options.rateLimit
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
      throw new BadOption("rateLimit.limit", "must be a whole number, 1 or more")
    }
    if (algorithm !== undefined && algorithm !== "token-bucket" && algorithm !== "fixed-window") {
      throw new BadOption("rateLimit.algorithm", "must be \"token-bucket\" or \"fixed-window\"")
    }
    rateLimit = { limit, interval: duration("rateLimit.interval", interval), algorithm: algorithm ?? "token-bucket" }
  }
  return {
    key,
    origin,
    baseUrl,
    timeout,
    retry,
    maxResponseBytes,
    httpSpans: options.httpSpans === true,
    transformClient: options.transformClient,
    rateLimit
  }
}

/**
 * Builds a service from options whose key and base URL are read through `Config` (by default `EXA_API_KEY` and
 * `EXA_BASE_URL`), when the layer is built: odd options fail it with a `ConfigError`, never a throw or a defect.
 */
export const configured = <S, R>(
  options: ConfigOptions,
  make: (options: Options) => Effect.Effect<S, ConfigError.ConfigError, R>
): Effect.Effect<S, ConfigError.ConfigError, R> =>
  Effect.suspend(() => {
    if (typeof options !== "object" || options === null) {
      return Effect.fail(ConfigError.InvalidData(["options"], "options must be an object"))
    }
    return Effect.flatMap(
      Config.all({
        apiKey: options.apiKey ?? Config.redacted("EXA_API_KEY"),
        baseUrl: options.baseUrl ?? Config.option(Config.string("EXA_BASE_URL")).pipe(Config.map(Option.getOrUndefined))
      }),
      ({ apiKey, baseUrl }) => make({ ...options, apiKey, baseUrl })
    )
  }).pipe(Effect.catchAllDefect(() => Effect.fail(ConfigError.InvalidData(["options"], "the options could not be read"))))

/** Checks the options; a bad one is a `ConfigError` naming it, never holding the key. */
export const settings = (options: Options): Either.Either<Settings, ConfigError.ConfigError> => {
  try {
    return Either.right(settingsOf(options))
  } catch (error) {
    return Either.left(
      error instanceof BadOption
        ? ConfigError.InvalidData([error.name], `${error.name} ${error.message}`)
        : ConfigError.InvalidData(["options"], "the options could not be read")
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The core
// ---------------------------------------------------------------------------------------------------------------

/** Why the same-origin guard stopped a request. */
class OffOrigin {
  readonly _tag = "OffOrigin"
  constructor(readonly url: string) {}
}

// Below the caller's `transformClient`, so every request that reaches the network passes here, including those a
// redirect-following wrapper (`HttpClient.followRedirects()`) makes: one that would leave the origin never leaves.
const sameOriginOnly = (client: HttpClient.HttpClient, origin: string): HttpClient.HttpClient => {
  const prefix = `${origin}/`
  return HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
      Effect.flatMap(request, (request) =>
        request.url === origin || request.url.startsWith(prefix)
          ? client.execute(request)
          : Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: new OffOrigin(request.url) }))),
    Effect.succeed
  )
}

interface Judged {
  readonly status: number
  readonly header: (name: string) => string | undefined
}

/** Builds the core over the `HttpClient` in context. */
export const make = (options: Options): Effect.Effect<Core, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* settings(options)
    const base = yield* HttpClient.HttpClient
    const honoursLimits = Option.isSome(yield* Effect.serviceOption(RequestLimits.HonoursLimits))
    // Nothing between the core and a transport that honours the limits: attempts run on the caller's fiber, and the
    // body it hands over is already within the limit.
    const direct = honoursLimits && config.transformClient === undefined
    const limiter = config.rateLimit === undefined ? undefined : yield* RateLimiter.make(config.rateLimit)
    const key = config.key
    // Anything from outside (a body, a header, an error message) may echo the key back; it never reaches an error.
    const scrub = (text: string): string => (key.length >= 4 && text.includes(key) ? text.split(key).join("<redacted>") : text)
    const scrubbed = (text: string | undefined): string | undefined => (text === undefined ? undefined : scrub(text))
    const limit = config.maxResponseBytes
    const retry = Retry.apply(config.retry)
    const retryUnsent = Retry.apply(config.retry, { idempotent: false })
    // Our own requests never leave the origin; a transformClient's might (it may follow redirects), so below it
    // every request is checked.
    const client = config.transformClient === undefined ? base : config.transformClient(sameOriginOnly(base, config.origin))
    const headers = {
      "x-api-key": key,
      accept: "application/json",
      "user-agent": `effect-exa/${version}`
    }
    const templates = new Map<Method, HttpClientRequest.HttpClientRequest>()
    const template = (method: Method): HttpClientRequest.HttpClientRequest => {
      let request = templates.get(method)
      if (request === undefined) {
        request = HttpClientRequest.make(method)(config.baseUrl, { headers })
        templates.set(method, request)
      }
      return request
    }

    // A forked attempt (see ./attempt.ts) runs with `fetch` told never to follow a redirect (a 3xx comes back as it
    // is, and is an error here; the caller's own RequestInit is kept otherwise), and with the platform's own
    // per-request span off: when `httpSpans` is on, the core makes the HTTP span itself, the same on every transport.
    const attempt = runner({
      millis: Duration.toMillis(config.timeout),
      maxResponseBytes: limit,
      onTimeout: () => new Errors.Timeout({ timeout: config.timeout }),
      direct,
      context: (context) => {
        const init = Context.getOption(context, FetchHttpClient.RequestInit)
        return Context.add(context, FetchHttpClient.RequestInit, init._tag === "Some" ? { ...init.value, redirect: "manual" } : manual)
      },
      fiberRefs: [[HttpClient.currentTracerDisabledWhen, () => true]]
    })

    const fromHttpError = (error: HttpClientError.HttpClientError, url: string): Errors.RequestError => {
      const cause = error.cause
      if (RequestLimits.isDeadlineExceeded(cause)) return new Errors.Timeout({ timeout: config.timeout })
      if (RequestLimits.isExceeded(cause)) {
        return new Errors.ResponseTooLarge({
          limit,
          status: cause.status,
          ...(cause.contentLength === undefined ? {} : { contentLength: cause.contentLength })
        })
      }
      if (cause instanceof OffOrigin) return new Errors.Redirected({ location: scrub(cause.url) })
      if (error._tag === "RequestError" && error.reason !== "Transport") {
        return new Errors.InvalidRequest({
          reason: scrub(`the request could not be sent as built (${error.reason}): ${describeTransport(cause, url, scrub).description}`)
        })
      }
      const described = describeTransport(cause ?? error, url, scrub)
      return new Errors.Transport({
        description: error._tag === "ResponseError"
          ? `reading the response failed: ${described.description}`
          : described.description,
        ...(described.code === undefined ? {} : { code: described.code }),
        ...(described.cause === undefined ? {} : { cause: described.cause })
      })
    }

    const tooLarge = (response: HttpClientResponse.HttpClientResponse, contentLength?: number) =>
      new Errors.ResponseTooLarge({
        limit,
        status: response.status,
        ...(contentLength === undefined ? {} : { contentLength }),
        ...requestIdOf(scrubbed(response.headers["x-request-id"]))
      })

    // The body as text (UTF-8, one leading BOM dropped, as `fetch`'s `text()` reads it), never more than `limit`
    // bytes of it. A body of announced, uncompressed length is read whole (the transport stops at that length); any
    // other is counted as it streams in and cut off past the limit.
    const readBody = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, Errors.RequestError> => {
      const length = announcedLength(response.headers["content-length"])
      if (length !== undefined && length > limit) {
        // Refused before reading. Reading the body in a fiber that is interrupted at once makes the platform's
        // clients abort it (closing the connection) without waiting for a byte of it.
        return Effect.zipRight(
          Effect.flatMap(Effect.fork(Stream.runDrain(response.stream)), Fiber.interruptFork),
          Effect.fail(tooLarge(response, length))
        )
      }
      const encoding = response.headers["content-encoding"]
      if (length !== undefined && (encoding === undefined || encoding === "identity")) return readWhole(response)
      return collectWithin(
        response.stream,
        limit,
        () => tooLarge(response),
        // A response that cannot have a body (204, 304) has none to stream, which the platform reports as an error:
        // it is an empty body.
        (error) => error._tag === "ResponseError" && error.reason === "EmptyBody"
      ).pipe(
        Effect.mapError((error) => error._tag === "ResponseTooLarge" ? error : fromHttpError(error, response.request.url)),
        Effect.map((bytes) => utf8.decode(bytes))
      )
    }

    const readWhole = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, Errors.RequestError> =>
      Effect.mapError(response.text, (error): Errors.RequestError => fromHttpError(error, response.request.url))

    const failure = <A>(
      endpoint: Endpoint<A>,
      response: Judged,
      text: string,
      now: number
    ): Errors.RequestError | Errors.NotFound => {
      const status = response.status
      const requestId = response.header("x-request-id")
      const idField = requestIdOf(scrubbed(requestId))
      // A 304 answers a conditional request, which the clients never send: an ApiError, not a redirect.
      if ((status >= 300 && status < 400 && status !== 304) || status === 0) {
        // `fetch` in a browser reports a redirect it was told not to follow as status 0, with no headers.
        const location = response.header("location")
        return new Errors.Redirected({
          ...(status === 0 ? {} : { status }),
          ...(location === undefined ? {} : { location: scrub(location) }),
          ...idField
        })
      }
      const info = parseErrorBody(text, status)
      const apiMessage = scrub(info.message)
      const codeField = info.code === undefined ? {} : { code: scrub(info.code) }
      const fullId = requestId === undefined && info.requestId !== undefined ? { requestId: scrub(info.requestId) } : idField
      if (status === 404 && endpoint.notFound !== undefined) {
        return new Errors.NotFound({ resource: endpoint.notFound.resource, id: endpoint.notFound.id, ...fullId })
      }
      if (status === 401 || status === 403) return new Errors.Unauthorized({ status, apiMessage, ...codeField, ...fullId })
      const delay = retryAfter(response.header, now)
      const delayField = delay === undefined ? {} : { retryAfter: delay }
      if (status === 429) return new Errors.RateLimited({ apiMessage, ...delayField, ...fullId })
      return new Errors.ApiError({ status, apiMessage, ...codeField, ...delayField, ...fullId })
    }

    // What one response means.
    const judge = <A>(
      endpoint: Endpoint<A>,
      response: HttpClientResponse.HttpClientResponse,
      text: string,
      span: Tracer.Span | undefined,
      http: Tracer.Span | undefined
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> => {
      const status = response.status
      const header = (name: string): string | undefined => response.headers[name]
      if (span !== undefined) {
        span.attribute("http.response.status_code", status)
        const requestId = header("x-request-id")
        if (requestId !== undefined) span.attribute("exa.request_id", scrub(requestId))
      }
      if (http !== undefined) http.attribute("http.response.status_code", status)
      if (status < 200 || status >= 300) {
        return Effect.flatMap(Effect.clock, (clock) =>
          Effect.fail(failure(endpoint, { status, header }, text, clock.unsafeCurrentTimeMillis())))
      }
      if (text.length === 0 && endpoint.empty !== undefined) return Effect.succeed(endpoint.empty.value)
      const result = decodeJsonText(text, endpoint.decode, endpoint.describe)
      if (Either.isRight(result)) {
        if (span !== undefined && endpoint.annotate !== undefined) endpoint.annotate(span, result.right)
        return Effect.succeed(result.right)
      }
      return Effect.fail(
        new Errors.Decode({ reason: scrub(result.left), body: scrub(text), status, ...requestIdOf(scrubbed(header("x-request-id"))) })
      )
    }

    // One attempt: send, read the body, judge the response.
    const send = <A>(
      endpoint: Endpoint<A>,
      request: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span | undefined,
      http: Tracer.Span | undefined
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> =>
      Effect.matchEffect(client.execute(request), {
        onFailure: (error) => Effect.fail(fromHttpError(error, request.url)),
        onSuccess: (response) => {
          // A body this package's transports read whole is text at once: no effect to run for it.
          if (direct && response instanceof BufferedResponse) {
            const text = response.textNow()
            return Either.isRight(text)
              ? judge(endpoint, response, text.right, span, http)
              : Effect.fail(fromHttpError(text.left, request.url))
          }
          return Effect.flatMap(direct ? readWhole(response) : readBody(response), (text) =>
            judge(endpoint, response, text, span, http))
        }
      })

    // With `httpSpans`, each attempt gets a client span of its own, and the trace headers go with the request.
    const httpSpan = <A>(
      endpoint: Endpoint<A>,
      request: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> =>
      Effect.useSpan(
        `http.client ${endpoint.method}`,
        {
          kind: "client",
          captureStackTrace: false,
          parent: span,
          attributes: {
            "http.request.method": endpoint.method,
            "server.address": config.origin,
            "url.full": request.url,
            "url.path": request.url.slice(config.origin.length)
          }
        },
        (http) => send(endpoint, HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(http)), span, http)
      )

    const run = <A>(endpoint: Endpoint<A>): Effect.Effect<A, Errors.RequestError | Errors.NotFound> => {
      let request = HttpClientRequest.appendUrl(template(endpoint.method), endpoint.path)
      if (endpoint.query !== undefined) {
        for (const [name, value] of endpoint.query) request = HttpClientRequest.appendUrlParam(request, name, value)
      }
      if (endpoint.body !== undefined) {
        request = HttpClientRequest.bodyText(request, JSON.stringify(endpoint.body), "application/json")
      }
      const built = request
      // A span is only made when a tracer other than Effect's default can see it (see ./span.ts).
      return traced(endpoint.span, endpoint.attributes ?? {}, (span) => {
        const once = config.httpSpans && span !== undefined
          ? httpSpan(endpoint, built, span)
          : send(endpoint, built, span, undefined)
        const limited = attempt(once)
        const policy = endpoint.idempotent === false ? retryUnsent : retry
        return policy(limiter === undefined ? limited : limiter(limited))
      })
    }

    return { run } as Core
  })

const manual: RequestInit = { redirect: "manual" }

const utf8 = new TextDecoder()


const requestIdOf = (requestId: string | undefined): { readonly requestId?: string } =>
  requestId === undefined ? {} : { requestId }
