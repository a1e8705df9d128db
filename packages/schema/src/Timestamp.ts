/**
 * RFC 3339 timestamps (`createdAt`, `updatedAt`, every `*At` field), decoded to `DateTime.Utc`.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { FAIL, FastDecode } from "./internal/compile.js"

// The shape of an RFC 3339 `date-time`; the ranges of each part are checked after.
const SHAPE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

// Digits only: `SHAPE` has already been checked.
const two = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : month === 4 || month === 6 || month === 9 || month === 11
    ? 30
    : 31

// The instants an RFC 3339 timestamp can write: years 0000 to 9999, in UTC.
const FIRST = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0)
const LAST = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/**
 * Parses an RFC 3339 `date-time` (`2025-11-12T21:50:51.207Z`, `2023-11-07T05:31:56+02:00`) to epoch milliseconds,
 * or `undefined`.
 *
 * - The separator between date and time is `T`, `t` or a space; the zone is `Z`, `z` or `±hh:mm` (RFC 3339 §5.6).
 * - Fractional seconds of any length are truncated to milliseconds (never rounded up into the next second).
 * - A leap second (`:60`) decodes as the first instant of the next minute, as POSIX time counts it (JavaScript
 *   dates cannot hold the leap second itself).
 * - An instant outside the years 0000 to 9999 in UTC (`0000-01-01T00:30:00+01:00`) is refused: it could not be
 *   written back as RFC 3339, so encoding would not be the inverse of decoding.
 *
 * Written by hand rather than with `Date.parse`: it is several times faster, and `Date.parse` accepts many
 * forms that are not RFC 3339.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (s: string): number | undefined => {
  if (!SHAPE.test(s)) return undefined
  const year = two(s, 0) * 100 + two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) {
    return undefined
  }
  const n = s.length
  let i = 19
  let millis = 0
  if (s.charCodeAt(i) === 46) {
    // The first three digits make the milliseconds, as integers; any further digits are skipped (truncated).
    let digits = 0
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      if (digits < 3) millis = millis * 10 + c
      digits++
    }
    for (; digits < 3; digits++) millis *= 10
  }
  let offset = 0
  const sign = s.charCodeAt(i)
  if (sign === 43 || sign === 45) {
    const oh = two(s, i + 1)
    const om = two(s, i + 4)
    if (oh > 23 || om > 59) return undefined
    offset = (sign === 43 ? 1 : -1) * (oh * 60 + om) * 60_000
  }
  // `Date.UTC` carries second 60 into the next minute.
  let utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // `Date.UTC` maps years 0..99 to 1900..1999: compute 2000 years later (the same leap years, as 2000 is divisible
  // by 400), after any carry, and move back.
  if (year < 100) {
    const later = new Date(Date.UTC(year + 2000, month - 1, day, hour, minute, second, millis))
    utc = later.setUTCFullYear(later.getUTCFullYear() - 2000)
  }
  const instant = utc - offset
  return instant < FIRST || instant > LAST ? undefined : instant
}

const decodeFast = (u: unknown): DateTime.Utc | typeof FAIL => {
  if (typeof u !== "string") return FAIL
  const millis = parse(u)
  return millis === undefined ? FAIL : DateTime.unsafeMake(millis)
}

/**
 * An RFC 3339 timestamp with optional fractional seconds, decoded to a `DateTime.Utc`.
 *
 * Encodes to the canonical form the API itself sends (`2025-11-12T21:50:51.207Z`: UTC, milliseconds), so a
 * timestamp in that form round-trips byte for byte; any other offset or precision is normalised to that form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.transformOrFail<typeof Schema.String, typeof Schema.DateTimeUtcFromSelf> = Schema
  .transformOrFail(Schema.String, Schema.DateTimeUtcFromSelf, {
    strict: true,
    decode: (input, _, ast) => {
      const millis = parse(input)
      return millis === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected an RFC 3339 timestamp, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(DateTime.unsafeMake(millis))
    },
    encode: (value) => ParseResult.succeed(DateTime.formatIso(value))
  }).annotations({
    identifier: "Timestamp",
    description: "an RFC 3339 timestamp",
    // Keep generated instants within what RFC 3339 can express (four-digit years).
    arbitrary: () => (fc) =>
      fc.date({ min: new Date("1970-01-01T00:00:00.000Z"), max: new Date("2099-12-31T23:59:59.999Z"), noInvalidDate: true })
        .map((date) => DateTime.unsafeFromDate(date)),
    // The same decoding as above, without the generic transformation machinery.
    [FastDecode]: decodeFast
  })

/**
 * A nullable timestamp: required key, `null` allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NullableTimestamp: Schema.NullOr<typeof Timestamp> = Schema.NullOr(Timestamp)
