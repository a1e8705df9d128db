/**
 * Parsing what a person types: instants (`2026-01-01`, `2026-01-01T12:00:00Z`, `2h` ago), durations (`500ms`,
 * `5s`, `2m`, `1h`, `7d`), event types (repeated or comma-separated), metadata (`key=value`).
 *
 * @internal
 */
import * as EventType from "@effect-exa/schema/EventType"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as ExitCode from "../ExitCode.js"
import { CliError } from "./failure.js"

const invalid = (message: string, hint?: string) =>
  Either.left(new CliError({ code: ExitCode.usage, message, ...(hint === undefined ? {} : { hint }) }))

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const durationPattern = /^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h|d)$/

/**
 * The longest wait a timer is given: `setTimeout` holds at most 2^31 - 1 ms (about 24.8 days) and fires at once
 * beyond it, so a longer `--timeout` would abort every request at once.
 */
export const longestTimer: Duration.Duration = Duration.days(24)

/** A duration such as `500ms`, `5s`, `1.5m`, `2h` or `7d`, at least `minimum` (default 1 ms), at most `maximum`. */
export const duration = (
  flag: string,
  text: string,
  minimum: Duration.Duration = Duration.millis(1),
  maximum: Duration.Duration = Duration.infinity
): Either.Either<Duration.Duration, CliError> => {
  const match = durationPattern.exec(text.trim())
  if (match === null) {
    return invalid(`--${flag} must be a duration such as 500ms, 5s, 2m, 1h or 7d; got "${printable(text)}"`)
  }
  const value = Duration.millis(Math.round(Number(match[1]) * units[match[2]!]!))
  if (Duration.lessThan(value, minimum)) {
    return invalid(`--${flag} must be at least ${Duration.format(minimum)}; got ${printable(text)}`)
  }
  if (Duration.greaterThan(value, maximum)) {
    return invalid(`--${flag} must be at most ${Duration.format(maximum)}; got ${printable(text)}`)
  }
  return Either.right(value)
}

// The earliest instant an RFC 3339 timestamp can write.
const earliest = Date.parse("0000-01-01T00:00:00Z")

/**
 * An instant: RFC 3339 (`2026-01-01T12:00:00Z`, with an offset or `Z`), a date (`2026-01-01`, midnight UTC), or a
 * duration ago (`2h`). Returned as an ISO string in UTC. A date that does not exist (`2026-02-30`) and an instant
 * outside the years 0000 to 9999 (`999999999d` ago) are refused, never moved to a nearby one.
 */
export const instant = (flag: string, text: string, now: number): Either.Either<string, CliError> => {
  const trimmed = text.trim()
  const bad = invalid(
    `--${flag} must be an instant (2026-01-01, 2026-01-01T12:00:00Z) or a time ago (30m, 2h, 7d); got "${
      printable(text)
    }"`
  )
  const relative = durationPattern.exec(trimmed)
  if (relative !== null) {
    return Either.flatMap(duration(flag, trimmed), (d) => {
      const at = now - Duration.toMillis(d)
      return at < earliest
        ? invalid(
          `--${flag}: ${printable(trimmed)} ago is before the year 0000`,
          "give a shorter time ago, or an instant"
        )
        : Either.right(new Date(at).toISOString())
    })
  }
  const shape = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2}))?$/.exec(
    trimmed
  )
  if (shape === null) return bad
  // Completed to a full RFC 3339 timestamp, then parsed strictly: days and times out of range are refused.
  const [, date, time, seconds, zone] = shape
  const millis = Timestamp.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${seconds ?? ":00"}${zone}`)
  return millis === undefined ? bad : Either.right(new Date(millis).toISOString())
}

/** The number of single-character insertions, deletions and substitutions that turn `a` into `b`. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The candidates closest to a mistyped `text`: those that contain it or that it contains (`webset.item` for
 * `webset.item.created`), if only a few do; else those at the smallest edit distance, if it is small for the
 * text's length (a third of it, at most 4). None when nothing is close.
 */
export const nearest = (text: string, candidates: ReadonlyArray<string>): Array<string> => {
  const lower = text.toLowerCase()
  const containing = candidates.filter((c) => lower.length > 0 && (c.includes(lower) || lower.includes(c)))
  if (containing.length > 0 && containing.length <= 6) return containing
  const scored = candidates.map((candidate) => [candidate, editDistance(lower, candidate)] as const)
  const best = Math.min(...scored.map(([, d]) => d))
  return best <= Math.min(4, Math.ceil(lower.length / 3)) ? scored.filter(([, d]) => d === best).map(([c]) => c) : []
}

/** Event types, from repeated options and comma-separated lists; each one the API knows. */
export const eventTypes = (
  flag: string,
  values: ReadonlyArray<string>
): Either.Either<Array<EventType.EventType>, CliError> => {
  const types: Array<EventType.EventType> = []
  for (const value of values.flatMap((v) => v.split(","))) {
    const type = value.trim()
    if (type === "") continue
    if (!EventType.isEventType(type)) {
      const near = nearest(type, EventType.all)
      return invalid(
        `--${flag}: "${printable(type)}" is not an event type`,
        near.length > 0 ? `did you mean ${near.join(" or ")}?` : `the event types are: ${EventType.all.join(", ")}`
      )
    }
    if (!types.includes(type)) types.push(type)
  }
  return Either.right(types)
}

/** `key=value` pairs (the value may hold `=`; a key may not be empty). */
export const metadata = (
  flag: string,
  values: ReadonlyArray<string>
): Either.Either<Record<string, string>, CliError> => {
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
  Number.isSafeInteger(value) && value >= 1
    ? Either.right(value)
    : invalid(`--${flag} must be a whole number of at least 1; got ${value}`)

/** A character as a `\uXXXX` escape (which is also how JSON writes it). */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`

/** Text safe to show in a terminal: control characters (escape sequences from a hostile server) made visible. */
export const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, unicodeEscape)
