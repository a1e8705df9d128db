/**
 * Reading what the API sends back: error bodies of every known shape, and the retry delay headers.
 *
 * @internal
 */
import * as Duration from "effect/Duration"

export interface ErrorInfo {
  readonly message: string
  readonly code?: string
  readonly requestId?: string
}

const str = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

const snippet = (body: string): string => {
  const collapsed = body.replace(/\s+/g, " ").trim()
  return collapsed.length > 300 ? `${collapsed.slice(0, 300)}…` : collapsed
}

/**
 * Reads an error body leniently. Known shapes:
 * - `{ "error": "…", "tag": "INVALID_API_KEY", "requestId": "…" }` (Exa's general error format)
 * - `{ "error": { "type", "code", "message", "detail" }, "requestId": "…" }` (structured envelope)
 * - `{ "statusCode": 404, "message": "…", "error": "Not Found" }` (NestJS-style)
 * - `{ "error": "You've exceeded your Exa rate limit…" }` (429)
 * - anything else, including HTML or an empty body: a whitespace-collapsed snippet.
 * It never fails.
 */
export const parseErrorBody = (body: string, status: number): ErrorInfo => {
  let json: unknown
  try {
    json = body.length === 0 ? undefined : JSON.parse(body)
  } catch {
    json = undefined
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    const text = snippet(body)
    return { message: text.length > 0 ? text : `HTTP ${status} with an empty body` }
  }
  const record = json as Record<string, unknown>
  const error = record.error
  if (typeof error === "object" && error !== null && !Array.isArray(error)) {
    const inner = error as Record<string, unknown>
    const message = str(inner.message) ?? str(record.message) ?? str(inner.detail) ?? `HTTP ${status}`
    const code = str(inner.code) ?? str(inner.type)
    const requestId = str(record.requestId) ?? str(inner.requestId)
    return { message, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) }
  }
  const parts = [str(error), str(record.message)].filter((part): part is string => part !== undefined)
  const message = parts.length > 0 ? parts.join(": ") : snippet(body)
  const code = str(record.tag) ?? str(record.code)
  const requestId = str(record.requestId)
  return { message, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) }
}

/**
 * The delay a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` as seconds or as an HTTP
 * date (relative to `now`). Negative or unreadable values are ignored.
 */
export const retryAfter = (header: (name: string) => string | undefined, now: number): Duration.Duration | undefined => {
  const ms = header("retry-after-ms")
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Duration.millis(Number(ms))
  const value = header("retry-after")?.trim()
  if (value === undefined || value.length === 0) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Duration.seconds(Number(value))
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - now))
}
