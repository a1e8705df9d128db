import { Timestamp } from "@effect-exa/schema"
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Utc from "../src/internal/utc.js"

describe("Timestamp.parse", () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0")
  const FIRST = Date.parse("0000-01-01T00:00:00Z")
  const LAST = Date.parse("9999-12-31T23:59:59.999Z")
  const Millis = Schema.Int.check(Schema.isBetween({ minimum: FIRST, maximum: LAST }))

  it.prop("agrees with Date.parse on generated RFC 3339 timestamps", {
    millis: Millis,
    fraction: Schema.Literals(["", ".5", ".12", ".123", ".123456", ".000", ".999"]),
    zone: Schema.Literals(["Z", "+00:00", "+05:30", "-08:00", "z"])
  }, ({ fraction, millis, zone }) => {
    const date = new Date(millis)
    const text = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T` +
      `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}${zone}`
    const reference = Date.parse(text.replace(/(\.\d{3})\d+/, "$1").replace(/z$/, "Z"))
    // An offset may move the instant before year 0000 or past year 9999, which RFC 3339 cannot write back: refused.
    const outside = reference > LAST || reference < FIRST
    expect(Timestamp.parse(text)).toBe(outside ? undefined : reference)
  }, { timeout: 120_000, arbitrary: { runs: 1000 } })

  it.prop(
    "the API's own form (24 characters, milliseconds, Z) agrees with the general parser",
    { millis: Millis },
    ({ millis }) => {
      const text = new Date(millis).toISOString()
      expect(Timestamp.parse(text)).toBe(millis)
      // The same instant written with a space and lower-case z goes through the general parser.
      expect(Timestamp.parse(text.replace("T", " ").replace("Z", "z"))).toBe(millis)
    },
    { timeout: 120_000, arbitrary: { runs: 1000 } }
  )

  // Any digits in the API's shape: most are impossible dates or times, which both must refuse alike. Written with a
  // lower-case t, the same text is not in the shortcut's form and goes through the general parser.
  const digits = (width: number) => Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10 ** width - 1 }))
  it.prop("the API's form is read by a shortcut that agrees with the general parser on any digits, valid or not", {
    year: digits(4),
    month: digits(2),
    day: digits(2),
    hour: digits(2),
    minute: digits(2),
    second: digits(2),
    millis: digits(3)
  }, ({ day, hour, millis, minute, month, second, year }) => {
    const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.` +
      `${pad(millis, 3)}Z`
    expect(Timestamp.parse(text), text).toBe(Timestamp.parse(text.replace("T", "t")))
  }, { timeout: 120_000, arbitrary: { runs: 3000 } })

  it("the API's own form refuses whatever the general parser refuses", () => {
    for (
      const text of [
        "2025-11-12T21:50:51.2a7Z",
        "2025-11-12T21:50:5x.207Z",
        "2025-1x-12T21:50:51.207Z",
        "x025-11-12T21:50:51.207Z",
        "2025-11-12X21:50:51.207Z",
        "2025-11-12T21:50:51,207Z",
        "2025-11-12T21:50:51.207+",
        "2025-13-12T21:50:51.207Z",
        "2025-02-29T21:50:51.207Z",
        "2025-11-12T24:50:51.207Z",
        "2025-11-12T21:50:51.-07Z",
        "2025-11-12T21:50:51.2/7Z"
      ]
    ) {
      expect(Timestamp.parse(text), text).toBeUndefined()
    }
    expect(Timestamp.parse("2016-12-31T23:59:60.500Z")).toBe(Date.parse("2017-01-01T00:00:00.500Z"))
    expect(Timestamp.parse("9999-12-31T23:59:60.000Z")).toBeUndefined()
    expect(new Date(Timestamp.parse("0000-02-29T00:00:00.000Z")!).toISOString()).toBe("0000-02-29T00:00:00.000Z")
  })

  it("rejects impossible dates and times", () => {
    for (
      const text of [
        "2025-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2025-04-31T00:00:00Z",
        "2025-00-10T00:00:00Z",
        "2025-01-01T24:00:00Z",
        "2025-01-01T00:60:00Z",
        "2025-01-01T00:00:61Z",
        "2025-01-01T00:00:00+24:00",
        "2025-01-01T00:00:00.Z",
        "2025-01-01T00:00:00+0100",
        "2025-01-01T00:00:00Zjunk"
      ]
    ) {
      expect(Timestamp.parse(text), text).toBeUndefined()
    }
    expect(Timestamp.parse("2024-02-29T12:00:00Z")).toBe(Date.parse("2024-02-29T12:00:00Z"))
  })

  it("truncates fractional seconds exactly, never rounding into the next second", () => {
    expect(Timestamp.parse("2025-11-12T21:50:51.999999999999999999Z")).toBe(Date.parse("2025-11-12T21:50:51.999Z"))
    expect(Timestamp.parse("2025-11-12T21:50:51.0009Z")).toBe(Date.parse("2025-11-12T21:50:51.000Z"))
    expect(Timestamp.parse("2025-11-12T21:50:51.1Z")).toBe(Date.parse("2025-11-12T21:50:51.100Z"))
    expect(Timestamp.parse("2025-11-12T21:50:51.12Z")).toBe(Date.parse("2025-11-12T21:50:51.120Z"))
  })

  it("a leap second decodes as the first instant of the next minute", () => {
    expect(Timestamp.parse("2016-12-31T23:59:60Z")).toBe(Date.parse("2017-01-01T00:00:00Z"))
    expect(Timestamp.parse("2016-12-31T23:59:60.250Z")).toBe(Date.parse("2017-01-01T00:00:00.250Z"))
    expect(Timestamp.parse("2016-12-31T18:59:60-05:00")).toBe(Date.parse("2017-01-01T00:00:00Z"))
    expect(new Date(Timestamp.parse("0099-12-31T23:59:60Z")!).toISOString()).toBe("0100-01-01T00:00:00.000Z")
  })

  it("refuses instants that RFC 3339 cannot write back (outside years 0000 to 9999 in UTC)", () => {
    for (const text of ["0000-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:60Z"]) {
      expect(Timestamp.parse(text), text).toBeUndefined()
    }
    for (const text of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "0000-01-01T01:00:00+01:00"]) {
      const millis = Timestamp.parse(text)
      expect(millis, text).toBeDefined()
      // What decodes encodes back, as RFC 3339.
      expect(Timestamp.parse(DateTime.formatIso(DateTime.makeUnsafe(millis!)))).toBe(millis)
    }
  })

  it("says which range a timestamp out of range is outside of; other bad text gets the plain message", () => {
    const message = (text: string) => {
      const result = Schema.decodeUnknownResult(Timestamp.Timestamp)(text)
      return Result.isFailure(result) ? result.failure.message : "decoded"
    }
    for (
      const text of [
        "0000-01-01T00:30:00+01:00",
        "9999-12-31T23:59:60Z",
        "+010000-01-01T00:00:00.000Z",
        "-000001-12-31T00:00:00Z"
      ]
    ) {
      expect(message(text), text).toContain(
        "between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (years 0000 to 9999 in UTC)"
      )
    }
    for (const text of ["2026-02-30T00:00:00Z", "yesterday", "2026-01-01T00:00:00+24:00", "2026-01-01T24:00:00Z"]) {
      expect(message(text), text).toContain(`Expected an RFC 3339 timestamp, got ${JSON.stringify(text)}`)
    }
  })

  it("handles years before 100", () => {
    const millis = Timestamp.parse("0042-06-01T00:00:00Z")!
    expect(new Date(millis).getUTCFullYear()).toBe(42)
    expect(DateTime.formatIso(DateTime.makeUnsafe(millis))).toBe("0042-06-01T00:00:00.000Z")
  })
})

describe("decoded instants", () => {
  it("are DateTime.Utc values equal to DateTime.makeUnsafe's in every way Effect and tests look", () => {
    expect(Utc.isNative).toBe(true)
    for (const millis of [0, 1_763_000_000_000, -62_167_219_200_000]) {
      const ours = Utc.makeUtc(millis)
      const theirs = DateTime.makeUnsafe(millis)
      expect(ours).toStrictEqual(theirs)
      expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs))
      expect(Object.getOwnPropertyDescriptors(ours)).toEqual(Object.getOwnPropertyDescriptors(theirs))
      expect(DateTime.isDateTime(ours) && DateTime.isUtc(ours)).toBe(true)
      expect(String(ours)).toBe(String(theirs))
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs))
      expect(DateTime.formatIso(ours)).toBe(DateTime.formatIso(theirs))
      expect(DateTime.getPartUtc(ours, "year")).toBe(DateTime.getPartUtc(theirs, "year"))
      expect(Equal.equals(ours, theirs)).toBe(true)
      expect(Hash.hash(ours)).toBe(Hash.hash(theirs))
    }
    const decoded = Schema.decodeUnknownSync(Timestamp.Timestamp)("2025-11-12T21:50:51.207Z")
    expect(decoded).toStrictEqual(DateTime.makeUnsafe("2025-11-12T21:50:51.207Z"))
  })
})
