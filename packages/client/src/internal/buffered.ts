/**
 * What this package's transports share: a request taken apart for sending, and a response whose body was read
 * whole, as they hand it over.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** Headers as undici gives them, or a web `Headers`. */
export type RawHeaders = Readonly<Record<string, string | ReadonlyArray<string> | undefined>> | globalThis.Headers

export class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedText: string | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: RawHeaders,
    private readonly body: Uint8Array
  ) {
    super()
  }

  // Built on first use: the clients read a header or two.
  get headers(): Headers.Headers {
    return (this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Headers.Input))
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }
  get cookies(): Cookies.Cookies {
    // Kept as the list the server sent: joined with ", ", a cookie's `Expires` date could not be split back.
    const raw = this.rawHeaders
    const setCookie = raw instanceof globalThis.Headers ? raw.getSetCookie() : raw["set-cookie"]
    return Cookies.fromSetCookie(setCookie === undefined ? [] : typeof setCookie === "string" ? [setCookie] : setCookie)
  }
  /**
   * The body as text, at once: the body is already here. A TextDecoder, as `fetch`'s `text()` uses: the same text on
   * every transport (a leading BOM dropped, invalid sequences replaced).
   */
  textNow(): Either.Either<string, HttpClientError.ResponseError> {
    if (this.cachedText === undefined) {
      try {
        this.cachedText = utf8.decode(this.body)
      } catch (cause) {
        // Larger than a string can be: an error, never a defect.
        return Either.left(this.decodeError(cause))
      }
    }
    return Either.right(this.cachedText)
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.suspend(() => this.textNow())
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(
      this.text,
      (text) =>
        Effect.try({ try: () => (text === "" ? null : JSON.parse(text)), catch: (cause) => this.decodeError(cause) })
    )
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() =>
      this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer
    )
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(this.body)
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () =>
        new Response(new Uint8Array(this.body), { headers: this.headers as Record<string, string> }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }
  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

const utf8 = new TextDecoder()

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined | false => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : false
    default:
      return false
  }
}

/** A request ready to send: its URL, body and headers (with the body's content type). */
export interface Prepared {
  readonly url: URL
  readonly body: Uint8Array | string | undefined
  readonly headers: Record<string, string>
}

/** Takes a request apart for sending, or says why it cannot be sent. */
export const prepare = (
  request: HttpClientRequest.HttpClientRequest
): Either.Either<Prepared, HttpClientError.RequestError> => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") {
    return Either.left(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  const body = bodyOf(request)
  if (body === false) {
    return Either.left(
      new HttpClientError.RequestError({
        request,
        reason: "Encode",
        description: "only empty, text or byte bodies are supported"
      })
    )
  }
  let headers: Record<string, string> = request.headers
  if (
    body !== undefined && request.body._tag !== "Empty" && request.body.contentType !== undefined &&
    headers["content-type"] === undefined
  ) {
    headers = { ...headers, "content-type": request.body.contentType }
  }
  return Either.right({ url: url.right, body, headers })
}

export { announcedLength, concat } from "./bytes.js"
