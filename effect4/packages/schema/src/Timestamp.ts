/**
 * RFC 3339 timestamps (`createdAt`, `updatedAt`, every `*At` field), decoded to `DateTime.Utc`.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { FAIL, fastDecode } from "./internal/compile.js"
import { makeUtc } from "./internal/utc.js"

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

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the one `Date` uses), for any year: the
// year is counted from March so that the leap day comes last, then split into 400-year eras of 146,097 days.
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

// The instants an RFC 3339 timestamp can write: years 0000 to 9999, in UTC.
const FIRST = daysFromCivil(0, 1, 1) * 86_400_000
const LAST = daysFromCivil(10_000, 1, 1) * 86_400_000 - 1

// Epoch milliseconds of checked parts. A leap second (60) carries into the next minute by the arithmetic itself.
const instant = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offset: number
): number | undefined => {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) {
    return undefined
  }
  const utc = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis - offset
  return utc < FIRST || utc > LAST ? undefined : utc
}

// Days before each month of a common year (index 1 to 12), and each month's length.
const BEFORE = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
const LENGTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

// Whether a character code, less 48, is a decimal digit (unsigned: a code below "0" wraps to a large number).
const isDigit = (d: number): boolean => d >>> 0 <= 9

// The form the API sends, `2025-11-12T21:50:51.207Z`, read character by character without the regular expression
// and computed with integer arithmetic only; -1 when the text is not in exactly that form (upper-case `T` and `Z`,
// three fraction digits), and the general parser decides. Range checks are the general parser's: month 1 to 12,
// the month's length (29 February in leap years only), hour to 23, minute to 59, second to 60 (a leap second,
// which the arithmetic carries into the next minute).
const canonical = (s: string): number | undefined | -1 => {
  if (s.length !== 24) return -1
  const y0 = s.charCodeAt(0) - 48
  const y1 = s.charCodeAt(1) - 48
  const y2 = s.charCodeAt(2) - 48
  const y3 = s.charCodeAt(3) - 48
  const mo0 = s.charCodeAt(5) - 48
  const mo1 = s.charCodeAt(6) - 48
  const d0 = s.charCodeAt(8) - 48
  const d1 = s.charCodeAt(9) - 48
  const h0 = s.charCodeAt(11) - 48
  const h1 = s.charCodeAt(12) - 48
  const mi0 = s.charCodeAt(14) - 48
  const mi1 = s.charCodeAt(15) - 48
  const s0 = s.charCodeAt(17) - 48
  const s1 = s.charCodeAt(18) - 48
  const f0 = s.charCodeAt(20) - 48
  const f1 = s.charCodeAt(21) - 48
  const f2 = s.charCodeAt(22) - 48
  if (
    s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90 ||
    !isDigit(y0) || !isDigit(y1) || !isDigit(y2) || !isDigit(y3) || !isDigit(mo0) || !isDigit(mo1) ||
    !isDigit(d0) || !isDigit(d1) || !isDigit(h0) || !isDigit(h1) || !isDigit(mi0) || !isDigit(mi1) ||
    !isDigit(s0) || !isDigit(s1) || !isDigit(f0) || !isDigit(f1) || !isDigit(f2)
  ) return -1
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
  const month = mo0 * 10 + mo1
  const day = d0 * 10 + d1
  const hour = h0 * 10 + h1
  const minute = mi0 * 10 + mi1
  const second = s0 * 10 + s1
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > LENGTH[month]! + (leap && month === 2 ? 1 : 0)) return undefined
  // Days from 0000-01-01 (year 0 is a leap year): 365 a year plus the leap days of the years before this one,
  // less the 719,528 days from there to 1970-01-01. All operands are non-negative, so `| 0` is a floor.
  const days = year * 365 + ((year + 3) >> 2) - (((year + 99) / 100) | 0) + (((year + 399) / 400) | 0) - 719_528 +
    BEFORE[month]! + (leap && month > 2 ? 1 : 0) + day - 1
  const utc = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + f0 * 100 + f1 * 10 + f2
  // Only a leap second at the very end of 9999 gets past the last instant.
  return utc > LAST ? undefined : utc
}

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
  const fast = canonical(s)
  if (fast !== -1) return fast
  if (!SHAPE.test(s)) return undefined
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
  return instant(two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8), two(s, 11), two(s, 14), two(s, 17), millis, offset)
}

// A timestamp of RFC 3339's form whose instant is outside the years 0000 to 9999 in UTC (`0000-01-01T00:30:00+01:00`),
// or with a year of more than four digits (`+010000-01-01T00:00:00.000Z`, as `Date#toISOString` writes one).
const outOfRange = (s: string): boolean => {
  if (/^[+-]\d{6}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(s)) return true
  if (!SHAPE.test(s)) return false
  // In the form and in range part by part (a real date and time), yet refused: the instant is out of range.
  const year = two(s, 0) * 100 + two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(s)
  if (offset !== null && (Number(offset[2]) > 23 || Number(offset[3]) > 59)) return false
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && two(s, 11) <= 23 && two(s, 14) <= 59 &&
    two(s, 17) <= 60
}

// Why a string is not a `Timestamp`.
const problemOf = (input: string): string =>
  outOfRange(input)
    ? `Expected an RFC 3339 timestamp between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (years 0000 to 9999 in UTC), got ${
      JSON.stringify(input)
    }`
    : `Expected an RFC 3339 timestamp, got ${JSON.stringify(input)}`

// `DateTime.Utc`, with generated values (`Arbitrary`) kept in this century, where RFC 3339 can write them: Effect's
// own schema generates any instant a `Date` can hold.
const Utc: Schema.declare<DateTime.Utc> = Schema.declare(
  (u): u is DateTime.Utc => DateTime.isDateTime(u) && DateTime.isUtc(u),
  {
    expected: "DateTime.Utc",
    toCodecArbitrary: () =>
      Schema.link<DateTime.Utc>()(
        Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Date.UTC(2099, 11, 31, 23, 59, 59, 999) })),
        { decode: SchemaGetter.transform(makeUtc), encode: SchemaGetter.transform((utc) => utc.epochMilliseconds) }
      ),
    toEquivalence: () => DateTime.Equivalence,
    toFormatter: () => (utc) => DateTime.formatIso(utc)
  }
)

const TimestampCodec = Schema.String.pipe(
  Schema.decodeTo(
    Utc,
    SchemaTransformation.transformEffect({
      decode: (input: string, options) => {
        const millis = parse(input)
        return millis === undefined
          ? Effect.fail(new SchemaIssue.InvalidValue({ message: problemOf(input) }, input, options))
          : Effect.succeed(makeUtc(millis))
      },
      encode: (value: DateTime.Utc) => Effect.succeed(DateTime.formatIso(value))
    })
  )
)

// The same steps for the package's compiled decoder (internal/compile.ts), without an Effect: a string, parsed, a
// `DateTime.Utc` (which `Utc` accepts as it is).
const decodeFast = (u: unknown): DateTime.Utc | typeof FAIL => {
  if (typeof u !== "string") return FAIL
  const millis = parse(u)
  return millis === undefined ? FAIL : makeUtc(millis)
}

/**
 * An RFC 3339 timestamp with optional fractional seconds, decoded to a `DateTime.Utc`. Its instant must lie in the
 * years 0000 to 9999 in UTC (what RFC 3339 can write back); the error says so when it does not.
 *
 * Encodes to the canonical form the API itself sends (`2025-11-12T21:50:51.207Z`: UTC, milliseconds), so a
 * timestamp in that form round-trips byte for byte; any other offset or precision is normalised to that form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.decodeTo<Schema.declare<DateTime.Utc>, Schema.String> = TimestampCodec.annotate({
  identifier: "Timestamp",
  description: "an RFC 3339 timestamp",
  ...fastDecode(decodeFast, TimestampCodec.ast.encoding)
})

/**
 * A nullable timestamp: required key, `null` allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NullableTimestamp: Schema.NullOr<typeof Timestamp> = Schema.NullOr(Timestamp)
