/**
 * Small byte helpers shared by the transports, the request core and the webhook receiver.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

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
 * `tooLarge()`. A stream error that `isNoBody` recognises (given the bytes read so far) means there was no body at
 * all, and reads as an empty one.
 */
export const collectWithin = <E, E2>(
  stream: Stream.Stream<Uint8Array, E>,
  limit: number,
  tooLarge: () => E2,
  isNoBody: (error: E, size: number) => boolean
): Effect.Effect<Uint8Array, E | E2> =>
  Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    let exceeded = false
    return Stream.runForEachChunk(stream, (chunk): Effect.Effect<void, E2> => {
      for (const bytes of chunk) {
        size += bytes.byteLength
        if (size > limit) {
          exceeded = true
          return Effect.fail(tooLarge())
        }
        chunks.push(bytes)
      }
      return Effect.void
    }).pipe(
      Effect.catchIf((error) => !exceeded && isNoBody(error as E, size), () => Effect.void),
      Effect.map(() => concat(chunks, size))
    )
  })
