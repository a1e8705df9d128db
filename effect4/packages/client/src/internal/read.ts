/**
 * Reading a response body within the size limit, and what a transport's failure means. A body is text (UTF-8, one
 * leading BOM dropped, as `fetch`'s `text()` reads it) of at most `maxResponseBytes` bytes: one of announced,
 * uncompressed length is read whole (the transport stops at that length); any other is counted as it streams in and
 * cut off past the limit; one announced over the limit is refused before a byte of it is read.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"
import * as Errors from "../Errors.js"
import { describeTransport } from "./cause.js"
import { requestIdOf, type Scrub } from "./classify.js"

/** Why the same-origin guard stopped a request (the cause of its `TransportError`). */
export class OffOrigin {
  readonly _tag = "OffOrigin"
  constructor(readonly url: string) {}
}

/** Reads bodies and maps transport failures for one connection. */
export interface Reader {
  readonly body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<string, Errors.RequestError>
  readonly fromHttpError: (error: HttpClientError.HttpClientError, url: string) => Errors.RequestError
}

/**
 * The body size a `content-length` header announces, or `undefined` when it announces none it can be held to
 * (absent, or not plain digits).
 */
export const announcedLength = (header: string | null | undefined): number | undefined =>
  header != null && /^\d{1,15}$/.test(header) ? Number(header) : undefined

/** The chunks of a body as one array of `size` bytes (the one chunk itself when there is only one). */
export const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * The bytes of a body stream, never more than `limit` of them: past it, the read stops and fails with
 * `tooLarge()`. A stream error that `isNoBody` recognises means there was no body at all, and reads as an empty one.
 */
export const collectWithin = <E, E2>(
  stream: Stream.Stream<Uint8Array, E>,
  limit: number,
  tooLarge: () => E2,
  isNoBody: (error: E) => boolean
): Effect.Effect<Uint8Array, E | E2> =>
  Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    let exceeded = false
    return Stream.runForEachArray(stream, (array): Effect.Effect<void, E2> => {
      for (const bytes of array) {
        size += bytes.byteLength
        if (size > limit) {
          exceeded = true
          return Effect.fail(tooLarge())
        }
        chunks.push(bytes)
      }
      return Effect.void
    }).pipe(
      Effect.catchIf((error): error is E => !exceeded && isNoBody(error as E), () => Effect.void),
      Effect.map(() => concat(chunks, size))
    )
  })

const utf8 = new TextDecoder()

export const reader = (limit: number, scrub: Scrub): Reader => {
  const fromHttpError = (error: HttpClientError.HttpClientError, url: string): Errors.RequestError => {
    const reason = error.reason
    const cause = reason.cause
    if (cause instanceof OffOrigin) return new Errors.Redirected({ location: scrub(cause.url) })
    if (reason._tag === "EncodeError" || reason._tag === "InvalidUrlError") {
      return new Errors.InvalidRequest({
        reason: scrub(
          `the request could not be sent as built (${reason._tag}): ${
            describeTransport(cause ?? reason, url, scrub).description
          }`
        )
      })
    }
    const described = describeTransport(cause ?? reason, url, scrub)
    return new Errors.Transport({
      // A failure after the response began (its body broke off) is said to be one.
      description: reason._tag === "TransportError"
        ? described.description
        : `reading the response failed: ${described.description}`,
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

  const body = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, Errors.RequestError> => {
    const length = announcedLength(response.headers["content-length"])
    if (length !== undefined && length > limit) {
      // Refused before reading. Reading the body in a fiber that is interrupted at once makes the clients abort it
      // (closing the connection) without waiting for a byte of it.
      return Effect.andThen(
        Effect.flatMap(Effect.forkChild(Stream.runDrain(response.stream)), Fiber.interrupt),
        Effect.fail(tooLarge(response, length))
      )
    }
    const encoding = response.headers["content-encoding"]
    if (length !== undefined && (encoding === undefined || encoding === "identity")) {
      return Effect.mapError(response.text, (error): Errors.RequestError => fromHttpError(error, response.request.url))
    }
    return collectWithin(
      response.stream,
      limit,
      () => tooLarge(response),
      // A response that cannot have a body (204, 304) has none to stream, which Effect reports as an error: it is an
      // empty body.
      (error) => error.reason._tag === "EmptyBodyError"
    ).pipe(
      Effect.mapError((error) =>
        error._tag === "ResponseTooLarge" ? error : fromHttpError(error, response.request.url)
      ),
      Effect.map((bytes) => utf8.decode(bytes))
    )
  }

  return { body, fromHttpError }
}
