/**
 * The compiler, node by node, called directly: what each node accepts, refuses (FAIL) or leaves to Effect Schema
 * (BAIL), what it does not compile at all, and which union members it tries. The decoders built at import time are
 * checked against Effect Schema in Decoder.test.ts; these pin the compiler's own contract.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { BAIL, compile, type Decode, FAIL, FastDecode, registerClass } from "../src/internal/compile.js"

/** The compiled form of a schema, in a list (the tests once ran two forms, and may again). */
const forms = (schema: Schema.Schema.Any): ReadonlyArray<Decode> => {
  const compiled = compile(schema.ast)
  assert(compiled !== undefined, "expected the schema to compile")
  return [compiled]
}

/** A node with a given fast decoder. */
const node = (decode: Decode) => Schema.Unknown.annotations({ [FastDecode]: decode })
const bails = node(() => BAIL)

/** A union member that records when it is tried. */
const recorded = (calls: Array<string>, name: string, fields: Schema.Struct.Fields) =>
  Schema.Struct(fields).annotations({ [FastDecode]: (u: unknown) => (calls.push(name), u) })

const others = ["x", 1, true, null, undefined, {}, [], Symbol.for("s")]

/** An input, readably, for a failure message (symbols and `undefined` included). */
const show = (u: unknown): string => {
  try {
    return typeof u === "object" && u !== null ? JSON.stringify(u) : String(u)
  } catch {
    return String(u)
  }
}

/**
 * Decodes each input with the compiled form and with Effect Schema: where Effect Schema succeeds, the compiled form
 * returns the same value (prototype, own keys in order, every value); where it fails, FAIL. BAIL (Effect Schema
 * decides) is accepted only for the inputs `mayBail` names.
 */
const agreesWithEffect = (
  schema: Schema.Schema.Any,
  inputs: ReadonlyArray<unknown>,
  mayBail: (u: unknown) => boolean = () => false
) => {
  const decode = compile(schema.ast)
  assert(decode !== undefined, "expected the schema to compile")
  const slow = Schema.decodeUnknownEither(schema as Schema.Schema<unknown>)
  for (const input of inputs) {
    const got = decode(input)
    const label = `${String(schema)} on ${show(input)}: ${show(got)}`
    if (got === BAIL && mayBail(input)) continue
    const expected = slow(input)
    if (Either.isLeft(expected)) {
      expect(got, label).toBe(FAIL)
    } else {
      expect(got, label).toStrictEqual(expected.right)
      if (typeof got === "object" && got !== null) {
        expect(Reflect.ownKeys(got), label).toEqual(Reflect.ownKeys(expected.right as object))
      }
    }
  }
}

/** Values of every JSON kind and a few that JSON cannot write. */
const values = ["x", "", "1", "a", 0, 1, -1.5, NaN, true, false, null, undefined, {}, [], { type: "a" }, ["x"]]

describe("compile: keywords and literals", () => {
  it("string, number and boolean accept their own type only; unknown and any accept everything", () => {
    for (const [schema, good] of [[Schema.String, "s"], [Schema.Number, 2], [Schema.Boolean, false]] as const) {
      const [decode] = forms(schema)
      expect(decode!(good)).toBe(good)
      for (const u of others) if (typeof u !== typeof good) expect(decode!(u), String(typeof u)).toBe(FAIL)
    }
    for (const schema of [Schema.Unknown, Schema.Any]) {
      const [decode] = forms(schema)
      for (const u of others) expect(decode!(u)).toBe(u)
    }
  })

  it("a literal accepts itself only", () => {
    const [decode] = forms(Schema.Literal("a"))
    expect(decode!("a")).toBe("a")
    expect(decode!("b")).toBe(FAIL)
    expect(forms(Schema.Literal(1))[0]!(1)).toBe(1)
    expect(forms(Schema.Literal(1))[0]!("1")).toBe(FAIL)
  })

  it("nodes outside its reach do not compile, nor does anything holding one", () => {
    for (
      const schema of [
        Schema.Undefined,
        Schema.BigIntFromSelf,
        Schema.Tuple(Schema.String),
        Schema.Array(Schema.Undefined),
        Schema.Struct({}),
        Schema.Struct({ a: Schema.Undefined }),
        Schema.Record({ key: Schema.SymbolFromSelf, value: Schema.String }),
        Schema.Record({ key: Schema.String, value: Schema.Undefined }),
        Schema.Union(Schema.String, Schema.Undefined),
        Schema.String.pipe(Schema.compose(Schema.Undefined as any)) as any,
        Schema.Undefined.pipe(Schema.filter(() => true)),
        Schema.Struct({ a: Schema.optionalWith(Schema.String, { default: () => "x" }) }),
        Schema.NumberFromString.pipe(Schema.compose(Schema.Undefined as any)) as any,
        Schema.transform(Schema.String, Schema.Undefined, { strict: false, decode: () => undefined, encode: () => "" }),
        Schema.transform(Schema.Undefined, Schema.String, { strict: false, decode: () => "", encode: () => undefined }),
        Schema.Struct({ a: Schema.optionalWith(Schema.String, { exact: true, default: () => "x" }) }),
        Schema.Tuple([Schema.String], Schema.Number),
        Schema.Tuple(),
        Schema.Struct(
          {},
          Schema.Record({ key: Schema.String, value: Schema.String }),
          Schema.Record({ key: Schema.TemplateLiteral("a", Schema.String), value: Schema.String })
        )
      ] as ReadonlyArray<Schema.Schema.Any>
    ) {
      expect(compile(schema.ast), String(schema)).toBeUndefined()
    }
  })
})

describe("compile: refinements, transformations, declarations", () => {
  it("a refinement checks its filter after its base", () => {
    const [decode] = forms(Schema.String.pipe(Schema.minLength(2)))
    expect(decode!("ab")).toBe("ab")
    expect(decode!("a")).toBe(FAIL)
    expect(decode!(12)).toBe(FAIL)
    expect(forms(bails.pipe(Schema.filter(() => true)))[0]!("x")).toBe(BAIL)
    // What the base could not settle is not handed to the filter.
    expect(forms(bails.pipe(Schema.filter((u) => typeof u === "string")))[0]!("x")).toBe(BAIL)
  })

  it("a transformation decodes from, transforms, decodes to; each outcome passes through", () => {
    const [decode] = forms(Schema.NumberFromString)
    expect(decode!("12")).toBe(12)
    expect(decode!("x")).toBe(FAIL)
    expect(decode!(12)).toBe(FAIL)
    const fromBails = Schema.transform(bails, Schema.String, { strict: false, decode: String, encode: String })
    expect(forms(fromBails)[0]!("x")).toBe(BAIL)
    const toBails = Schema.transform(Schema.String, bails, {
      strict: false,
      decode: (s) => s,
      encode: (s) => s as string
    })
    expect(forms(toBails)[0]!("x")).toBe(BAIL)
    const toFails = Schema.transform(Schema.String, Schema.Number, { strict: false, decode: (s) => s, encode: String })
    expect(forms(toFails)[0]!("x")).toBe(FAIL)
    const refused = Schema.transformOrFail(Schema.String, Schema.String, {
      strict: true,
      decode: (s, _, ast) => (s === "ok" ? ParseResult.succeed(s) : ParseResult.fail(new ParseResult.Type(ast, s))),
      encode: ParseResult.succeed
    })
    expect(forms(refused)[0]!("ok")).toBe("ok")
    expect(forms(refused)[0]!("no")).toBe(FAIL)
    // A transformation that needs Effect to run cannot be settled here.
    const effectful = Schema.transformOrFail(Schema.String, Schema.String, {
      strict: true,
      decode: (s) => Effect.succeed(s).pipe(Effect.delay("1 millis")),
      encode: ParseResult.succeed
    })
    expect(forms(effectful)[0]!("x")).toBe(BAIL)
  })

  it("a declaration is run as Effect Schema runs it, compiled once however often it is used", () => {
    let compiled = 0
    const declared = Schema.declare([], {
      decode: () => {
        compiled++
        return (u, _, ast) => (u === "d" ? ParseResult.succeed(u) : ParseResult.fail(new ParseResult.Type(ast, u)))
      },
      encode: () => ParseResult.succeed
    })
    const decode = compile(Schema.Struct({ a: declared, b: declared, c: Schema.Array(declared) }).ast)!
    expect(compiled).toBe(1)
    expect(decode({ a: "d", b: "d", c: ["d"] })).toEqual({ a: "d", b: "d", c: ["d"] })
    expect(decode({ a: "d", b: "e", c: [] })).toBe(FAIL)
    const effectful = Schema.declare([], {
      decode: () => (u) => Effect.succeed(u),
      encode: () => ParseResult.succeed
    })
    expect(compile(effectful.ast)!("x")).toBe(BAIL)
  })
})

describe("compile: arrays and structs", () => {
  it("an array decodes each item; with nothing to convert, it is the input itself", () => {
    for (const decode of forms(Schema.Array(Schema.Number))) {
      const input = [1, 2]
      const out = decode(input)
      expect(out).toEqual([1, 2])
      expect(out).toBe(input)
      expect(decode([])).toEqual([])
      expect(decode([1, "x"])).toBe(FAIL)
      expect(decode("12")).toBe(FAIL)
      expect(decode({ length: 0 })).toBe(FAIL)
    }
    expect(forms(Schema.Array(bails))[0]!([1])).toBe(BAIL)
  })

  it("a struct keeps its fields, drops others, leaves absent optional keys absent, and decodes absent required ones as undefined", () => {
    const schema = Schema.Struct({
      a: Schema.String,
      b: Schema.optionalWith(Schema.Number, { exact: true }),
      c: Schema.Unknown
    })
    for (const decode of forms(schema)) {
      const out = decode({ a: "x", extra: 1 }) as object
      expect(out).toEqual({ a: "x", c: undefined })
      expect(Object.keys(out)).toEqual(["a", "c"])
      expect(decode({ a: "x", b: 2, c: null })).toEqual({ a: "x", b: 2, c: null })
      expect(decode({ a: "x", b: "2" })).toBe(FAIL)
      expect(decode({ b: 2 })).toBe(FAIL)
      for (const u of [null, [], "x", 1, undefined]) expect(decode(u)).toBe(FAIL)
    }
    for (const decode of forms(Schema.Struct({ a: Schema.String, b: bails }))) {
      expect(decode({ a: "x", b: 1 })).toBe(BAIL)
      expect(decode({ a: 1, b: 1 })).toBe(FAIL)
    }
  })

  it("symbol keys and index signatures take the declared-order form, which handles them", () => {
    const key = Symbol.for("k")
    const withSymbol = compile(Schema.Struct({ [key]: Schema.String }).ast)!
    expect(withSymbol({ [key]: "v" })).toEqual({ [key]: "v" })
    expect(withSymbol({ [key]: 1 })).toBe(FAIL)
    const mixed = compile(Schema.Struct({ a: Schema.String, [key]: Schema.Number }).ast)!
    expect(mixed({ a: "x", [key]: 1 })).toEqual({ a: "x", [key]: 1 })
    expect(mixed({ a: "x", [key]: "1" })).toBe(FAIL)
  })

  it("a record decodes every own key; with fields beside it, those keep their own schema", () => {
    for (const decode of forms(Schema.Record({ key: Schema.String, value: Schema.Number }))) {
      expect(decode({ a: 1, b: 2 })).toEqual({ a: 1, b: 2 })
      expect(decode({ a: 1, b: "2" })).toBe(FAIL)
      expect(decode({})).toEqual({})
      expect(decode([])).toBe(FAIL)
    }
    expect(forms(Schema.Record({ key: Schema.String, value: bails }))[0]!({ a: 1 })).toBe(BAIL)
    const mixed = Schema.Struct({ a: Schema.Literal("x") }, Schema.Record({ key: Schema.String, value: Schema.String }))
    for (const decode of forms(mixed)) {
      expect(decode({ a: "x", b: "y" })).toEqual({ a: "x", b: "y" })
      expect(decode({ a: "y", b: "y" })).toBe(FAIL)
      expect(decode({ a: "x", b: 1 })).toBe(FAIL)
    }
    // A field keeps its own schema's output; the record's does not overwrite it.
    const transformed = Schema.Struct(
      { a: Schema.NumberFromString },
      Schema.Record({ key: Schema.String, value: Schema.String })
    )
    for (const decode of forms(transformed)) expect(decode({ a: "1", b: "2" })).toEqual({ a: 1, b: "2" })
  })
})

describe("compile: unions", () => {
  it("a union of literals, few or many, accepts exactly its members (never NaN)", () => {
    const few = forms(Schema.Literal("a", "b"))[0]!
    expect([few("a"), few("b"), few("c"), few(null)]).toEqual(["a", "b", FAIL, FAIL])
    const values = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] as const
    const many = forms(Schema.Literal(...values))[0]!
    for (const v of values) expect(many(v)).toBe(v)
    expect(many("k")).toBe(FAIL)
    const numbers = forms(Schema.Literal(NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9))[0]!
    expect(numbers(NaN)).toBe(FAIL)
    expect(numbers(9)).toBe(9)
    expect(forms(Schema.Literal(NaN, 1))[0]!(NaN)).toBe(FAIL)
  })

  it("exactly one member succeeding is the answer; none is FAIL; two, or a member that bails, is BAIL", () => {
    const decode = forms(Schema.Union(Schema.String, Schema.Number))[0]!
    expect(decode("x")).toBe("x")
    expect(decode(1)).toBe(1)
    expect(decode(true)).toBe(FAIL)
    expect(forms(Schema.Union(Schema.Number, Schema.String))[0]!("x")).toBe("x")
    expect(forms(Schema.Union(Schema.Unknown, Schema.String))[0]!("x")).toBe(BAIL)
    expect(forms(Schema.Union(Schema.String, bails))[0]!(1)).toBe(BAIL)
    expect(forms(Schema.Union(bails, Schema.String))[0]!(1)).toBe(BAIL)
    expect(forms(Schema.Union(Schema.String, Schema.Number, Schema.Boolean))[0]!(false)).toBe(false)
  })

  it("a literal member is answered alone unless another member accepts it too", () => {
    let tried = 0
    const counted = node((u) => (tried++, typeof u === "string" ? u : FAIL))
    const decode = forms(Schema.Union(Schema.Null, counted))[0]!
    tried = 0
    expect(decode(null)).toBe(null)
    expect(tried).toBe(0)
    expect(decode("x")).toBe("x")
    expect(tried).toBe(1)
    expect(forms(Schema.Union(Schema.Literal("a"), Schema.String))[0]!("a")).toBe(BAIL)
    expect(forms(Schema.Union(Schema.Literal("a"), Schema.String))[0]!("b")).toBe("b")
  })

  it("dispatches on the key whose literals tell most members apart; members without it are tried when they may match", () => {
    const calls: Array<string> = []
    const decode = compile(
      Schema.Union(
        recorded(calls, "a", { object: Schema.Literal("e"), type: Schema.Literal("a") }),
        recorded(calls, "b1", { object: Schema.Literal("e"), type: Schema.Literal("b") }),
        recorded(calls, "b2", { object: Schema.Literal("e"), type: Schema.Literal("b") }),
        recorded(calls, "any", { object: Schema.Literal("e") })
      ).ast
    )!
    const tried = (u: unknown) => {
      calls.length = 0
      decode(u)
      return [...calls]
    }
    expect(tried({ object: "e", type: "a" })).toEqual(["a", "any"])
    // Two members succeed: that is enough to leave the input to Effect Schema.
    expect(tried({ object: "e", type: "b" })).toEqual(["b1", "b2"])
    expect(tried({ object: "e", type: "z" })).toEqual(["any"])
    expect(tried({ object: "e" })).toEqual(["any"])
    expect(tried("e")).toEqual(["any"])
    expect(tried(null)).toEqual(["any"])
  })

  it("of two keys with as many values, dispatches on the one more members carry", () => {
    const calls: Array<string> = []
    const decode = compile(
      Schema.Union(
        recorded(calls, "A", { k1: Schema.Literal("a"), k2: Schema.Literal("p") }),
        recorded(calls, "B", { k1: Schema.Literal("b"), k2: Schema.Literal("q") }),
        recorded(calls, "C", { k2: Schema.Literal("q") })
      ).ast
    )!
    calls.length = 0
    decode({ k1: "a", k2: "q" })
    expect(calls).toEqual(["B", "C"])
  })

  it("of two keys with as many values, the choice does not depend on their order", () => {
    const calls: Array<string> = []
    const decode = compile(
      Schema.Union(
        recorded(calls, "A", { k2: Schema.Literal("p"), k1: Schema.Literal("a") }),
        recorded(calls, "B", { k2: Schema.Literal("q"), k1: Schema.Literal("b") }),
        recorded(calls, "C", { k2: Schema.Literal("q") })
      ).ast
    )!
    calls.length = 0
    decode({ k1: "a", k2: "q" })
    expect(calls).toEqual(["B", "C"])
  })

  it("a member without the dispatch literal, however wrapped, is tried only for values its field accepts", () => {
    const calls: Array<string> = []
    const known = new Set(["a"])
    const other = Schema.String.pipe(Schema.filter((t) => !known.has(t)))
    const any = recorded(calls, "any", { type: other })
    for (
      const member of [
        any,
        any.pipe(Schema.filter(() => true)),
        Schema.transform(any, Schema.Struct({ type: Schema.String }), {
          strict: false,
          decode: (u) => u,
          encode: (u) => u
        })
      ] as ReadonlyArray<Schema.Schema.Any>
    ) {
      const decode = compile(Schema.Union(recorded(calls, "a", { type: Schema.Literal("a") }), member).ast)!
      calls.length = 0
      decode({ type: "a" })
      expect(calls).toEqual(["a"])
      calls.length = 0
      decode({ type: "z" })
      expect(calls).toEqual(["any"])
    }
    // A member whose struct lacks the key entirely, or that is no struct, stays a candidate for every value.
    const lacking = compile(
      Schema.Union(
        recorded(calls, "a", { type: Schema.Literal("a") }),
        node(() => (calls.push("no struct"), FAIL)),
        recorded(calls, "none", { other: Schema.String })
      )
        .ast
    )!
    calls.length = 0
    lacking({ type: "a", other: "x" })
    expect(calls).toEqual(["a", "no struct", "none"])
  })

  it("a member without the dispatch literal is skipped for values its own field refuses, through classes and filters", () => {
    const calls: Array<string> = []
    const known = new Set(["a", "b"])
    const other = Schema.String.pipe(Schema.filter((t) => !known.has(t)))
    class Other extends Schema.Class<Other>("Other")({ type: other }) {}
    const filtered = Schema.Struct({ type: other }).pipe(Schema.filter(() => true))
    for (const unknownMember of [Schema.Struct({ type: other }), Other, filtered] as ReadonlyArray<Schema.Schema.Any>) {
      const decode = compile(
        Schema.Union(
          recorded(calls, "a", { type: Schema.Literal("a") }),
          recorded(calls, "b", { type: Schema.Literal("b") }),
          unknownMember
        ).ast
      )!
      calls.length = 0
      expect(decode({ type: "a" })).toEqual({ type: "a" })
      expect(calls).toEqual(["a"])
      const out = decode({ type: "z" }) as { type: string }
      expect(out.type).toBe("z")
      expect(calls).toEqual(["a"])
    }
  })
})

describe("registerClass: what counts as a constructor default", () => {
  class Target extends Schema.Class<Target>("Target")({
    a: Schema.optionalWith(Schema.String, { exact: true }),
    b: Schema.String
  }) {}

  it("a field with no schema (from JavaScript) has none; a decoding default on a transformed field has one", () => {
    registerClass({ ast: Target.ast, prototype: Target.prototype, fields: { a: {}, b: Target.fields.b } })
    expect(compile(Target.ast)!({ b: "x" })).toBeInstanceOf(Target)
    registerClass({
      ast: Target.ast,
      prototype: Target.prototype,
      fields: { a: Schema.optionalWith(Schema.String, { default: () => "d" }), b: Target.fields.b }
    })
    expect(compile(Target.ast)!({ b: "x" })).toBe(BAIL)
    expect(compile(Target.ast)!({ a: "y", b: "x" })).toBeInstanceOf(Target)
  })

  it("a registered class whose fields do not compile, or are not a plain struct, is not compiled", () => {
    class Unsupported extends Schema.Class<Unsupported>("Unsupported")({
      a: Schema.Undefined,
      b: Schema.String.pipe(Schema.propertySignature, Schema.withConstructorDefault(() => "d"))
    }) {}
    registerClass(Unsupported)
    expect(compile(Unsupported.ast)).toBeUndefined()
    class Transformed extends Schema.Class<Transformed>("Transformed")({
      a: Schema.optionalWith(Schema.String, { exact: true, default: () => "d" })
    }) {}
    registerClass(Transformed)
    expect(compile(Transformed.ast)).toBeUndefined()
  })
})

describe("registerClass", () => {
  it("builds instances on the class's prototype and bails only for a missing field that has a constructor default", () => {
    class Plain extends Schema.Class<Plain>("Plain")({
      a: Schema.String,
      b: Schema.optionalWith(Schema.Number, { exact: true })
    }) {}
    registerClass(Plain)
    for (const decode of forms(Plain)) {
      const value = decode({ a: "x" })
      expect(value).toBeInstanceOf(Plain)
      expect(value).toStrictEqual(new Plain({ a: "x" }))
      expect(decode({ a: 1 })).toBe(FAIL)
      expect(decode(null)).toBe(FAIL)
    }
    class Defaulted extends Schema.Class<Defaulted>("Defaulted")({
      a: Schema.String,
      b: Schema.optionalWith(Schema.String, { exact: true }).pipe(Schema.withConstructorDefault(() => "d"))
    }) {}
    registerClass(Defaulted)
    for (const decode of forms(Defaulted)) {
      expect(decode({ a: "x" })).toBe(BAIL)
      expect(decode({ a: "x", b: "y" })).toStrictEqual(new Defaulted({ a: "x", b: "y" }))
      expect(decode({ a: 1, b: "y" })).toBe(FAIL)
    }
  })
})

describe("compile: structs read in the input's key order", () => {
  const slowly = (schema: Schema.Schema.Any, u: unknown) =>
    Schema.decodeUnknownSync(schema as Schema.Schema<unknown>)(u)
  const Inner = Schema.Struct({ x: Schema.String, at: Schema.NumberFromString })
  const Outer = Schema.Struct({
    a: Schema.String,
    b: Schema.optionalWith(Schema.NullOr(Schema.Number), { exact: true }),
    inner: Inner,
    c: Schema.NullOr(Schema.String)
  })
  // Compiled inside each test, never while the file is collected: a compiler that throws then fails the tests that
  // use it (under mutation testing, a file that fails to load counts as no test failing).
  const decode = (u: unknown) => forms(Outer)[0]!(u)

  it("builds the output in the declared order, whatever the input's order, and drops extra keys", () => {
    for (
      const input of [
        { c: null, inner: { at: "1", x: "y" }, a: "x" },
        { a: "x", extra: 1, inner: { x: "y", extra: [], at: "1" }, c: "z", b: 2 },
        { b: null, a: "x", inner: { x: "y", at: "1" }, c: null, z: {} }
      ]
    ) {
      const out = decode(input) as object
      expect(out).toStrictEqual(slowly(Outer, input))
      expect(Reflect.ownKeys(out)).toEqual(Reflect.ownKeys(slowly(Outer, input) as object))
      expect(Reflect.ownKeys((out as any).inner)).toEqual(["x", "at"])
    }
  })

  it("fields of a plain keyword or NullOr of one, checked inline, accept what Effect Schema accepts and nothing else", () => {
    const Plain = Schema.Struct({
      s: Schema.String,
      n: Schema.Number,
      b: Schema.Boolean,
      u: Schema.Unknown,
      ns: Schema.NullOr(Schema.String),
      nn: Schema.NullOr(Schema.Number)
    })
    const plain = compile(Plain.ast)!
    const good = { s: "s", n: 1, b: true, u: 0, ns: null, nn: null }
    for (const field of Object.keys(good)) {
      for (const value of [...others, 0, "", false, "1"]) {
        // In the declared order and out of it (a field read first), as a server may send them.
        for (const input of [{ ...good, [field]: value }, { [field]: value, ...good, [field]: value }]) {
          const expected = Schema.decodeUnknownEither(Plain)(input)
          const got = plain(input)
          if (expected._tag === "Left") expect(got, `${field}: ${String(value)}`).toBe(FAIL)
          else expect(got, `${field}: ${String(value)}`).toStrictEqual(expected.right)
        }
      }
    }
  })

  it("returns an input with nothing to convert, extra or out of order as it is, and copies one with a converted field", () => {
    const plain = { x: "y", z: null }
    const asIs = compile(Schema.Struct({ x: Schema.String, z: Schema.Null }).ast)!
    expect(asIs(plain)).toBe(plain)
    const input = { a: "x", inner: { x: "y", at: "2" }, c: null }
    const snapshot = structuredClone(input)
    const out = decode(input) as any
    expect(out).not.toBe(input)
    expect(out.inner).not.toBe(input.inner)
    expect(out).toStrictEqual({ a: "x", inner: { x: "y", at: 2 }, c: null })
    // The input is never written to.
    expect(input).toStrictEqual(snapshot)
    // Many structs that copy (more than the copy sites set aside for them) still copy correctly.
    for (let n = 0; n < 40; n++) {
      const schema = Schema.Struct({ [`k${n}`]: Schema.NumberFromString, other: Schema.String })
      expect(compile(schema.ast)!({ [`k${n}`]: "1", other: "o" })).toStrictEqual({ [`k${n}`]: 1, other: "o" })
    }
  })

  it("an input that is not a plain object is decoded as Effect Schema decodes it", () => {
    class Holder {
      a = "x"
      inner = { x: "y", at: "3" }
      c = null
    }
    const bare = Object.assign(Object.create(null), { a: "x", inner: { x: "y", at: "3" }, c: "c" })
    for (const input of [new Holder(), bare]) {
      const out = decode(input)
      expect(out).toStrictEqual(slowly(Outer, input))
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    }
  })

  it("keys that for…in does not list as own are decided as Effect Schema decides them", () => {
    // A non-enumerable own key is read, required or optional.
    const hidden = { inner: { x: "y", at: "1" }, c: null }
    Object.defineProperty(hidden, "a", { value: "x", enumerable: false })
    Object.defineProperty(hidden, "b", { value: 5, enumerable: false })
    expect(decode(hidden)).toStrictEqual(slowly(Outer, hidden))
    expect((decode(hidden) as any).b).toBe(5)
    // Every required key listed, and an optional one own but not listed: read too.
    const optionalHidden = { a: "x", inner: { x: "y", at: "1" }, c: null }
    Object.defineProperty(optionalHidden, "b", { value: 5, enumerable: false })
    expect(decode(optionalHidden)).toStrictEqual(slowly(Outer, optionalHidden))
    expect((decode(optionalHidden) as any).b).toBe(5)
    // Several optional fields, one listed and one own but not listed, in either place.
    const Optionals = Schema.Struct({
      p: Schema.optionalWith(Schema.Number, { exact: true }),
      q: Schema.String,
      r: Schema.optionalWith(Schema.Number, { exact: true })
    })
    const optionals = compile(Optionals.ast)!
    for (const [listed, unlisted] of [["p", "r"], ["r", "p"]] as const) {
      const input: Record<string, unknown> = { q: "q", [listed]: 1 }
      Object.defineProperty(input, unlisted, { value: 2, enumerable: false })
      expect(optionals(input), unlisted).toStrictEqual(slowly(Optionals, input))
      expect((optionals(input) as any)[unlisted], unlisted).toBe(2)
    }
    // An enumerable key inherited from a polluted Object.prototype: an optional field skips it, as Effect Schema does.
    const pollute = Object.prototype as any
    pollute.b = 7
    try {
      const input = { a: "x", inner: { x: "y", at: "1" }, c: null }
      expect(decode(input)).toStrictEqual(slowly(Outer, input))
      expect(Object.hasOwn(decode(input) as object, "b")).toBe(false)
      // Inherited beside an own optional key that comes first.
      const Optionals = Schema.Struct({
        p: Schema.optionalWith(Schema.Number, { exact: true }),
        b: Schema.optionalWith(Schema.Number, { exact: true })
      })
      const withOwn = { p: 1 }
      expect(compile(Optionals.ast)!(withOwn)).toStrictEqual(slowly(Optionals, withOwn))
      expect(Object.hasOwn(compile(Optionals.ast)!(withOwn) as object, "b")).toBe(false)
    } finally {
      delete pollute.b
    }
  })

  it("an input whose getter throws leaves nothing behind: the next decode is exact", () => {
    const throwing = {
      a: "x",
      inner: {
        x: "y",
        get at(): string {
          throw new Error("boom")
        }
      },
      c: null
    }
    expect(() => decode(throwing)).toThrow("boom")
    const input = { a: "x", b: 1, inner: { x: "y", at: "4" }, c: "c" }
    expect(decode(input)).toStrictEqual({ a: "x", b: 1, inner: { x: "y", at: 4 }, c: "c" })
  })

  it("a required key missing takes the declared-order form: undefined for what accepts it, FAIL otherwise", () => {
    const loose = compile(Schema.Struct({ a: Schema.String, u: Schema.Unknown, d: Schema.NumberFromString }).ast)!
    const out = loose({ a: "x", d: "1" }) as object
    expect(out).toStrictEqual({ a: "x", u: undefined, d: 1 })
    expect(Reflect.ownKeys(out)).toEqual(["a", "u", "d"])
    expect(decode({ inner: { x: "y", at: "1" }, c: null })).toBe(FAIL)
  })
})

describe("compile: arrays", () => {
  it("an array of items that decode to themselves is the input; one with converted items is a copy holding them", () => {
    const [strings] = forms(Schema.Array(Schema.String))
    const input = ["a", "b"]
    expect(strings!(input)).toBe(input)
    const [numbers] = forms(Schema.Array(Schema.NumberFromString))
    const text = ["1", "2", "3"]
    expect(numbers!(text)).toStrictEqual([1, 2, 3])
    expect(text).toEqual(["1", "2", "3"])
    expect(numbers!(["1", 2])).toBe(FAIL)
  })

  it("an array of another class, or with holes where items accept undefined, is decoded as Effect Schema decodes it", () => {
    class Strings extends Array<string> {}
    const input = Strings.from(["a", "b"])
    const out = forms(Schema.Array(Schema.String))[0]!(input)
    expect(out).toStrictEqual(Schema.decodeUnknownSync(Schema.Array(Schema.String))(input))
    expect(Object.getPrototypeOf(out)).toBe(Array.prototype)
    // eslint-disable-next-line no-sparse-arrays
    const holey = [, 1]
    const unknowns = forms(Schema.Array(Schema.Unknown))[0]!(holey) as Array<unknown>
    expect(unknowns).toStrictEqual(Schema.decodeUnknownSync(Schema.Array(Schema.Unknown))(holey))
    expect(0 in unknowns).toBe(true)
  })
})

describe("compile: no code generation", () => {
  it("compiles and decodes with Function and eval unavailable, as under a content security policy", () => {
    const global = globalThis as any
    const saved = { Function: global.Function, eval: global.eval }
    let attempts = 0
    const refuse = () => {
      attempts++
      throw new EvalError("code generation from strings disallowed")
    }
    global.Function = refuse
    global.eval = refuse
    try {
      const schema = Schema.Struct({ a: Schema.String, at: Schema.NumberFromString, list: Schema.Array(Schema.String) })
      const decode = compile(schema.ast)!
      expect(decode({ a: "x", at: "1", list: ["y"] })).toStrictEqual({ a: "x", at: 1, list: ["y"] })
      // Not even tried: under a policy, a refused attempt is still reported as a violation.
      expect(attempts).toBe(0)
    } finally {
      global.Function = saved.Function
      global.eval = saved.eval
    }
  })
})

describe("compile: crafted inputs, against Effect Schema", () => {
  it("a struct field of a union, with null or without, is checked as Effect Schema checks it, in and out of order", () => {
    const fields: ReadonlyArray<Schema.Schema.Any> = [
      Schema.NullOr(Schema.String),
      Schema.NullOr(Schema.Number),
      Schema.Union(Schema.Null, Schema.String),
      Schema.Union(Schema.Null, Schema.Number),
      Schema.NullOr(Schema.Boolean),
      Schema.NullOr(Schema.Literal("a")),
      Schema.NullOr(Schema.Unknown),
      Schema.Union(Schema.Null, Schema.String, Schema.Number),
      Schema.Union(Schema.String, Schema.Null, Schema.Number),
      Schema.Union(Schema.String, Schema.Number),
      Schema.Union(Schema.Number, Schema.String),
      Schema.Union(Schema.Literal("a"), Schema.Number),
      Schema.Union(Schema.Number, Schema.Literal("a")),
      Schema.Union(Schema.Literal(1), Schema.String),
      Schema.Union(Schema.String, Schema.Literal(1)),
      Schema.Literal("a", "b")
    ]
    for (const field of fields) {
      const inputs = values.flatMap((v) => [{ f: v, g: "g" }, { g: "g", f: v }])
      // Both members accept null: Effect Schema picks one, the fast path leaves it to it.
      const both = String(field) === String(Schema.NullOr(Schema.Unknown))
      agreesWithEffect(Schema.Struct({ f: field, g: Schema.String }), [...inputs, { g: "g" }], () => both)
    }
  })

  it("a union of three with null answers null alone, and every other value by its members", () => {
    for (
      const schema of [
        Schema.Union(Schema.Null, Schema.String, Schema.Number),
        Schema.Union(Schema.String, Schema.Null, Schema.Number),
        Schema.Union(Schema.String, Schema.Number, Schema.Null),
        Schema.Union(Schema.String, Schema.Number),
        Schema.Union(Schema.Literal("a"), Schema.Number, Schema.Null)
      ]
    ) {
      agreesWithEffect(schema, values)
    }
    let tried = 0
    const counted = (type: "string" | "number") => node((u) => (tried++, typeof u === type ? u : FAIL))
    const decode = compile(Schema.Union(Schema.Null, counted("string"), counted("number")).ast)!
    tried = 0
    expect(decode(null)).toBe(null)
    expect(tried).toBe(0)
    expect(decode(1)).toBe(1)
    expect(tried).toBe(2)
  })

  it("a union that lists a literal twice (Schema.Literal keeps both) answers it, as Effect Schema does", () => {
    expect(Schema.Literal("a", "a").ast._tag).toBe("Union")
    agreesWithEffect(Schema.Literal("a", "a"), values)
    agreesWithEffect(Schema.Literal("a", "b", "c", "d", "e", "f", "g", "h", "i", "a"), values)
  })

  it("a member without the dispatch literal is tried when the member with it fails", () => {
    const schema = Schema.Union(
      Schema.Struct({ type: Schema.Literal("a"), n: Schema.Number }),
      Schema.Struct({ type: Schema.String })
    )
    // { type: "a", n: 1 }: both members accept it, and Effect Schema decides.
    const both = (u: unknown) => (u as { n?: unknown }).n === 1 && (u as { type?: unknown }).type === "a"
    agreesWithEffect(schema, [{ type: "a", n: 1 }, { type: "a", n: "x" }, { type: "a" }, { type: "b" }, { n: 1 }], both)
  })

  it("a literal member is tried only for its own value, never for an object", () => {
    const calls: Array<string> = []
    const literal = Schema.Literal("x").annotations({
      [FastDecode]: (u: unknown) => (calls.push("x"), u === "x" ? u : FAIL)
    })
    const member = (type: string) =>
      Schema.Struct({ type: Schema.Literal(type) }).annotations({
        [FastDecode]: (u: unknown) => (calls.push(type), (u as { type?: unknown } | null)?.type === type ? u : FAIL)
      })
    const decode = compile(Schema.Union(member("a"), member("b"), literal).ast)!
    calls.length = 0
    expect(decode({ type: "a" })).toEqual({ type: "a" })
    expect(calls).toEqual(["a"])
    calls.length = 0
    expect(decode("x")).toBe("x")
    expect(calls).toEqual(["x"])
  })

  it("dispatches on the key with more values even when another key is carried by more members", () => {
    const calls: Array<string> = []
    const decode = compile(
      Schema.Union(
        recorded(calls, "A", { k1: Schema.Literal("a"), k2: Schema.Literal("x") }),
        recorded(calls, "B", { k1: Schema.Literal("b"), k2: Schema.Literal("x") }),
        recorded(calls, "C", { k1: Schema.Literal("c"), k2: Schema.Literal("y") }),
        recorded(calls, "D", { k2: Schema.Literal("y") })
      ).ast
    )!
    calls.length = 0
    decode({ k1: "a", k2: "x" })
    // k1 (three values) is the key: A, and D, which has no k1 literal.
    expect(calls).toEqual(["A", "D"])
  })

  it("an input that is not an object fails a struct of symbol keys and a record", () => {
    const key = Symbol.for("k")
    agreesWithEffect(Schema.Struct({ [key]: Schema.Unknown }), [...values, "ab", { [key]: 1 }])
    agreesWithEffect(Schema.Record({ key: Schema.String, value: Schema.String }), [...values, "ab", { a: "b" }])
  })

  it("a refinement's filter sees only what its base accepted", () => {
    // The filter would throw on anything but a string.
    const startsWithA = Schema.String.pipe(Schema.filter((s) => s.startsWith("a")))
    agreesWithEffect(startsWithA, values)
  })

  it("a transformation whose step fails is FAIL, even when its target would decode anything", () => {
    // A declaration may convert anything, even what is not a value of the step's output.
    const anyToString = Schema.declare([], {
      decode: () => (u) => ParseResult.succeed(String(u)),
      encode: () => ParseResult.succeed
    })
    const refused = Schema.transformOrFail(Schema.String, anyToString, {
      strict: false,
      decode: (s, _, ast) => (s === "ok" ? ParseResult.succeed(s) : ParseResult.fail(new ParseResult.Type(ast, s))),
      encode: ParseResult.succeed
    })
    agreesWithEffect(refused, ["ok", "no", 1])
    expect(compile(refused.ast)!("no")).toBe(FAIL)
  })

  it("an array decoded item by item (another class, or items that accept undefined) fails on an item that fails", () => {
    class Strings extends Array<unknown> {}
    const strings = compile(Schema.Array(Schema.String).ast)!
    expect(strings(Strings.from(["a", 1]))).toBe(FAIL)
    expect(strings(Strings.from(["a", "b"]))).toStrictEqual(["a", "b"])
    const notOne = node((u) => (u === 1 ? FAIL : u))
    const decode = compile(Schema.Array(notOne).ast)!
    expect(decode([undefined, 2])).toStrictEqual([undefined, 2])
    expect(decode([undefined, 1])).toBe(FAIL)
  })

  it("an array whose item bails, where items refuse undefined, bails", () => {
    const decode = compile(Schema.Array(Schema.Struct({ a: Schema.String, b: bails })).ast)!
    expect(decode([{ a: "x", b: 1 }])).toBe(BAIL)
    expect(decode([{ a: 1, b: 1 }])).toBe(FAIL)
  })

  it("a struct of more fields than its masks hold is decoded as Effect Schema decodes it", () => {
    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, Schema.String]))
    const schema = Schema.Struct(fields)
    const full = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, `v${i}`]))
    const inputs = [full, ...[0, 1, 30, 31, 32, 33, 39].map((i) => ({ ...full, [`k${i}`]: undefined }))]
    for (const i of [0, 31, 32, 39]) {
      const { [`k${i}`]: _, ...missing } = full
      inputs.push(missing)
    }
    agreesWithEffect(schema, inputs)
  })

  it("an instance of another class, with nothing to convert, decodes to a plain object", () => {
    class Holder {
      a = "x"
      b = 1
    }
    const schema = Schema.Struct({ a: Schema.String, b: Schema.Number })
    agreesWithEffect(schema, [new Holder()])
    expect(Object.getPrototypeOf(compile(schema.ast)!(new Holder()))).toBe(Object.prototype)
  })

  it("the declared-order form builds a registered class's instances and passes a member's BAIL on", () => {
    class Registered extends Schema.Class<Registered>("Registered")({ a: Schema.String, b: Schema.Number }) {}
    registerClass(Registered)
    const bare = Object.assign(Object.create(null), { a: "x", b: 1 })
    const value = compile(Registered.ast)!(bare)
    expect(value).toBeInstanceOf(Registered)
    expect(value).toStrictEqual(Schema.decodeUnknownSync(Registered)(bare))
    const withBail = compile(Schema.Struct({ a: Schema.String, b: bails }).ast)!
    expect(withBail(Object.assign(Object.create(null), { a: "x", b: 1 }))).toBe(BAIL)
  })

  it("an input with nothing to convert is returned as it is, whichever optional keys it has", () => {
    const schema = Schema.Struct({
      p: Schema.optionalWith(Schema.String, { exact: true }),
      a: Schema.String,
      q: Schema.optionalWith(Schema.Number, { exact: true }),
      r: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true })
    })
    const decode = compile(schema.ast)!
    for (
      const input of [
        { a: "x" },
        { p: "p", a: "x" },
        { a: "x", q: 1 },
        { a: "x", r: null },
        { p: "p", a: "x", r: "r" },
        { a: "x", q: 2, r: "r" },
        { p: "p", a: "x", q: 3, r: null }
      ]
    ) {
      expect(decode(input), show(input)).toBe(input)
      expect(input).toStrictEqual(Schema.decodeUnknownSync(schema)(input))
    }
  })
})
