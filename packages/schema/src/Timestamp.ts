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

/**
 * Parses an RFC 3339 `date-time` (`2025-11-12T21:50:51.207Z`, `2023-11-07T05:31:56+02:00`) to epoch milliseconds,
 * or `undefined`. Fractional seconds beyond milliseconds are truncated. `T` may also be `t` or a space, and `Z`
 * may be `z` (RFC 3339 §5.6). Leap seconds (`:60`) are rejected, as JavaScript dates cannot hold them.
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
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return undefined
  }
  const n = s.length
  let i = 19
  let millis = 0
  if (s.charCodeAt(i) === 46) {
    // Up to three digits make the milliseconds; any further digits are truncated.
    let scale = 100
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      millis += c * scale
      scale /= 10
    }
    millis = Math.floor(millis)
  }
  let offset = 0
  const sign = s.charCodeAt(i)
  if (sign === 43 || sign === 45) {
    const oh = two(s, i + 1)
    const om = two(s, i + 4)
    if (oh > 23 || om > 59) return undefined
    offset = (sign === 43 ? 1 : -1) * (oh * 60 + om) * 60_000
  }
  let utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // `Date.UTC` maps years 0..99 to 1900..1999.
  if (year < 100) utc = new Date(utc).setUTCFullYear(year)
  return utc - offset
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
