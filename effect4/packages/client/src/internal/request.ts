/**
 * The request pipeline: one call of an endpoint, over a connection's validated settings (`./settings.ts`).
 *
 * 1. the caller's arguments checked and the request built from the endpoint's declaration (`../Endpoint.ts`);
 * 2. per attempt: the client-side rate limit if set (`./limiter.ts`), then the attempt within its timeout;
 * 3. the request sent through the user's `HttpClient` (its `transformClient` applied), which may never leave the API's
 *    origin and never follows a redirect by itself;
 * 4. the body read within `maxResponseSize` (`./read.ts`), then classified (`./classify.ts`, pure);
 * 5. the retry policy over attempts, and the span over the whole call.
 *
 * One execution path: the attempt runs on the caller's fiber under `Effect.timeoutOrElse`, and interrupting it aborts
 * the request (every `effect/http` client aborts on interruption). The Effect 3 line's hand-built attempt runner and
 * its transport contract are not ported: they were tuned to Effect 3's run loop.
 *
 * Every failure is an error of `../Errors.ts`, and no text that came from outside reaches one with the key in it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpTraceContext from "effect/http/HttpTraceContext"
import * as Result from "effect/Result"
import type * as Tracer from "effect/Tracer"
import * as Endpoint from "../Endpoint.js"
import * as Errors from "../Errors.js"
import * as Retry from "../Retry.js"
import { classify, type Scrub } from "./classify.js"
import * as Limiter from "./limiter.js"
import * as Params from "./params.js"
import { OffOrigin, reader } from "./read.js"
import type { Settings } from "./settings.js"
import { version } from "./version.js"

/** Runs endpoint calls: the connection's engine. */
export interface Pipeline {
  readonly run: <Args extends ReadonlyArray<any>, A, E>(
    endpoint: Endpoint.Endpoint<Args, A, E>,
    ...args: Args
  ) => Effect.Effect<A, E | Errors.RequestError>
}

// Below the caller's `transformClient`, so every request that reaches the network passes here, including those a
// redirect-following wrapper (`HttpClient.followRedirects`) makes: one that would leave the origin never leaves.
const sameOriginOnly = (client: HttpClient.HttpClient, origin: string): HttpClient.HttpClient => {
  const prefix = `${origin}/`
  return HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
      Effect.flatMap(request, (request) =>
        request.url === origin || request.url.startsWith(prefix)
          ? client.execute(request)
          : Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause: new OffOrigin(request.url) })
            })
          )),
    Effect.succeed
  )
}

const manual: RequestInit = { redirect: "manual" }

// Effect 4 captures a stack trace (a `new Error()`) for each span an effect is run under unless told not to; here it
// would only point at this file, never at the caller's code, and it cost about 3% of a medium getEvent's CPU
// (docs/performance.md). The Effect 3 line turns it off the same way.
const noStack = { captureStackTrace: false } as const
const always = () => true

// A failure after which the server may have acted on the request: a timeout, a connection lost after it opened, a
// 5xx. (A 429 or a connection that never opened shows it did not.)
const outcomeUnknown = (error: Errors.RequestError | Errors.NotFound): boolean =>
  error._tag === "Timeout" || (error._tag === "Transport" && !Retry.isUnsent(error)) ||
  (error._tag === "ApiError" && error.status >= 500)

/** Builds the pipeline over the `HttpClient` in context. */
export const make = (config: Settings): Effect.Effect<Pipeline, never, HttpClient.HttpClient> =>
  Effect.map(Effect.service(HttpClient.HttpClient), (base) => {
    // One limiter per connection: every resource client over it shares this one.
    const limiter = config.rateLimit === undefined ? undefined : Limiter.make(config.rateLimit)
    const key = config.key
    // Anything from outside (a body, a header, an error message) may echo the key back; it never reaches an error.
    const scrub: Scrub = (text) => (key.length >= 4 && text.includes(key) ? text.split(key).join("<redacted>") : text)
    const read = reader(config.maxResponseBytes, scrub)
    const retry = Retry.apply(config.retry)
    const retryUnsent = Retry.apply(config.retry, { idempotent: false })
    // Our own requests never leave the origin; a transformClient's might (it may follow redirects), so below it
    // every request is checked.
    const client = config.transformClient === undefined
      ? base
      : config.transformClient(sameOriginOnly(base, config.origin))
    const headers = { "x-api-key": key, accept: "application/json", "user-agent": `effect-exa/${version}` }
    const timed = Duration.isFinite(config.timeout)
    const timeoutError = new Errors.Timeout({ timeout: config.timeout })

    // Each attempt runs with `fetch` told never to follow a redirect (a 3xx comes back as it is, and is an error
    // here; the caller's own RequestInit is kept otherwise), with the platform's own per-request span off (with
    // `httpSpans` the pipeline makes the HTTP span itself, the same on every transport), within the timeout.
    const attempt = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | Errors.Timeout> => {
      const configured = Effect.flatMap(
        Effect.serviceOption(FetchHttpClient.RequestInit),
        (init) =>
          Effect.provideService(
            self,
            FetchHttpClient.RequestInit,
            init._tag === "Some" ? { ...init.value, redirect: "manual" } : manual
          )
      ).pipe(Effect.provideService(HttpClient.TracerDisabledWhen, always))
      return timed
        ? Effect.timeoutOrElse(configured, { duration: config.timeout, orElse: () => Effect.fail(timeoutError) })
        : configured
    }

    // What one response means: the span's attributes, then the pure classification.
    const judge = <A>(
      endpoint: Endpoint.Endpoint<any, A, any>,
      id: string | undefined,
      response: HttpClientResponse.HttpClientResponse,
      text: string,
      span: Tracer.Span,
      http: Tracer.Span | undefined
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const status = response.status
        const header = (name: string): string | undefined => response.headers[name]
        span.attribute("http.response.status_code", status)
        const requestId = header("x-request-id")
        if (requestId !== undefined) span.attribute("exa.request_id", scrub(requestId))
        if (http !== undefined) http.attribute("http.response.status_code", status)
        const result = classify(endpoint, id, { status, header, text }, () => now, scrub)
        if (Result.isSuccess(result) && endpoint.annotate !== undefined) endpoint.annotate(span, result.success)
        return Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)
      })

    // One attempt: send, read the body, judge the response.
    const send = <A>(
      endpoint: Endpoint.Endpoint<any, A, any>,
      id: string | undefined,
      request: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span,
      http: Tracer.Span | undefined
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> =>
      Effect.matchEffect(client.execute(request), {
        onFailure: (error) => Effect.fail(read.fromHttpError(error, request.url)),
        onSuccess: (response) =>
          Effect.flatMap(read.body(response), (text) => judge(endpoint, id, response, text, span, http))
      })

    // With `httpSpans`, each attempt gets a client span of its own, and the trace headers go with the request.
    const httpSpan = <A>(
      endpoint: Endpoint.Endpoint<any, A, any>,
      id: string | undefined,
      request: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> =>
      Effect.useSpan(
        `http.client ${endpoint.method}`,
        {
          kind: "client",
          parent: span,
          attributes: {
            "http.request.method": endpoint.method,
            "server.address": config.origin,
            "url.full": request.url,
            "url.path": request.url.slice(config.origin.length)
          }
        },
        (http) =>
          send(endpoint, id, HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(http)), span, http)
      )

    const call = <A>(
      endpoint: Endpoint.Endpoint<any, A, any>,
      built: Endpoint.Request
    ): Effect.Effect<A, Errors.RequestError | Errors.NotFound> => {
      let request = HttpClientRequest.make(endpoint.method)(
        config.baseUrl + Endpoint.pathOf(endpoint, built.path),
        { headers }
      )
      if (built.query !== undefined) {
        for (const [name, value] of built.query) request = HttpClientRequest.appendUrlParam(request, name, value)
      }
      if (built.body !== undefined) {
        request = HttpClientRequest.bodyText(request, JSON.stringify(built.body), "application/json")
      }
      const ready = request
      // The id a `NotFound` names: the path's one parameter.
      const id = built.path === undefined ? undefined : Object.values(built.path)[0]
      return Effect.useSpan(endpoint.name, { attributes: built.attributes ?? {} }, (span) => {
        const once = config.httpSpans
          ? httpSpan(endpoint, id, ready, span)
          : send(endpoint, id, ready, span, undefined)
        const policy = endpoint.idempotent === false ? retryUnsent : retry
        const gone = endpoint.goneAfterRetry
        if (gone === undefined) {
          const limited = attempt(once)
          return Effect.withParentSpan(policy(limiter === undefined ? limited : limiter(limited)), span, noStack)
        }
        // Per run of the call: whether an attempt so far may have been acted on, so that a 404 to a later one means
        // it was (a delete that succeeded before its answer was lost).
        return Effect.suspend(() => {
          let uncertain = false
          const tracked = Effect.suspend(() => {
            const afterUncertain = uncertain
            return Effect.catch(attempt(once), (error) => {
              if (afterUncertain && error._tag === "NotFound") {
                span.attribute("exa.gone_after_retry", true)
                return Effect.succeed(gone.value)
              }
              if (outcomeUnknown(error)) uncertain = true
              return Effect.fail(error)
            })
          })
          return Effect.withParentSpan(policy(limiter === undefined ? tracked : limiter(tracked)), span, noStack)
        })
      })
    }

    const run: Pipeline["run"] = (endpoint, ...args) =>
      Params.validated(() => call(endpoint, endpoint.request(...args))) as any

    return { run }
  })
