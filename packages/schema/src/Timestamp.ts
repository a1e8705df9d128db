/**
 * RFC 3339 timestamps (`createdAt`, `updatedAt`, every `*At` field), decoded to `DateTime.Utc`.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"

// RFC 3339 `date-time`: full date, `T` (or `t`/space tolerated by RFC 3339 §5.6 note), time with optional
// fractional seconds, and a mandatory offset (`Z` or `±hh:mm`). Anything `Date.parse` would also accept but
// RFC 3339 does not (`"2025-01-01"`, `"Jan 1 2025"`) is rejected.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

const decodeTimestamp = (input: string, ast: SchemaAST.AST) => {
  if (RFC3339.test(input)) {
    const millis = Date.parse(input.length > 24 ? truncateFraction(input) : input)
    if (!Number.isNaN(millis)) return ParseResult.succeed(DateTime.unsafeMake(millis))
  }
  return ParseResult.fail(new ParseResult.Type(ast, input, `Expected an RFC 3339 timestamp, got ${JSON.stringify(input)}`))
}

// `Date.parse` is only specified for at most 3 fraction digits; APIs in other languages emit microseconds.
const truncateFraction = (input: string): string => input.replace(/(\.\d{3})\d+/, "$1")

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
    decode: (input, _, ast) => decodeTimestamp(input, ast),
    encode: (value) => ParseResult.succeed(DateTime.formatIso(value))
  }).annotations({
    identifier: "Timestamp",
    description: "an RFC 3339 timestamp",
    // Keep generated instants within what RFC 3339 can express (four-digit years).
    arbitrary: () => (fc) =>
      fc.date({ min: new Date("1970-01-01T00:00:00.000Z"), max: new Date("2099-12-31T23:59:59.999Z"), noInvalidDate: true })
        .map((date) => DateTime.unsafeFromDate(date))
  })

/**
 * A nullable timestamp: required key, `null` allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NullableTimestamp: Schema.NullOr<typeof Timestamp> = Schema.NullOr(Timestamp)
