/**
 * Small byte helpers shared by the transports, the request core and the webhook receiver.
 *
 * @internal
 */

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
