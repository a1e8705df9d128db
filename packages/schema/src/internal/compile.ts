/**
 * A compiled fast path for decoding, exact by construction.
 *
 * Effect Schema's interpreter is general (effects, error trees, every option) and pays for it on every field. For
 * the plain JSON shapes our schemas use, this module compiles the schema's AST once into a tree of closures that
 * build the same output, without generating code (the package runs under content security policies). The contract:
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

/**
 * Compiles a schema AST for decoding, or `undefined` when some node is outside what the fast path handles.
 *
 * No code is generated (no `new Function`, no `eval`): the package runs in browsers and on edge runtimes whose
 * content security policy forbids it.
 */
export const compile = (ast: AST.AST): Decode | undefined => {
  const cache = new Map<AST.AST, Decode | undefined>()
  const go = (ast: AST.AST): Decode | undefined => {
    if (cache.has(ast)) return cache.get(ast)
    const out = build(ast, go)
    cache.set(ast, out)
    return out
  }
  const root = go(ast)
  if (root === undefined) return undefined
  // Structs keep the values they decode on a shared stack (see `struct`); whatever happens below, the stack is
  // left as it was found and holds no decoded value after the call.
  return (u) => {
    const base = top
    try {
      return root(u)
    } finally {
      release(base)
    }
  }
}

const build = (ast: AST.AST, go: (ast: AST.AST) => Decode | undefined): Decode | undefined => {
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
        const fields = typeLiteral(ast.from, go, klass.prototype)
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
      const itemByItem = (u: Array<unknown>): Outcome => {
        const out = new Array(u.length)
        for (let i = 0; i < u.length; i++) {
          const a = item(u[i])
          if (a === FAIL || a === BAIL) return a
          out[i] = a
        }
        return out
      }
      // An item that accepts `undefined` would accept a hole, which a copy by `slice` keeps as a hole.
      if (item(undefined) !== FAIL) return (u) => (Array.isArray(u) ? itemByItem(u) : FAIL)
      return (u) => {
        if (!Array.isArray(u)) return FAIL
        // `slice` on an array of another class builds one of that class (`Symbol.species`).
        if (Object.getPrototypeOf(u) !== Array.prototype) return itemByItem(u)
        // Items usually decode to themselves (strings, structs with nothing to convert): the array is then returned
        // as it is, like a struct with nothing to convert; from the first item that changes, a copy takes the
        // decoded items.
        let out: Array<unknown> | undefined
        for (let i = 0; i < u.length; i++) {
          const v = u[i]
          const a = item(v)
          if (a === FAIL || a === BAIL) return a
          if (out !== undefined) out[i] = a
          else if (a !== v) {
            out = u.slice()
            out[i] = a
          }
        }
        return out ?? u
      }
    }
    case "TypeLiteral":
      return typeLiteral(ast, go)
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
  const classic = declaredOrder(names, optional, decoders, index, expected, prototype)
  if (index !== undefined || names.length > MAX_FIELDS || !names.every((name) => typeof name === "string")) {
    return classic
  }
  return struct(
    names as ReadonlyArray<string>,
    optional,
    decoders,
    ast.propertySignatures.map((ps) => kindOf(ps.type)),
    prototype,
    classic
  )
}

// What a field's value is checked against, for the kinds checked inline in `struct` (no call); `CALL`: its decoder.
const CALL = 0
const STRING = 1
const NUMBER = 2
const BOOLEAN = 3
const ANYTHING = 4
const NULLABLE_STRING = 5
const NULLABLE_NUMBER = 6

// The inline kind of a node, when it is a plain keyword or `NullOr` of one; `build` gives such nodes the same
// decoders. A node with its own decoder is never inlined (one with parse options never gets here: `build` refuses
// it, and so the struct holding it).
const kindOf = (ast: AST.AST): number => {
  if (ast.annotations[FastDecode] !== undefined) return CALL
  switch (ast._tag) {
    case "StringKeyword":
      return STRING
    case "NumberKeyword":
      return NUMBER
    case "BooleanKeyword":
      return BOOLEAN
    case "UnknownKeyword":
    case "AnyKeyword":
      return ANYTHING
    case "Union": {
      if (ast.types.length !== 2) return CALL
      const [a, b] = ast.types as unknown as [AST.AST, AST.AST]
      const other = AST.isLiteral(a) && a.literal === null ? b : AST.isLiteral(b) && b.literal === null ? a : undefined
      if (other === undefined) return CALL
      const kind = kindOf(other)
      return kind === STRING ? NULLABLE_STRING : kind === NUMBER ? NULLABLE_NUMBER : CALL
    }
    default:
      return CALL
  }
}

// Fields are tracked in 31-bit masks; a larger struct takes the declared-order form.
const MAX_FIELDS = 30

// The values a struct has decoded, until it knows how to build its output: a stack shared by all structs (a struct
// nested in another pushes above it), so that decoding allocates nothing but the output. `compile`'s entry point
// releases it, even when a getter on the input throws.
const stack: Array<unknown> = []
let top = 0
let high = 0

const release = (base: number): void => {
  // Drop the references held above `base`, so that decoded values are not kept alive by the stack.
  for (let i = base; i < high; i++) stack[i] = undefined
  top = base
  high = base
}

// A struct of string keys, read in the input's own key order (`for…in`, which V8 serves from the object's enum
// cache, rather than one keyed lookup per declared name). The output is built in the declared order, as Effect
// Schema builds it: when the input's keys already come in that order with nothing extra (what a server sends), by
// copying the input whole (`{ ...u }`, one step) and writing only the fields whose value changed (timestamps, nested
// structs); otherwise field by field. Anything unusual (a missing required key, an own key `for…in` does not see,
// an input that is not a plain object) goes to `classic`, the declared-order form, which is exact for any input.
const struct = (
  names: ReadonlyArray<string>,
  optional: ReadonlyArray<boolean>,
  decoders: ReadonlyArray<Decode>,
  kinds: ReadonlyArray<number>,
  prototype: object | undefined,
  classic: Decode
): Decode => {
  const count = names.length
  const positions = new Map<string, number>(names.map((name, i) => [name, i]))
  let required = 0
  let optionals = 0
  // This struct's copy site, taken the first time it copies an input (see `copies`).
  let copy: ((u: object) => Record<string, unknown>) | undefined
  for (let i = 0; i < count; i++) {
    if (optional[i]) optionals |= 1 << i
    else required |= 1 << i
  }
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return FAIL
    // `for…in` also lists inherited enumerable keys; on a plain object there are none (bar a polluted
    // `Object.prototype`, caught below by the own-key check of optional fields and by `classic` for required ones).
    if (Object.getPrototypeOf(u) !== Object.prototype) return classic(u)
    const base = top
    top += count
    if (top > high) {
      high = top
      // Grown one slot at a time, so the array stays a packed list.
      while (stack.length < top) stack.push(undefined)
    }
    let seen = 0
    let changed = 0
    let last = -1
    let ordered = true
    let extra = false
    for (const key in u) {
      // Keys usually come in the declared order: the next name is tried before the lookup.
      const next = last + 1
      const i = next < count && names[next] === key ? next : positions.get(key)
      if (i === undefined) {
        extra = true
        continue
      }
      const v = (u as Record<string, unknown>)[key]
      let a: unknown = v
      switch (kinds[i]) {
        case STRING:
          if (typeof v !== "string") return fail(base)
          break
        case NUMBER:
          if (typeof v !== "number") return fail(base)
          break
        case BOOLEAN:
          if (typeof v !== "boolean") return fail(base)
          break
        case ANYTHING:
          break
        case NULLABLE_STRING:
          if (v !== null && typeof v !== "string") return fail(base)
          break
        case NULLABLE_NUMBER:
          if (v !== null && typeof v !== "number") return fail(base)
          break
        default:
          a = decoders[i]!(v)
          if (a === FAIL || a === BAIL) {
            top = base
            return a
          }
          if (a !== v) changed |= 1 << i
      }
      stack[base + i] = a
      seen |= 1 << i
      if (i < last) ordered = false
      last = i
    }
    if ((seen & required) !== required) {
      // A required key `for…in` did not list (missing, non-enumerable or inherited): the declared-order form
      // decides, as Effect Schema reads such a key.
      top = base
      return classic(u)
    }
    // An optional key present but not listed (non-enumerable) is decoded by Effect Schema; one listed but not own
    // (inherited) is skipped by it. Either way, the declared-order form decides.
    for (let absent = optionals & ~seen, i = 0; absent !== 0; absent >>>= 1, i++) {
      if ((absent & 1) !== 0 && hasOwn(u, names[i]!)) {
        top = base
        return classic(u)
      }
    }
    for (let present = optionals & seen, i = 0; present !== 0; present >>>= 1, i++) {
      if ((present & 1) !== 0 && !hasOwn(u, names[i]!)) {
        top = base
        return classic(u)
      }
    }
    if (ordered && !extra && prototype === undefined) {
      if (changed === 0) {
        top = base
        return u
      }
      if (copy === undefined) copy = copies[nextCopy++] ?? spread
      const out = copy(u)
      for (let i = 0; changed !== 0; changed >>>= 1, i++) {
        if ((changed & 1) !== 0) out[names[i]!] = stack[base + i]
      }
      top = base
      return out
    }
    const out: Record<string, unknown> = prototype === undefined ? {} : Object.create(prototype)
    for (let i = 0; i < count; i++) {
      if ((seen & (1 << i)) !== 0) out[names[i]!] = stack[base + i]
    }
    top = base
    return out
  }
}

// A shallow copy of a plain object, `{ ...u }`, in several identical copies. V8 keeps type feedback per function
// literal, not per closure, so a single `{ ...u }` serving every struct sees dozens of shapes and takes its slow
// generic path, which costs more than building the object key by key. One of these per struct (the first 32 that
// copy; the rest share `spread`) sees one shape and copies it in a single step, as generated code would, without
// generating code (which a content security policy forbids).
const spread = (u: object): Record<string, unknown> => ({ ...u })
const copies: ReadonlyArray<(u: object) => Record<string, unknown>> = [
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u }),
  (u) => ({ ...u })
]
let nextCopy = 0

const fail = (base: number): typeof FAIL => {
  top = base
  return FAIL
}

// A struct read name by name in the declared order: exact for any input (symbol keys, records, exotic objects),
// and the form `struct` hands anything unusual to.
const declaredOrder = (
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
  // `NullOr(X)`, the commonest union, where X refuses null: answered without the general dispatch below.
  if (members.length === 2) {
    const at = members.findIndex((m) => AST.isLiteral(m) && m.literal === null)
    if (at !== -1) {
      const other = decoders[1 - at]!
      if (other(null) === FAIL) return (u) => (u === null ? null : other(u))
    }
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
    literalMembers.set(literal, [
      ...list,
      ...others.filter((j) => decoders[j]!(literal) !== FAIL).map((j) => decoders[j]!)
    ])
  }
  // Dispatch on the key whose literals tell most members apart: `type` for events, not `object`, which they all
  // share. Members without a literal for that key (the unknown event, whose `type` is any other string) are
  // candidates for every value, unless their own decoder for the key refuses it (below).
  const literals = members.map(literalsOf)
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
