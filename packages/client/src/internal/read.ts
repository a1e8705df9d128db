/**
 * Reading a response body within the size limit, and what a transport's failure means. A body is text (UTF-8, one
 * leading BOM dropped, as `fetch`'s `text()` reads it) of at most `maxResponseBytes` bytes: one of announced,
 * uncompressed length is read whole (the transport stops at that length); any other is counted as it streams in and
 * cut off past the limit; one announced over the limit is refused before a byte of it is read.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Errors from "../Errors.js"
import * as TransportContract from "../TransportContract.js"
import { announcedLength } from "./buffered.js"
import { collectWithin } from "./bytes.js"
import { describeTransport } from "./cause.js"
import { requestIdOf, type Scrub } from "./classify.js"

/** Why the same-origin guard stopped a request. */
export class OffOrigin {
  readonly _tag = "OffOrigin"
  constructor(readonly url: string) {}
}

/** Reads bodies and maps transport failures for one connection. */
export interface Reader {
  readonly body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<string, Errors.RequestError>
  readonly whole: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<string, Errors.RequestError>
  readonly fromHttpError: (error: HttpClientError.HttpClientError, url: string) => Errors.RequestError
}

const utf8 = new TextDecoder()

export const reader = (limit: number, timeout: Duration.Duration, scrub: Scrub): Reader => {
  const fromHttpError = (error: HttpClientError.HttpClientError, url: string): Errors.RequestError => {
    const cause = error.cause
    if (TransportContract.isDeadlineExceeded(cause)) return new Errors.Timeout({ timeout })
    if (TransportContract.isExceeded(cause)) {
      return new Errors.ResponseTooLarge({
        limit,
        status: cause.status,
        ...(cause.contentLength === undefined ? {} : { contentLength: cause.contentLength })
      })
    }
    if (cause instanceof OffOrigin) return new Errors.Redirected({ location: scrub(cause.url) })
    if (error._tag === "RequestError" && error.reason !== "Transport") {
      return new Errors.InvalidRequest({
        reason: scrub(
          `the request could not be sent as built (${error.reason}): ${
            describeTransport(cause, url, scrub).description
          }`
        )
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

  const tooLarge = (response: HttpClientResponse.HttpClientResponse, contentLength?: number) => {
    const requestId = response.headers["x-request-id"]
    return new Errors.ResponseTooLarge({
      limit,
      status: response.status,
      ...(contentLength === undefined ? {} : { contentLength }),
      ...requestIdOf(requestId === undefined ? undefined : scrub(requestId))
    })
  }

  const whole = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, Errors.RequestError> =>
    Effect.mapError(response.text, (error): Errors.RequestError => fromHttpError(error, response.request.url))

  const body = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, Errors.RequestError> => {
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
    if (length !== undefined && (encoding === undefined || encoding === "identity")) return whole(response)
    return collectWithin(
      response.stream,
      limit,
      () => tooLarge(response),
      // A response that cannot have a body (204, 304) has none to stream, which the platform reports as an error:
      // it is an empty body.
      (error) => error._tag === "ResponseError" && error.reason === "EmptyBody"
    ).pipe(
      Effect.mapError((error) =>
        error._tag === "ResponseTooLarge" ? error : fromHttpError(error, response.request.url)
      ),
      Effect.map((bytes) => utf8.decode(bytes))
    )
  }

  return { body, whole, fromHttpError }
}
