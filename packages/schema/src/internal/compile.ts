/**
 * A compiled fast path for decoding, exact by construction.
 *
 * Effect Schema's interpreter is general (effects, error trees, every option) and pays for it on every field. For
 * the plain JSON shapes our schemas use, this module compiles the schema's AST once into straight-line validators
 * that build the same output. The contract:
 *
 * - the fast path returns a value only when Effect Schema would return an equal value for that input;
 * - otherwise it returns `FAIL` (the input is invalid) or `BAIL` (it cannot tell), and the caller runs Effect
 *   Schema itself, which produces the result and the error message. The fast path never builds errors.
 *
 * Any AST node it does not fully understand makes `compile` return `undefined`, so the schema is decoded by
 * Effect Schema alone. The property tests in `test/Decoder.test.ts` compare both paths on generated and mutated
 * inputs.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as AST from "effect/SchemaAST"

/** The input is invalid: Effect Schema will fail on it too. */
export const FAIL: unique symbol = Symbol.for("@effect-exa/schema/FAIL") as any
/** The fast path cannot decide: let Effect Schema decode. */
export const BAIL: unique symbol = Symbol.for("@effect-exa/schema/BAIL") as any

/**
 * An annotation holding a hand-written decoder for a node, used instead of compiling it. It must accept exactly
 * what the node accepts and return an equal value (or `FAIL`).
 */
export const FastDecode: unique symbol = Symbol.for("@effect-exa/schema/FastDecode") as any

/**
 * Classes whose instances the fast path may build itself: `Object.create(prototype)` filled with the decoded
 * fields, which is what `new Class(fields, true)` does for a `Schema.Class` that declares no constructor of its own
 * (its constructor copies the fields, fills constructor defaults, and `Data.Class` assigns them). Registered by
 * the modules that define such classes; keyed by the class's AST, so an annotated copy is not affected.
 */
const classes = new WeakMap<AST.AST, { readonly prototype: object; readonly defaults: ReadonlyArray<string> }>()

/**
 * Lets the fast path build instances of a `Schema.Class` that has no constructor, field initialisers or
 * accessors of its own. Fields with a constructor default must be present in the input, else the fast path bails.
 */
export const registerClass = (klass: {
  readonly ast: AST.AST
  readonly prototype: object
  readonly fields: Readonly<Record<string, unknown>>
}): void => {
  const defaults = Object.keys(klass.fields).filter((key) => {
    const field = klass.fields[key] as { readonly ast?: unknown } | undefined
    const ast = field?.ast as
      | { readonly _tag?: string; readonly defaultValue?: unknown; readonly to?: { readonly defaultValue?: unknown } }
      | undefined
    if (ast === undefined) return false
    const value = ast._tag === "PropertySignatureDeclaration" ? ast.defaultValue : ast.to?.defaultValue
    return value !== undefined
  })
  classes.set(klass.ast, { prototype: klass.prototype, defaults })
}

export type Outcome = unknown
export type Decode = (input: unknown) => Outcome

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const hasOwn = (u: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(u, key)

const options = AST.defaultParseOption

/** Compiles a schema AST for decoding, or `undefined` when some node is outside what the fast path handles. */
export const compile = (ast: AST.AST, options: { readonly codegen?: boolean } = {}): Decode | undefined => {
  const cache = new Map<AST.AST, Decode | undefined>()
  const codegen = options.codegen ?? true
  const go = (ast: AST.AST): Decode | undefined => {
    if (cache.has(ast)) return cache.get(ast)
    const out = build(ast, go, codegen)
    cache.set(ast, out)
    return out
  }
  return go(ast)
}

const build = (ast: AST.AST, go: (ast: AST.AST) => Decode | undefined, codegen: boolean): Decode | undefined => {
  // Parse options set on a node (`onExcessProperty`, `exact`, …) change what it accepts: the fast path only stands
  // in for the defaults, so such a schema is left to Effect Schema.
  if (ast.annotations[AST.ParseOptionsAnnotationId] !== undefined) return undefined
  const custom = ast.annotations[FastDecode]
  if (typeof custom === "function") return custom as Decode
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => (typeof u === "string" ? u : FAIL)
    case "NumberKeyword":
      return (u) => (typeof u === "number" ? u : FAIL)
    case "BooleanKeyword":
      return (u) => (typeof u === "boolean" ? u : FAIL)
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "Literal": {
      const literal = ast.literal
      return (u) => (u === literal ? u : FAIL)
    }
    case "Refinement": {
      const from = go(ast.from)
      if (from === undefined) return undefined
      const filter = ast.filter
      return (u) => {
        const a = from(u)
        if (a === FAIL || a === BAIL) return a
        return Option.isNone(filter(a, options, ast)) ? a : FAIL
      }
    }
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      return (u) => settle(parse(u, options, ast))
    }
    case "Transformation": {
      const klass = classes.get(ast)
      if (klass !== undefined && ast.from._tag === "TypeLiteral") {
        const fields = typeLiteral(ast.from, go, codegen, klass.prototype)
        if (fields === undefined) return undefined
        const defaults = klass.defaults
        if (defaults.length === 0) return fields
        return (u) => {
          const a = fields(u)
          if (a === FAIL || a === BAIL) return a
          // A missing field with a constructor default: the constructor would fill it in; let Effect Schema do it.
          for (let i = 0; i < defaults.length; i++) if ((a as any)[defaults[i]!] === undefined) return BAIL
          return a
        }
      }
      const from = go(ast.from)
      const to = go(ast.to)
      if (from === undefined || to === undefined) return undefined
      if (ast.transformation._tag !== "FinalTransformation") return undefined
      const transform = ast.transformation.decode
      return (u) => {
        const a = from(u)
        if (a === FAIL || a === BAIL) return a
        const b = settle(transform(a, options, ast, u))
        if (b === FAIL || b === BAIL) return b
        return to(b)
      }
    }
    case "TupleType": {
      // Only `Array<T>`: no fixed elements, one rest element.
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return undefined
      const item = go(ast.rest[0]!.type)
      if (item === undefined) return undefined
      return (u) => {
        if (!Array.isArray(u)) return FAIL
        const out = new Array(u.length)
        for (let i = 0; i < u.length; i++) {
          const a = item(u[i])
          if (a === FAIL || a === BAIL) return a
          out[i] = a
        }
        return out
      }
    }
    case "TypeLiteral":
      return typeLiteral(ast, go, codegen)
    case "Union":
      return union(ast, go)
    default:
      return undefined
  }
}

// Effect Schema parsers return an `Either` when they are synchronous; anything else is for Effect to run.
const settle = (result: unknown): Outcome => {
  if (!Either.isEither(result)) return BAIL
  return Either.isRight(result) ? result.right : FAIL
}

// `prototype`: build the output on it (a registered class) rather than on a plain object.
const typeLiteral = (
  ast: AST.TypeLiteral,
  go: (ast: AST.AST) => Decode | undefined,
  codegen: boolean,
  prototype?: object
): Decode | undefined => {
  // An empty struct means "not nullish" to Effect Schema; not used here.
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) return undefined
  const names: Array<PropertyKey> = []
  const optional: Array<boolean> = []
  const decoders: Array<Decode> = []
  for (const ps of ast.propertySignatures) {
    const decode = go(ps.type)
    if (decode === undefined) return undefined
    names.push(ps.name)
    optional.push(ps.isOptional)
    decoders.push(decode)
  }
  if (ast.indexSignatures.length > 1) return undefined
  let index: { readonly decode: Decode } | undefined
  if (ast.indexSignatures.length === 1) {
    const signature = ast.indexSignatures[0]!
    // Only string keys (`Record<string, T>`), whose keys are `Object.keys` of the input.
    if (signature.parameter._tag !== "StringKeyword") return undefined
    const decode = go(signature.type)
    if (decode === undefined) return undefined
    index = { decode }
  }
  const expected = new Set(names)
  return (codegen ? generated(names, optional, decoders, index, prototype) : undefined) ??
    interpreted(names, optional, decoders, index, expected, prototype)
}

// A struct decoder as straight-line code with constant property names: V8 then keeps one hidden class per struct
// and monomorphic property access, which a loop over names cannot get. Where code generation is not allowed
// (a content security policy, some edge runtimes), `interpreted` does the same work.
const generated = (
  names: ReadonlyArray<PropertyKey>,
  optional: ReadonlyArray<boolean>,
  decoders: ReadonlyArray<Decode>,
  index: { readonly decode: Decode } | undefined,
  prototype: object | undefined
): Decode | undefined => {
  if (index !== undefined || !names.every((name) => typeof name === "string")) return undefined
  const lines: Array<string> = [
    // Strict, so that a mistake in this generator (an undeclared variable) fails loudly rather than writing a global.
    "\"use strict\"",
    "return function decodeStruct(u) {",
    "if (typeof u !== 'object' || u === null || Array.isArray(u)) return FAIL",
    prototype === undefined ? "const out = {}" : "const out = Object.create(proto)",
    "let a"
  ]
  names.forEach((name, i) => {
    const key = JSON.stringify(name)
    const read = `a = d[${i}](u[${key}]); if (a === FAIL || a === BAIL) return a; out[${key}] = a`
    // A missing required key is decoded as `undefined`, as Effect Schema does outside `exact` mode.
    lines.push(optional[i] ? `if (hasOwn.call(u, ${key})) { ${read} }` : read)
  })
  lines.push("return out", "}")
  try {
    return new Function("d", "FAIL", "BAIL", "hasOwn", "proto", lines.join("\n"))(
      decoders,
      FAIL,
      BAIL,
      Object.prototype.hasOwnProperty,
      prototype
    ) as Decode
  } catch {
    return undefined
  }
}

const interpreted = (
  names: ReadonlyArray<PropertyKey>,
  optional: ReadonlyArray<boolean>,
  decoders: ReadonlyArray<Decode>,
  index: { readonly decode: Decode } | undefined,
  expected: ReadonlySet<PropertyKey>,
  prototype: object | undefined
): Decode => {
  const count = names.length
  return (u) => {
    if (!isRecord(u)) return FAIL
    const out: Record<PropertyKey, unknown> = prototype === undefined ? {} : Object.create(prototype)
    for (let i = 0; i < count; i++) {
      const name = names[i]!
      // A missing required key is decoded as `undefined`, as Effect Schema does outside `exact` mode.
      if (optional[i] && !hasOwn(u, name)) continue
      const a = decoders[i]!(u[name])
      if (a === FAIL || a === BAIL) return a
      out[name] = a
    }
    if (index !== undefined) {
      for (const key of Object.keys(u)) {
        const a = index.decode(u[key])
        if (a === FAIL || a === BAIL) return a
        if (!expected.has(key)) out[key] = a
      }
    }
    return out
  }
}

// The required literal fields of a union member, read on its encoded side: a member whose literal does not match
// the input fails in Effect Schema too, so it need not be tried.
const literalsOf = (ast: AST.AST): Map<PropertyKey, unknown> => {
  const out = new Map<PropertyKey, unknown>()
  const encoded = AST.encodedAST(ast)
  if (encoded._tag === "TypeLiteral") {
    for (const ps of encoded.propertySignatures) {
      if (!ps.isOptional && ps.type._tag === "Literal") out.set(ps.name, ps.type.literal)
    }
  }
  return out
}

// The decoder of a member's property `key`, as that member reads it: through class and refinement wrappers down to
// its struct. Undefined when the member is not such a struct or lacks the key.
const propertyDecoder = (
  ast: AST.AST,
  key: PropertyKey,
  go: (ast: AST.AST) => Decode | undefined
): Decode | undefined => {
  switch (ast._tag) {
    case "Transformation":
    case "Refinement":
      return propertyDecoder(ast.from, key, go)
    case "TypeLiteral": {
      const ps = ast.propertySignatures.find((p) => p.name === key)
      return ps === undefined ? undefined : go(ps.type)
    }
    default:
      return undefined
  }
}

const union = (ast: AST.Union, go: (ast: AST.AST) => Decode | undefined): Decode | undefined => {
  const members = ast.types
  if (members.every((m) => m._tag === "Literal")) {
    const values = members.map((m) => (m as AST.Literal).literal)
    // A few values are compared with `===`, which for strings of another length costs nothing; hashing a fresh
    // string (out of `JSON.parse`) reads it in full. Many values: one hash beats many comparisons.
    if (values.length <= 8) {
      return (u) => {
        for (let i = 0; i < values.length; i++) if (u === values[i]) return u
        return FAIL
      }
    }
    const set = new Set(values)
    // `Set` finds NaN, which `===` (Effect Schema's test for a literal) never matches.
    return (u) => (set.has(u as any) && u === u ? u : FAIL)
  }
  const decoders: Array<Decode> = []
  for (const member of members) {
    const decode = go(member)
    if (decode === undefined) return undefined
    decoders.push(decode)
  }
  // Literal members (`null` in `NullOr(X)`): an input equal to one is decided against only the other members that
  // accept that literal, found now by running them on it; usually none, so `null` is answered at once.
  const literalMembers = new Map<unknown, ReadonlyArray<Decode>>()
  const others: Array<number> = []
  members.forEach((m, i) => {
    if (m._tag !== "Literal") others.push(i)
  })
  members.forEach((m, i) => {
    if (m._tag === "Literal") literalMembers.set(m.literal, [...(literalMembers.get(m.literal) ?? []), decoders[i]!])
  })
  for (const [literal, list] of literalMembers) {
    literalMembers.set(literal, [...list, ...others.filter((j) => decoders[j]!(literal) !== FAIL).map((j) => decoders[j]!)])
  }
  // Dispatch on the key whose literals tell most members apart: `type` for events, not `object`, which they all
  // share. Members without a literal for that key (the unknown event, whose `type` is any other string) are
  // candidates for every value, unless their own decoder for the key refuses it (below).
  const literals = members.map((m) => (m._tag === "Literal" ? new Map<PropertyKey, unknown>() : literalsOf(m)))
  let key: PropertyKey | undefined
  let distinct = 0
  let covered = 0
  for (const candidate of new Set(literals.flatMap((m) => [...m.keys()]))) {
    const having = literals.filter((m) => m.has(candidate))
    const values = new Set(having.map((m) => m.get(candidate))).size
    if (values > distinct || (values === distinct && having.length > covered)) {
      key = candidate
      distinct = values
      covered = having.length
    }
  }
  const always: Array<Decode> = []
  const buckets = new Map<unknown, Array<Decode>>()
  for (const i of others) {
    if (key !== undefined && literals[i]!.has(key)) {
      const literal = literals[i]!.get(key)
      const bucket = buckets.get(literal)
      if (bucket === undefined) buckets.set(literal, [decoders[i]!])
      else bucket.push(decoders[i]!)
    } else {
      always.push(decoders[i]!)
    }
  }
  // A member without the literal is a candidate for a bucket's value only if its own decoder for the key accepts
  // that value (an unknown-event member refuses the known types): one that refuses it fails in Effect Schema too.
  if (key !== undefined) {
    for (const [literal, bucket] of buckets) {
      members.forEach((m, i) => {
        if (m._tag === "Literal" || literals[i]!.has(key)) return
        const property = propertyDecoder(m, key, go)
        if (property === undefined || property(literal) !== FAIL) bucket.push(decoders[i]!)
      })
    }
  }
  // Compared with `===`, not looked up in the Map: a Map hashes a string key, and a fresh string (just out of
  // `JSON.parse`) has no cached hash, so a 50 KB text would be read in full only to learn it is not `null`.
  const literalValues = [...literalMembers.keys()]
  const literalCandidates = [...literalMembers.values()]
  const candidatesOf = (u: unknown): ReadonlyArray<Decode> => {
    for (let i = 0; i < literalValues.length; i++) {
      if (u === literalValues[i]) return literalCandidates[i]!
    }
    if (key !== undefined && isRecord(u) && hasOwn(u, key)) return buckets.get(u[key]) ?? always
    return always
  }
  return (u) => {
    const candidates = candidatesOf(u)
    if (candidates.length === 1) return candidates[0]!(u)
    // Effect Schema returns the first member (in its own order) that succeeds. Rather than reproduce that order,
    // every candidate is tried: exactly one success is the answer; more than one, and Effect Schema decides.
    let result: Outcome = FAIL
    let found = false
    for (let i = 0; i < candidates.length; i++) {
      const a = candidates[i]!(u)
      if (a === BAIL) return BAIL
      if (a === FAIL) continue
      if (found) return BAIL
      result = a
      found = true
    }
    return result
  }
}
