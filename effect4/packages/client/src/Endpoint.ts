/**
 * An endpoint of the Exa API as data: its method, its path, how a caller's arguments become a request (checked
 * first), how a success decodes, what a 404 means and whether sending it twice is safe. Each resource declares its
 * endpoints in one table (`EventsClient.endpoints`, `WebhooksClient.endpoints`); `ExaClient.run` turns an entry and
 * its arguments into a call, and `route` finds the entry a request path names (for an emulator routed by the same
 * tables, as the Effect 3 line's `@effect-exa/testing` is).
 *
 * @since 1.0.0
 */
import type * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import type * as Tracer from "effect/Tracer"
import type * as Errors from "./Errors.js"

/**
 * The HTTP methods the API uses.
 *
 * @since 1.0.0
 * @category models
 */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/**
 * One call, built from a caller's arguments by `Endpoint.request`.
 *
 * @since 1.0.0
 * @category models
 */
export interface Request {
  /** The values of the path's `{name}` parameters, not yet encoded. */
  readonly path?: Readonly<Record<string, string>> | undefined
  /** Query parameters, in order (a name may repeat). */
  readonly query?: ReadonlyArray<readonly [string, string]> | undefined
  /** A JSON body. */
  readonly body?: unknown
  /** Attributes of the call's span. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/**
 * An endpoint. `E` is the error a call fails with besides `RequestError`: `NotFound` when a 404 means "no such
 * resource", else `never`.
 *
 * @since 1.0.0
 * @category models
 */
export interface Endpoint<Args extends ReadonlyArray<any>, A, E = never> {
  /** The name of the call, its span's name too: `EventsClient.getEvent`. */
  readonly name: string
  readonly method: Method
  /** The path after the base URL, with `{name}` for each parameter: `/websets/v0/events/{id}`. */
  readonly path: string
  /**
   * Builds the call from the caller's arguments. It checks them first and throws `Params.Invalid` (or anything) on a
   * bad one, which `ExaClient.run` turns into `InvalidRequest`: the one place arguments are checked.
   */
  readonly request: (...args: Args) => Request
  /** Decodes the parsed JSON of a successful response (the response's schema, compiled). */
  readonly decode: (json: unknown) => Result.Result<A, Schema.SchemaError>
  /** A readable reason for a body that did not decode. */
  readonly describe: (json: unknown, error: Schema.SchemaError) => string
  /** What a 404 means: the resource named by the path's one parameter does not exist. Without it, an `ApiError`. */
  readonly notFound?: string | undefined
  /**
   * Whether sending it twice does no harm (default true). A call that is not (a create) is retried only when the
   * request surely was not acted on (`Retry.isUnsent`).
   */
  readonly idempotent?: boolean | undefined
  /** The value of a successful response with no body (a 204), when the endpoint has one. */
  readonly empty?: { readonly value: A } | undefined
  /**
   * The value of a 404 that answers a retry after an attempt whose outcome is unknown (a timeout, a reset
   * connection, a 5xx): that attempt may have done what was asked, so for a delete the resource being gone is
   * success, not `NotFound`. A 404 to the first attempt, or after failures that show nothing was done (a 429, a
   * connection that never opened), is still `NotFound`.
   */
  readonly goneAfterRetry?: { readonly value: A } | undefined
  /**
   * For an answer that holds a secret (a created webhook's): what a `Decode` error may keep of a body that did not
   * decode. Given the body's text, it returns the text to keep (secrets removed; empty to keep none), the reason
   * when the kept text cannot give one, and a note on what may have happened. The reason is worked out from the
   * kept text only, so no secret reaches the error, its message or the call's span.
   */
  readonly redact?:
    | ((
      text: string
    ) => { readonly body: string; readonly reason?: string | undefined; readonly note?: string | undefined })
    | undefined
  /** Sets attributes of the call's span from its result. */
  readonly annotate?: ((span: Tracer.Span, value: A) => void) | undefined
  /** Phantom: the error besides `RequestError`. */
  readonly _E?: E
}

/**
 * Any endpoint.
 *
 * @since 1.0.0
 * @category models
 */
export type Any = Endpoint<ReadonlyArray<any>, any, any>

/**
 * Every error a call of an endpoint can fail with.
 *
 * @since 1.0.0
 * @category models
 */
export type Error<T extends Any> = T extends Endpoint<any, any, infer E> ? E | Errors.RequestError : never

/**
 * The value of a successful call.
 *
 * @since 1.0.0
 * @category models
 */
export type Success<T extends Any> = T extends Endpoint<any, infer A, any> ? A : never

/**
 * The arguments of a call.
 *
 * @since 1.0.0
 * @category models
 */
export type Args<T extends Any> = T extends Endpoint<infer Args, any, any> ? Args : never

/**
 * Declares an endpoint. One that names a `notFound` resource fails with `NotFound` on a 404.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make: {
  <Args extends ReadonlyArray<any>, A>(
    endpoint: Endpoint<Args, A> & { readonly notFound: string }
  ): Endpoint<Args, A, Errors.NotFound>
  <Args extends ReadonlyArray<any>, A>(
    endpoint: Endpoint<Args, A> & { readonly notFound?: undefined }
  ): Endpoint<Args, A>
} = (endpoint: Any) => endpoint as any

/**
 * The path of a call: the endpoint's template with each parameter percent-encoded.
 *
 * @since 1.0.0
 * @category utils
 */
export const pathOf = (endpoint: Any, params: Readonly<Record<string, string>> | undefined): string =>
  params === undefined
    ? endpoint.path
    : endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))

/**
 * What a request path matched: the endpoint and its path parameters (decoded), or why the parameters could not be
 * decoded.
 *
 * @since 1.0.0
 * @category models
 */
export type Match<T extends Any> =
  | { readonly _tag: "Matched"; readonly endpoint: T; readonly params: Readonly<Record<string, string>> }
  | { readonly _tag: "MethodNotAllowed" }
  | { readonly _tag: "MalformedParam"; readonly endpoint: T }
  | { readonly _tag: "NoRoute" }

const patterns = new WeakMap<Any, { readonly regex: RegExp; readonly names: ReadonlyArray<string> }>()

const patternOf = (endpoint: Any) => {
  let pattern = patterns.get(endpoint)
  if (pattern === undefined) {
    const names: Array<string> = []
    const source = endpoint.path.split(/\{([^}]+)\}/).map((part, i) => {
      if (i % 2 === 1) {
        names.push(part)
        return "([^/]+)"
      }
      return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    }).join("")
    pattern = { regex: new RegExp(`^${source}$`), names }
    patterns.set(endpoint, pattern)
  }
  return pattern
}

/**
 * Finds the endpoint of `endpoints` that answers a method and a path (as a server sees it): how the emulator routes.
 *
 * @since 1.0.0
 * @category utils
 */
export const route = <T extends Any>(endpoints: Iterable<T>, method: string, pathname: string): Match<T> => {
  let pathMatched = false
  for (const endpoint of endpoints) {
    const { names, regex } = patternOf(endpoint)
    const found = regex.exec(pathname)
    if (found === null) continue
    pathMatched = true
    if (endpoint.method !== method) continue
    const params: Record<string, string> = {}
    try {
      names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)))
    } catch {
      return { _tag: "MalformedParam", endpoint }
    }
    return { _tag: "Matched", endpoint, params }
  }
  return pathMatched ? { _tag: "MethodNotAllowed" } : { _tag: "NoRoute" }
}
