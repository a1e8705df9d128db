/**
 * The emulator's cursors: opaque to clients, here they carry the offset of the next page behind a prefix.
 *
 * @internal
 */

/** A cursor for the page starting at `offset`. */
export const encode = (prefix: string, offset: number): string => `${prefix}${btoa(`o${offset}`)}`

/** The offset a cursor carries, or `undefined` when it is not one of ours. */
export const decode = (prefix: string, cursor: string): number | undefined => {
  if (!cursor.startsWith(prefix)) return undefined
  let text: string
  try {
    text = atob(cursor.slice(prefix.length))
  } catch {
    return undefined
  }
  const offset = text.startsWith("o") ? Number(text.slice(1)) : NaN
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined
}
