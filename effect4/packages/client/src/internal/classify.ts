/**
 * What a response means, as a pure function: its status, its headers and its body text become the endpoint's value
 * or one of the errors of `../Errors.ts`. No effect runs here, so every rule is tested with plain values.
 *
 * @internal
 */
import * as Result from "effect/Result"
import type * as Endpoint from "../Endpoint.js"
import * as Errors from "../Errors.js"
import { decodeJsonText } from "./body.js"
import { parseErrorBody, retryAfter } from "./response.js"

/** A response as classification sees it. */
export interface Response {
  readonly status: number
  readonly header: (name: string) => string | undefined
  readonly text: string
}

/** Removes the key from any text that came from outside. */
export type Scrub = (text: string) => string

export const requestIdOf = (requestId: string | undefined): { readonly requestId?: string } =>
  requestId === undefined ? {} : { requestId }

/** The error of a response whose status is not 2xx. */
export const failure = (
  endpoint: Endpoint.Any,
  id: string | undefined,
  response: Response,
  now: () => number,
  scrub: Scrub
): Errors.RequestError | Errors.NotFound => {
  const { header, status, text } = response
  const requestId = header("x-request-id")
  const idField = requestIdOf(requestId === undefined ? undefined : scrub(requestId))
  // A 304 answers a conditional request, which the clients never send: an ApiError, not a redirect.
  if ((status >= 300 && status < 400 && status !== 304) || status === 0) {
    // `fetch` in a browser reports a redirect it was told not to follow as status 0, with no headers.
    const location = header("location")
    return new Errors.Redirected({
      ...(status === 0 ? {} : { status }),
      ...(location === undefined ? {} : { location: scrub(location) }),
      ...idField
    })
  }
  const info = parseErrorBody(text, status)
  const apiMessage = scrub(info.message)
  const codeField = info.code === undefined ? {} : { code: scrub(info.code) }
  const fullId = requestId === undefined && info.requestId !== undefined
    ? { requestId: scrub(info.requestId) }
    : idField
  if (status === 404 && endpoint.notFound !== undefined && id !== undefined) {
    return new Errors.NotFound({ resource: endpoint.notFound, id, ...fullId })
  }
  if (status === 401 || status === 403) return new Errors.Unauthorized({ status, apiMessage, ...codeField, ...fullId })
  const delay = retryAfter(header, now())
  const delayField = delay === undefined ? {} : { retryAfter: delay }
  if (status === 429) return new Errors.RateLimited({ apiMessage, ...delayField, ...fullId })
  return new Errors.ApiError({ status, apiMessage, ...codeField, ...delayField, ...fullId })
}

/**
 * Classifies one response: a 2xx body decoded by the endpoint, else the error its status means. `id` is the value of
 * the path's parameter, named in a `NotFound`.
 */
export const classify = <A>(
  endpoint: Endpoint.Endpoint<any, A, any>,
  id: string | undefined,
  response: Response,
  now: () => number,
  scrub: Scrub
): Result.Result<A, Errors.RequestError | Errors.NotFound> => {
  const { status, text } = response
  if (status < 200 || status >= 300) return Result.fail(failure(endpoint, id, response, now, scrub))
  if (text.length === 0 && endpoint.empty !== undefined) return Result.succeed(endpoint.empty.value)
  const result = decodeJsonText(text, endpoint.decode, endpoint.describe)
  if (Result.isSuccess(result)) return Result.succeed(result.success)
  const requestId = response.header("x-request-id")
  const { body, reason } = endpoint.redact === undefined
    ? { body: text, reason: result.failure }
    : redacted(endpoint, text)
  return Result.fail(
    new Errors.Decode({
      reason: scrub(reason),
      body: scrub(body),
      status,
      ...requestIdOf(requestId === undefined ? undefined : scrub(requestId))
    })
  )
}

// What a `Decode` error keeps of a body that may hold a secret: only the endpoint's redacted text, and a reason
// worked out from that text alone (a reason from the original could quote the secret).
const redacted = (endpoint: Endpoint.Any, text: string): { readonly body: string; readonly reason: string } => {
  const kept = endpoint.redact!(text)
  const fromKept = kept.body.length === 0 ? undefined : decodeJsonText(kept.body, endpoint.decode, endpoint.describe)
  const reason = kept.reason ??
    (fromKept !== undefined && Result.isFailure(fromKept)
      ? fromKept.failure
      : "a field holding a secret did not decode")
  return { body: kept.body, reason: kept.note === undefined ? reason : `${reason}. ${kept.note}` }
}
