/**
 * Parsing what a person types: instants (`2026-01-01`, `2026-01-01T12:00:00Z`, `2h` ago), durations (`500ms`,
 * `5s`, `2m`, `1h`, `7d`), event types (repeated or comma-separated), metadata (`key=value`).
 *
 * @internal
 */
import * as EventType from "@effect-exa/schema/EventType"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { CliError } from "./failure.js"
import * as ExitCode from "../ExitCode.js"

const invalid = (message: string, hint?: string) =>
  Either.left(new CliError({ code: ExitCode.usage, message, ...(hint === undefined ? {} : { hint }) }))

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const durationPattern = /^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h|d)$/

/** A duration such as `500ms`, `5s`, `1.5m`, `2h` or `7d`, at least `minimum` (default 1 ms). */
export const duration = (
  flag: string,
  text: string,
  minimum: Duration.Duration = Duration.millis(1)
): Either.Either<Duration.Duration, CliError> => {
  const match = durationPattern.exec(text.trim())
  if (match === null) return invalid(`--${flag} must be a duration such as 500ms, 5s, 2m, 1h or 7d; got "${printable(text)}"`)
  const value = Duration.millis(Math.round(Number(match[1]) * units[match[2]!]!))
  return Duration.lessThan(value, minimum)
    ? invalid(`--${flag} must be at least ${Duration.format(minimum)}; got ${printable(text)}`)
    : Either.right(value)
}

/**
 * An instant: RFC 3339 (`2026-01-01T12:00:00Z`, with an offset or `Z`), a date (`2026-01-01`, midnight UTC), or a
 * duration ago (`2h`). Returned as an ISO string in UTC.
 */
export const instant = (flag: string, text: string, now: number): Either.Either<string, CliError> => {
  const trimmed = text.trim()
  const relative = durationPattern.exec(trimmed)
  if (relative !== null) {
    return Either.map(duration(flag, trimmed), (d) => new Date(now - Duration.toMillis(d)).toISOString())
  }
  const shape = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i
  if (shape.test(trimmed)) {
    const parsed = DateTime.make(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed.replace(" ", "T"))
    if (parsed._tag === "Some") return Either.right(DateTime.formatIso(parsed.value))
  }
  return invalid(
    `--${flag} must be an instant (2026-01-01, 2026-01-01T12:00:00Z) or a time ago (30m, 2h, 7d); got "${printable(text)}"`
  )
}

/** Event types, from repeated options and comma-separated lists; each one the API knows. */
export const eventTypes = (flag: string, values: ReadonlyArray<string>): Either.Either<Array<EventType.EventType>, CliError> => {
  const types: Array<EventType.EventType> = []
  for (const value of values.flatMap((v) => v.split(","))) {
    const type = value.trim()
    if (type === "") continue
    if (!EventType.isEventType(type)) {
      const near = EventType.all.filter((t) => t.includes(type) || type.includes(t))
      return invalid(
        `--${flag}: "${printable(type)}" is not an event type`,
        near.length > 0 && near.length <= 6
          ? `did you mean ${near.join(", ")}?`
          : `the event types are: ${EventType.all.join(", ")}`
      )
    }
    if (!types.includes(type)) types.push(type)
  }
  return Either.right(types)
}

/** `key=value` pairs (the value may hold `=`; a key may not be empty). */
export const metadata = (flag: string, values: ReadonlyArray<string>): Either.Either<Record<string, string>, CliError> => {
  // A null prototype: a key named `__proto__` is an ordinary key here, as it is in the API.
  const out: Record<string, string> = Object.create(null)
  for (const value of values) {
    const index = value.indexOf("=")
    if (index <= 0) return invalid(`--${flag} takes key=value; got "${printable(value)}"`)
    out[value.slice(0, index)] = value.slice(index + 1)
  }
  return Either.right(out)
}

/** A limit: a whole number of at least 1. */
export const positive = (flag: string, value: number): Either.Either<number, CliError> =>
  Number.isSafeInteger(value) && value >= 1 ? Either.right(value) : invalid(`--${flag} must be a whole number of at least 1; got ${value}`)

/** A character as a `\uXXXX` escape (which is also how JSON writes it). */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`

/** Text safe to show in a terminal: control characters (escape sequences from a hostile server) made visible. */
export const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, unicodeEscape)
