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
  // Only the start is shown, so only the start is looked at (a body may be megabytes).
  const collapsed = body.slice(0, 2000).replace(/\s+/g, " ").trim()
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

const months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
// RFC 9110 section 5.6.7: IMF-fixdate, and the two obsolete forms recipients must still accept.
const imfFixdate = new RegExp(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (${months}) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$`)
const rfc850 = new RegExp(
  `^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-(${months})-\\d{2} \\d{2}:\\d{2}:\\d{2} GMT$`
)
const asctime = new RegExp(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${months}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}$`)

/** The instant an HTTP-date names, in epoch milliseconds, or `undefined` if it is not one. */
export const parseHttpDate = (value: string): number | undefined => {
  if (!imfFixdate.test(value) && !rfc850.test(value) && !asctime.test(value)) return undefined
  // asctime has no zone: it is GMT by definition.
  const parsed = Date.parse(asctime.test(value) ? `${value} GMT` : value)
  return Number.isNaN(parsed) ? undefined : parsed
}

/**
 * The delay a response asks for: `retry-after-ms` (a non-negative number of milliseconds), else `Retry-After` as
 * delta-seconds (digits only) or an HTTP-date (relative to `now`; one in the past means now). Anything else (a
 * negative number, a list, a header sent twice, which arrives joined with ", ", garbage) is ignored, so the caller
 * falls back to its own backoff.
 */
export const retryAfter = (
  header: (name: string) => string | undefined,
  now: number
): Duration.Duration | undefined => {
  const ms = header("retry-after-ms")?.trim()
  if (ms !== undefined && /^\d{1,15}(\.\d+)?$/.test(ms)) return Duration.millis(Number(ms))
  const value = header("retry-after")?.trim()
  if (value === undefined || value.length === 0) return undefined
  if (/^\d+$/.test(value)) {
    const seconds = Number(value)
    return Number.isFinite(seconds) ? Duration.seconds(seconds) : Duration.infinity
  }
  const date = parseHttpDate(value)
  return date === undefined ? undefined : Duration.millis(Math.max(0, date - now))
}
