import * as SchemaModules from "@effect-exa/schema"
import { Event, ListEventsResponse, Timestamp } from "@effect-exa/schema"
import { Fixtures } from "@effect-exa/testing"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Hash from "effect/Hash"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { BAIL, compile, FAIL, FastDecode, registerClass } from "../src/internal/compile.js"
import * as Decoder from "../src/internal/decoder.js"
import * as Utc from "../src/internal/utc.js"

// The fast path must agree with Effect Schema: same success or failure, and an equivalent value.
const equivalence = Schema.equivalence(Event.Event)
const effectSchema = Schema.decodeUnknownEither(Event.Event)
// Effect Schema throws on some hostile inputs (a discriminator such as `{"toString": false}`): that is a rejection.
const slow = (input: unknown): Either.Either<Event.Event, unknown> => {
  try {
    return effectSchema(input)
  } catch {
    return Either.left("thrown")
  }
}
const compiled = { compiled: compile(Event.Event.ast)! }

const agree = (input: unknown) => {
  const expected = slow(input)
  for (const [name, fast] of Object.entries(compiled)) {
    const actual = fast(input)
    if (Either.isRight(expected)) {
      // Never FAIL on a valid input (BAIL would be allowed, but our schemas have no node that needs it).
      assert(actual !== FAIL && actual !== BAIL, `${name} rejected a valid input`)
      assert(equivalence(actual as Event.Event, expected.right), `${name} decoded a different value`)
      expect((actual as object).constructor).toBe(expected.right.constructor)
      // The same object, not just an equivalent one: prototype, own keys in order, every value.
      expect(actual).toStrictEqual(expected.right)
      expect(Reflect.ownKeys(actual as object)).toEqual(Reflect.ownKeys(expected.right))
    } else {
      assert(actual === FAIL || actual === BAIL, `${name} accepted an input Effect Schema rejects`)
    }
    // And the public decoder gives Effect Schema's answer either way.
  }
  const viaPublic = Event.decodeEither(input)
  expect(Either.isRight(viaPublic)).toBe(Either.isRight(expected))
}

// Random edits of a valid JSON payload: delete a key, set a key to another JSON value, or swap in null.
const mutate = (value: unknown, path: ReadonlyArray<number>, replacement: unknown): unknown => {
  if (typeof value !== "object" || value === null || path.length === 0) return replacement
  const keys = Object.keys(value)
  if (keys.length === 0) return replacement
  const key = keys[path[0]! % keys.length]!
  const copy: any = Array.isArray(value) ? [...value] : { ...value }
  if (path.length === 1 && replacement === undefined) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1)
    else delete copy[key]
  } else {
    copy[key] = mutate(copy[key], path.slice(1), replacement)
  }
  return copy
}

describe("the compiled decoder", () => {
  it("a value that throws as it is read (a getter, a proxy) is a ParseError from every decoder, never a throw", () => {
    const base = Fixtures.make("webset.idle", { id: "ev_1" }) as Record<string, unknown>
    const getter = Object.defineProperty({ ...base }, "id", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      }
    })
    const proxy = new Proxy({ ...base }, {
      get: () => {
        throw new Error("boom")
      },
      ownKeys: () => {
        throw new Error("boom")
      }
    })
    for (const input of [getter, proxy]) {
      const decoded = Event.decodeEither(input)
      assert(Either.isLeft(decoded))
      expect(decoded.left).toBeInstanceOf(ParseResult.ParseError)
      expect(() => Event.decodeSync(input)).toThrow(ParseResult.ParseError)
      const exit = Effect.runSyncExit(Event.decode(input))
      assert(Exit.isFailure(exit))
      expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Fail")
    }
  })

  it("compiles the Event and ListEventsResponse schemas (the fast path is in use)", () => {
    expect(Decoder.isCompiled(Event.Event)).toBe(true)
    expect(Decoder.isCompiled(ListEventsResponse.ListEventsResponse)).toBe(true)
  })

  it("every schema the package exports compiles: one that stops compiling fails here, loudly", () => {
    const stopped: Array<string> = []
    let count = 0
    for (const [moduleName, module] of Object.entries(SchemaModules)) {
      for (const [name, value] of Object.entries(module as Record<string, unknown>)) {
        if (!Schema.isSchema(value)) continue
        count++
        if (!Decoder.isCompiled(value as Schema.Schema<unknown, unknown, never>)) stopped.push(`${moduleName}.${name}`)
      }
    }
    expect(count).toBeGreaterThan(40)
    expect(stopped).toEqual([])
  })

  it("dispatches a union on the literal that tells members apart (type), not one they all share (object)", () => {
    const calls: Array<string> = []
    const member = (type: string) =>
      Schema.Struct({ object: Schema.Literal("event"), type: Schema.Literal(type) }).annotations({
        [FastDecode]: (u: unknown) => (calls.push(type), u)
      })
    const decode = compile(Schema.Union(member("a"), member("b"), member("c")).ast)!
    expect(decode({ object: "event", type: "b" })).toEqual({ object: "event", type: "b" })
    expect(calls).toEqual(["b"])
  })

  it("dispatches on type even with a member that has no type literal (the unknown event), trying it only for other types", () => {
    const calls: Array<string> = []
    const member = (type: string) =>
      Schema.Struct({ object: Schema.Literal("event"), type: Schema.Literal(type) }).annotations({
        [FastDecode]: (u: unknown) => (calls.push(type), u)
      })
    const known = new Set(["a", "b", "c"])
    const unknown = Schema.Struct({
      object: Schema.Literal("event"),
      type: Schema.String.pipe(Schema.filter((t) => !known.has(t)))
    })
    const decode = compile(Schema.Union(member("a"), member("b"), member("c"), unknown).ast)!
    expect(decode({ object: "event", type: "b" })).toEqual({ object: "event", type: "b" })
    expect(calls).toEqual(["b"])
    calls.length = 0
    expect(decode({ object: "event", type: "zzz" })).toEqual({ object: "event", type: "zzz" })
    expect(calls).toEqual([])
  })

  it("builds instances of a registered class itself, and bails when a field with a constructor default is missing", () => {
    let constructed = 0
    class Counted extends Schema.Class<Counted>("Counted")({
      a: Schema.String,
      kind: Schema.Literal("k").pipe(Schema.propertySignature, Schema.withConstructorDefault(() => "k" as const))
    }) {
      constructor(props: any, options?: any) {
        super(props, options)
        constructed++
      }
    }
    const unregistered = compile(Counted.ast)!
    expect(unregistered({ a: "x", kind: "k" })).toBeInstanceOf(Counted)
    expect(constructed).toBe(1)
    registerClass(Counted)
    const registered = compile(Counted.ast)!
    const value = registered({ a: "x", kind: "k" })
    expect(value).toBeInstanceOf(Counted)
    expect(value).toStrictEqual(new Counted({ a: "x", kind: "k" }, true))
    expect(constructed).toBe(2) // only the `new` just above: the decoder did not construct
    expect(registered({ a: 1, kind: "k" })).toBe(FAIL)
    // `kind` missing: Effect Schema fails (the literal is required), but the constructor would fill it in; the
    // fast path leaves such a case to Effect Schema.
    const optionalDefault = class extends Schema.Class<any>("OptionalDefault")({
      a: Schema.String,
      b: Schema.optionalWith(Schema.String, { exact: true }).pipe(Schema.withConstructorDefault(() => "d"))
    }) {}
    registerClass(optionalDefault)
    expect(compile(optionalDefault.ast)!({ a: "x" })).toBe(BAIL)
    expect(compile(optionalDefault.ast)!({ a: "x", b: "y" })).toStrictEqual(new optionalDefault({ a: "x", b: "y" }))
  })

  it("answers null in NullOr(X) without trying X, and still tries X when X accepts null too", () => {
    let tried = 0
    const counted = Schema.String.annotations({
      [FastDecode]: (u: unknown) => (tried++, typeof u === "string" ? u : FAIL)
    })
    const decode = compile(Schema.NullOr(counted).ast)!
    tried = 0
    expect(decode(null)).toBeNull()
    expect(tried).toBe(0)
    expect(decode("x")).toBe("x")
    expect(decode(1)).toBe(FAIL)
    // Both members accept null: the fast path cannot tell which Effect Schema picks first, so it bails.
    const both = compile(Schema.Union(Schema.Null, Schema.Unknown).ast)!
    expect(both(null)).toBe(BAIL)
  })

  it("a parse-options annotation on any node leaves the whole schema to Effect Schema", () => {
    const strict = Schema.Struct({ a: Schema.String }).annotations({ parseOptions: { onExcessProperty: "error" } })
    expect(Decoder.isCompiled(strict)).toBe(false)
    const nested = Schema.Struct({ inner: strict })
    expect(Decoder.isCompiled(nested)).toBe(false)
    const decode = Decoder.make(nested)
    expect(Either.isLeft(decode.either({ inner: { a: "x", extra: 1 } }))).toBe(true)
    expect(Decoder.isCompiled(Schema.Struct({ a: Schema.String }))).toBe(true)
  })

  it("an input Effect Schema itself throws on is a ParseError, never a defect", () => {
    for (const field of ["type", "object"]) {
      const json = { ...Fixtures.events["webset.idle"], [field]: { toString: false } }
      expect(() => Schema.decodeUnknownEither(Event.Event)(json)).toThrow(TypeError)
      const result = Event.decodeEither(json)
      assert(Either.isLeft(result))
      expect(ParseResult.isParseError(result.left)).toBe(true)
      expect(ParseResult.TreeFormatter.formatErrorSync(result.left)).toContain("could not be read")
      expect(() => Event.decodeSync(json)).toThrow(ParseResult.ParseError)
      const exit = Effect.runSyncExit(Event.decode(json))
      assert(Exit.isFailure(exit) && exit.cause._tag === "Fail")
      expect(ParseResult.isParseError(exit.cause.error)).toBe(true)
    }
  })

  it("agrees with Effect Schema on every fixture", () => {
    for (const json of Fixtures.allEvents) agree(json)
  })

  it("agrees with Effect Schema on generated events", { timeout: 120_000 }, () => {
    const encode = Schema.encodeSync(Event.Event)
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Event.Event), (event) => agree(JSON.parse(JSON.stringify(encode(event))))),
      { numRuns: 300 }
    )
  })

  it("agrees with Effect Schema on mutated payloads", { timeout: 120_000 }, () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.constantFrom(...Fixtures.allEvents),
        FastCheck.array(FastCheck.nat(40), { minLength: 1, maxLength: 6 }),
        FastCheck.oneof(
          FastCheck.constant(undefined),
          FastCheck.constant(null),
          FastCheck.jsonValue({ maxDepth: 2 }),
          FastCheck.constantFrom("webset.created", "2025-01-01T00:00:00Z", "event", "company", 1.5, 42, [], {})
        ),
        (json, path, replacement) => agree(mutate(json, path, replacement))
      ),
      { numRuns: 2000 }
    )
  })

  it("agrees with Effect Schema on payloads with keys reordered and extra keys added at any depth", {
    timeout: 120_000
  }, () => {
    // Every object's keys in a shuffled order (by a seed), some with an extra key.
    const shuffle = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((item, i) => shuffle(item, seed + i))
      if (typeof value !== "object" || value === null) return value
      const keys = Object.keys(value).sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7))
      const out: Record<string, unknown> = {}
      if (seed % 3 === 0) out.addedByServer = seed
      for (const key of keys) out[key] = shuffle((value as Record<string, unknown>)[key], seed * 7 + key.length)
      return out
    }
    FastCheck.assert(
      FastCheck.property(
        FastCheck.constantFrom(...Fixtures.allEvents),
        FastCheck.nat(1000),
        (json, seed) => agree(shuffle(json, seed))
      ),
      { numRuns: 300 }
    )
  })

  it("keeps Effect Schema's output for optional keys and extra keys", () => {
    const json: any = structuredClone(Fixtures.events["webset.item.enriched"])
    json.data.unexpected = 1
    delete json.data.evaluations[2].references
    agree(json)
  })

  it("errors still come from Effect Schema, with the full message", () => {
    const result = Event.decodeEither({ ...Fixtures.events["webset.idle"], createdAt: "soon" })
    assert(Either.isLeft(result))
    expect(result.left.message).toContain("RFC 3339")
  })

  it("non-default parse options bypass the fast path", () => {
    const json = { ...Fixtures.events["monitor.run.completed"], extra: true }
    expect(Either.isRight(Event.decodeEither(json))).toBe(true)
    expect(Either.isLeft(Event.decodeEither(json, { onExcessProperty: "error" }))).toBe(true)
  })
})

describe("Timestamp.parse", () => {
  it("agrees with Date.parse on generated RFC 3339 timestamps", { timeout: 120_000 }, () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, "0")
    FastCheck.assert(
      FastCheck.property(
        FastCheck.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true
        }),
        FastCheck.constantFrom("", ".5", ".12", ".123", ".123456", ".000", ".999"),
        FastCheck.constantFrom("Z", "+00:00", "+05:30", "-08:00", "z"),
        (date, fraction, zone) => {
          const text = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T` +
            `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}${zone}`
          const reference = Date.parse(text.replace(/(\.\d{3})\d+/, "$1").replace(/z$/, "Z"))
          // An offset may move the instant before year 0000 or past year 9999, which RFC 3339 cannot write back: refused.
          const outside = reference > Date.parse("9999-12-31T23:59:59.999Z") ||
            reference < Date.parse("0000-01-01T00:00:00Z")
          expect(Timestamp.parse(text)).toBe(outside ? undefined : reference)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("the API's own form (24 characters, milliseconds, Z) takes a shortcut that agrees with the general parser", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59.999Z"),
          noInvalidDate: true
        }),
        (date) => {
          const text = date.toISOString()
          expect(Timestamp.parse(text)).toBe(date.getTime())
          // The same instant written with a space and lower-case z goes through the general parser.
          expect(Timestamp.parse(text.replace("T", " ").replace("Z", "z"))).toBe(date.getTime())
        }
      ),
      { numRuns: 1000 }
    )
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

  it("the API's form is read by a shortcut that agrees with the general parser on any digits, valid or not", () => {
    // Any digits in the API's shape: most are impossible dates or times, which both must refuse alike. Written with
    // a lower-case t, the same text is not in the shortcut's form and goes through the general parser.
    const digits = (n: number) =>
      FastCheck.array(FastCheck.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n })
        .map((ds) => ds.join(""))
    const part = (max: number) =>
      FastCheck.oneof(digits(2), FastCheck.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0")))
    FastCheck.assert(
      FastCheck.property(
        FastCheck.oneof(digits(4), FastCheck.constantFrom("0000", "1900", "2000", "2024", "2100", "9999")),
        part(13),
        part(32),
        part(24),
        part(60),
        part(61),
        digits(3),
        (year, month, day, hour, minute, second, fraction) => {
          const text = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction}Z`
          expect(Timestamp.parse(text), text).toBe(Timestamp.parse(text.replace("T", "t")))
        }
      ),
      { numRuns: 3000 }
    )
  })

  it("the shortcut's odd inputs: leap days and seconds, offsets, lower case, the ends of the range", () => {
    const cases: ReadonlyArray<readonly [string, string | undefined]> = [
      ["2024-02-29T00:00:00.000Z", "2024-02-29T00:00:00.000Z"],
      ["2000-02-29T12:00:00.000Z", "2000-02-29T12:00:00.000Z"],
      ["0000-02-29T00:00:00.000Z", "0000-02-29T00:00:00.000Z"],
      ["1900-02-29T00:00:00.000Z", undefined],
      ["2100-02-29T00:00:00.000Z", undefined],
      ["2025-02-29T00:00:00.000Z", undefined],
      ["2025-04-31T00:00:00.000Z", undefined],
      ["2025-12-32T00:00:00.000Z", undefined],
      ["2025-00-01T00:00:00.000Z", undefined],
      ["2025-13-01T00:00:00.000Z", undefined],
      ["2025-01-00T00:00:00.000Z", undefined],
      ["2025-01-01T24:00:00.000Z", undefined],
      ["2025-01-01T00:60:00.000Z", undefined],
      ["2025-01-01T00:00:61.000Z", undefined],
      ["2016-12-31T23:59:60.999Z", "2017-01-01T00:00:00.999Z"],
      ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
      ["9999-12-31T23:59:60.000Z", undefined],
      ["0000-01-01T00:00:00.000Z", "0000-01-01T00:00:00.000Z"],
      ["2025-11-12t21:50:51.207z", "2025-11-12T21:50:51.207Z"],
      ["2025-11-12T21:50:51.207z", "2025-11-12T21:50:51.207Z"],
      ["2025-11-12 21:50:51.207Z", "2025-11-12T21:50:51.207Z"],
      ["2025-11-12T22:50:51.207+01:00", "2025-11-12T21:50:51.207Z"],
      ["2025-11-12T21:50:51.2070Z", "2025-11-12T21:50:51.207Z"],
      ["2025-11-12T21:50:51.20Z", "2025-11-12T21:50:51.200Z"],
      ["2025-11-12T21:50:51:207Z", undefined],
      ["2025-11-12T21:50:51.207Y", undefined],
      ["+02025-11-12T21:50:51.20Z", undefined]
    ]
    for (const [text, iso] of cases) {
      const millis = Timestamp.parse(text)
      expect(millis === undefined ? undefined : new Date(millis).toISOString(), text).toBe(iso)
    }
  })

  it("decodes to DateTime.Utc values equal to DateTime.unsafeMake's in every way Effect and tests look, before and after formatting", () => {
    expect(Utc.isNative).toBe(true)
    for (const millis of [0, 1_763_000_000_000, -62_167_219_200_000]) {
      const ours = Utc.makeUtc(millis)
      const theirs = DateTime.unsafeMake(millis)
      expect(ours).toStrictEqual(theirs)
      expect(Object.keys(ours)).toEqual(Object.keys(theirs))
      expect({ ...ours }).toEqual({ ...theirs })
      expect(DateTime.isDateTime(ours) && DateTime.isUtc(ours)).toBe(true)
      // Effect's prototype, one step up: the parts cache starts there, not as an own property (see internal/utc.ts).
      expect(Object.getPrototypeOf(Object.getPrototypeOf(ours))).toBe(Object.getPrototypeOf(theirs))
      expect((ours as unknown as { partsUtc: unknown }).partsUtc).toBeUndefined()
      expect(String(ours)).toBe(String(theirs))
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs))
      expect(DateTime.formatIso(ours)).toBe(DateTime.formatIso(theirs))
      expect(DateTime.getPartUtc(ours, "year")).toBe(DateTime.getPartUtc(theirs, "year"))
      expect(Object.getOwnPropertyDescriptors(ours)).toEqual(Object.getOwnPropertyDescriptors(theirs))
      expect(Equal.equals(ours, theirs)).toBe(true)
      expect(Hash.hash(ours)).toBe(Hash.hash(theirs))
    }
    const event = Event.decodeSync(Fixtures.allEvents[0])
    expect(event.createdAt).toStrictEqual(DateTime.unsafeMake(Fixtures.allEvents[0]!.createdAt))
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
      expect(Timestamp.parse(DateTime.formatIso(DateTime.unsafeMake(millis!)))).toBe(millis)
    }
  })

  it("says which range a timestamp out of range is outside of; other bad text gets the plain message", () => {
    const message = (text: string) => {
      const result = Schema.decodeUnknownEither(Timestamp.Timestamp)(text)
      return Either.isLeft(result) ? result.left.message : "decoded"
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
    expect(DateTime.formatIso(DateTime.unsafeMake(millis))).toBe("0042-06-01T00:00:00.000Z")
  })
})
