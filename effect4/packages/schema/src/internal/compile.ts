/**
 * A compiled fast path for decoding, exact by construction.
 *
 * Effect 4's parser runs an `Effect` per node wherever its own code generator stops (a class, a timestamp: every
 * declaration and effectful transformation), and every event is a class full of timestamps. This module walks a
 * schema's AST once and builds a tree of closures that check the input and build the same output as Effect's
 * decoding, without running an Effect. The closures generate no code; where the runtime lets Effect generate code,
 * the plain subtrees its code generator handles in one function (no declaration below: an item's properties,
 * evaluations and enrichment results) are handed to that function, which builds them faster than closures can, and
 * where it does not (a Content-Security-Policy without 'unsafe-eval'), closures decode everything. The contract:
 *
 * - the fast path returns a value only when Effect would return an equal one for that input: new objects and arrays
 *   with the same own keys in the same order and the same prototypes, the same values where Effect keeps the input's
 *   (an `Unknown` field, a string record), the same `DateTime.Utc` values;
 * - otherwise it returns `FAIL` (the input is invalid) or `BAIL` (it cannot tell), and the caller runs Effect's
 *   parser, which produces the result and the error message. The closures never build errors.
 *
 * A node it does not handle makes `compile` return `undefined`, and the schema is decoded by Effect alone. The
 * property tests in `test/Decoder.compiled.test.ts` compare both forms (with and without generated code) to Effect's
 * decoding on generated, mutated and hostile inputs.
 *
 * Inputs are read as data: a value behind a getter or a proxy may be read a different number of times here than by
 * Effect (a union reads its discriminator to pick a member, then the member reads it again), so one whose value
 * changes from read to read can decode differently. A getter or a proxy trap that throws makes the caller fall back
 * to Effect's parser, which reports it as a `SchemaError`.
 *
 * @internal
 */
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as SchemaJITCompiler from "effect/schema/SchemaJITCompiler"
import * as SchemaAST from "effect/SchemaAST"
import * as SchemaParser from "effect/SchemaParser"

/** The input is invalid: Effect's parser fails on it too. */
export const FAIL: unique symbol = Symbol.for("@effect-exa/schema/compile/FAIL") as never
/** The fast path cannot decide: Effect's parser decodes. */
export const BAIL: unique symbol = Symbol.for("@effect-exa/schema/compile/BAIL") as never

/** A compiled decoder: the decoded value, `FAIL` or `BAIL`. */
export type Decode = (input: unknown) => unknown

/**
 * The annotation holding a hand-written decoder for a node ({@link fastDecode}), used in place of compiling the node
 * and its encoding chain.
 */
export const FastDecodeKey = "@effect-exa/schema/FastDecode"

interface FastDecode {
  readonly decode: Decode
  // The encoding chain the decoder was written for: a schema built on top of the node (a longer chain) must not use it.
  readonly encoding: SchemaAST.Encoding | undefined
}

/**
 * The annotation that gives a node (a schema the package defines) a hand-written decoder. The decoder must accept
 * exactly what Effect's parser accepts for the node (its encoding chain, given here, then its own parser; not its
 * checks, which run after it as for any node) and return an equal value, or `FAIL`.
 */
export const fastDecode = (
  decode: Decode,
  encoding: SchemaAST.Encoding | undefined = undefined
): { readonly [FastDecodeKey]: FastDecode } => ({ [FastDecodeKey]: { decode, encoding } })

// The classes whose instances the fast path builds itself (see `registerClass`), by the AST of the class.
const classes = new WeakMap<SchemaAST.AST, object>()

/**
 * Lets the fast path build instances of a `Schema.Class` itself: `Object.create(prototype)` given the decoded fields
 * in the declared order, which is what Effect's decoding does through the class's constructor (`Data.Class` assigns
 * the fields it is given) for a class with no constructor, field initialisers or accessors of its own, without the
 * intermediate object and the constructor's options. Keyed by the class's AST, so an annotated copy is not affected.
 */
export const registerClass = (klass: { readonly ast: SchemaAST.AST; readonly prototype: object }): void => {
  classes.set(klass.ast, klass.prototype)
}

// The parse options Effect's parser runs with when none are given (what a check or a transformation is handed).
const options: SchemaAST.ParseOptions = {}

// Field names that Effect reads as own properties only (it snapshots the same set); any other name is present when
// `name in input`, inherited or not.
const ownOnlyNames: ReadonlySet<PropertyKey> = new Set<PropertyKey>(Reflect.ownKeys(Object.prototype)).add("__proto__")
const isOwnOnly = (name: PropertyKey): boolean => ownOnlyNames.has(typeof name === "number" ? String(name) : name)

const hasOwn = Object.hasOwn

// An Effect returned by a declaration or a transformation: its value when it is an already completed success,
// `FAIL` when it is a failure, `BAIL` when it would have to run.
const settle = (effect: unknown): unknown => {
  if (!Exit.isExit(effect)) return BAIL
  return Exit.isSuccess(effect) ? effect.value : FAIL
}

/**
 * Compiles a schema AST for decoding, or `undefined` when some node is outside what the fast path handles.
 *
 * `generated`: whether plain subtrees are decoded by Effect's JIT-compiled functions (see `isPlainContainer`); by
 * default, when the runtime lets Effect generate code.
 */
export const compile = (
  ast: SchemaAST.AST,
  options?: { readonly generated?: boolean | undefined }
): Decode | undefined => {
  const root = compilers[(options?.generated ?? canGenerateCode()) ? 1 : 0]!(ast)
  if (root === undefined) return undefined
  // Structs keep the values they decode on a shared stack (see `struct`); whatever happens below, the stack is left
  // as it was found and holds no decoded value after the call.
  return (u) => {
    // `struct` reads keys with `for…in`, which would also list enumerable keys added to `Object.prototype`.
    if (hasEnumerable(Object.prototype)) return BAIL
    const base = top
    try {
      return root(u)
    } finally {
      release(base)
    }
  }
}

const hasEnumerable = (object: object): boolean => {
  for (const _ in object) return true
  return false
}

// Whether `new Function` works here, as Effect's JIT compiler itself checks it (again if `Function` is replaced). A
// Content-Security-Policy without 'unsafe-eval', and some edge runtimes, refuse it.
let checkedFunction: unknown
let codeGeneration = false
const canGenerateCode = (): boolean => {
  if (checkedFunction !== globalThis.Function) {
    checkedFunction = globalThis.Function
    try {
      codeGeneration = globalThis.Function("return true")() === true
    } catch {
      codeGeneration = false
    }
  }
  return codeGeneration
}

type Go = (ast: SchemaAST.AST) => Decode | undefined

// Each node is compiled once, whichever schema it is met in (`Event` and the page that holds events share theirs),
// with generated code for plain subtrees or without. ASTs are immutable and acyclic (a recursive schema goes through
// `suspend`, compiled when first used).
const compiler = (generated: boolean): Go => {
  const cache = new WeakMap<SchemaAST.AST, Decode | null>()
  const go: Go = (node) => {
    const cached = cache.get(node)
    if (cached !== undefined) return cached ?? undefined
    const out = build(node, go, generated)
    cache.set(node, out ?? null)
    return out
  }
  return go
}
const compilers: ReadonlyArray<Go> = [compiler(false), compiler(true)]

const build = (ast: SchemaAST.AST, go: Go, generated: boolean): Decode | undefined => {
  // Checks on the encoded side of a node (what `flip` produces) are not part of decoding as our schemas use it.
  if ((ast as { readonly encodingChecks?: unknown }).encodingChecks !== undefined) return undefined
  if (generated && isPlainContainer(ast)) return viaEffect(ast)
  const decode = hookOf(ast) ?? instances(ast, go) ?? codec(ast, go)
  if (decode === undefined || ast.checks === undefined) return decode
  return checked(decode, ast.checks, ast)
}

// A subtree Effect's JIT compiler turns into one generated function: no declaration, `suspend`, encoding chain or
// hand-written decoder anywhere in it (an item's properties, evaluations and enrichment results; a search's criteria
// and progress). Such a function checks and builds a struct with named property reads and an object literal, which
// closures cannot match; where Effect can generate code, the fast path hands these subtrees to it, and keeps its own
// closures for what Effect's code generator stops at (classes, timestamps, string records) and for runtimes that
// refuse code generation. The containers only: a lone field (a string, a few literals) is checked inline by `struct`.
const isPlainContainer = (ast: SchemaAST.AST): boolean =>
  (ast._tag === "Objects" || ast._tag === "Arrays" || (ast._tag === "Union" && kindOf(ast) === CALL)) &&
  plainNodes(ast, 0) !== undefined

// The number of nodes in a plain subtree (Effect generates code for at most 2,048, 256 deep), or `undefined`.
const plainNodes = (ast: SchemaAST.AST, depth: number): number | undefined => {
  if (
    depth > 64 || ast.encoding !== undefined || hookOf(ast) !== undefined ||
    (ast as { readonly encodingChecks?: unknown }).encodingChecks !== undefined
  ) return undefined
  const sum = (nodes: ReadonlyArray<SchemaAST.AST>): number | undefined => {
    let total = 1
    for (const node of nodes) {
      const count = plainNodes(node, depth + 1)
      if (count === undefined) return undefined
      total += count
      if (total > 1024) return undefined
    }
    return total
  }
  switch (ast._tag) {
    case "String":
    case "Number":
    case "Boolean":
    case "Null":
    case "Undefined":
    case "Literal":
    case "Unknown":
    case "Any":
      return 1
    case "Objects":
      return ast.indexSignatures.length === 0 ? sum(ast.propertySignatures.map((ps) => ps.type)) : undefined
    case "Arrays":
      return sum([...ast.elements, ...ast.rest])
    case "Union":
      return ast.options?.mode === "oneOf" ? undefined : sum(ast.types)
    default:
      return undefined
  }
}

// A plain subtree, decoded by Effect's own parser with its JIT compiler enabled: on a valid input, its generated
// function's output, returned as it is; on an invalid one, Effect's detailed pass runs and throws, and the fast path
// says FAIL (the caller's replay of the whole input through Effect then reports it).
const viaEffect = (ast: SchemaAST.AST): Decode => {
  SchemaJITCompiler.enable(ast)
  const decode = SchemaParser.decodeUnknownSync(Schema.make<Schema.Codec<unknown, unknown>>(ast))
  return (u) => {
    try {
      return decode(u)
    } catch {
      return FAIL
    }
  }
}

// The node's hand-written decoder, if it was written for this very encoding chain.
const hookOf = (ast: SchemaAST.AST): Decode | undefined => {
  const hook = ast.annotations?.[FastDecodeKey] as FastDecode | undefined
  if (hook === undefined || typeof hook.decode !== "function" || !sameEncoding(hook.encoding, ast.encoding)) {
    return undefined
  }
  return hook.decode
}

// Two encoding chains that decode alike: the same transformations from nodes of the same kind and checks. (An
// optional key copies the chain, with the same transformations, to mark its source optional too.)
const sameEncoding = (a: SchemaAST.Encoding | undefined, b: SchemaAST.Encoding | undefined): boolean => {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  return a.every((link, i) => {
    const other = b[i]!
    return link.transformation === other.transformation && link.to._tag === other.to._tag &&
      link.to.checks === other.to.checks && sameEncoding(link.to.encoding, other.to.encoding)
  })
}

// A registered class (see `registerClass`): its struct, decoded straight onto a new instance. Effect decodes the
// struct, passes the result to the class's constructor (its transformation), then checks that the value is an
// instance (the declaration's own parser), which it is.
const instances = (ast: SchemaAST.AST, go: Go): Decode | undefined => {
  const prototype = classes.get(ast)
  const link = ast.encoding?.[0]
  if (prototype === undefined || link === undefined || ast.encoding!.length !== 1 || ast._tag !== "Declaration") {
    return undefined
  }
  const transformation = link.transformation
  if (transformation._tag !== "Transformation" || transformation.decode._tag !== "Transform") return undefined
  const fields = link.to
  if (fields._tag !== "Objects" || !isBare(fields)) return undefined
  return objects(fields, go, prototype)
}

// The checks of a node, run on its decoded value as Effect runs them: any issue fails.
const checked = (decode: Decode, checks: SchemaAST.Checks, ast: SchemaAST.AST): Decode => {
  const passes = (value: unknown, list: ReadonlyArray<SchemaAST.Check<unknown>>): boolean => {
    for (let i = 0; i < list.length; i++) {
      const check = list[i]!
      if (check._tag === "FilterGroup") {
        if (!passes(value, check.checks)) return false
      } else if (check.run(value, ast, options) !== undefined) {
        return false
      }
    }
    return true
  }
  return (u) => {
    const a = decode(u)
    if (a === FAIL || a === BAIL) return a
    return passes(a, checks) ? a : FAIL
  }
}

// A node's encoding chain, then its own parser: the source is decoded by the last link's node, each link's
// transformation applied from the last to the first, each intermediate node decoding the value in between.
const codec = (ast: SchemaAST.AST, go: Go): Decode | undefined => {
  const own = ownOf(ast, go)
  const links = ast.encoding
  if (own === undefined || links === undefined) return own
  const steps: Array<Decode> = []
  for (let i = links.length - 1; i >= 0; i--) {
    const link = links[i]!
    if (i === links.length - 1) {
      const source = go(link.to)
      if (source === undefined) return undefined
      steps.push(source)
    }
    const transform = getterOf(link)
    if (transform === undefined) return undefined
    steps.push(transform)
    if (i !== 0) {
      const next = go(links[i - 1]!.to)
      if (next === undefined) return undefined
      steps.push(next)
    }
  }
  steps.push(own)
  const count = steps.length
  return (u) => {
    let a = u
    for (let i = 0; i < count; i++) {
      a = steps[i]!(a)
      if (a === FAIL || a === BAIL) return a
    }
    return a
  }
}

// The decoding side of a link's transformation, for the getters that map a present value to a present value
// (`Passthrough`, `Transform`, `TransformEffect`); the optional ones can turn a missing key into a value (defaults),
// and a middleware sees the whole Effect: both are left to Effect.
const getterOf = (link: SchemaAST.Link): Decode | undefined => {
  const transformation = link.transformation
  if (transformation._tag !== "Transformation") return undefined
  const getter = transformation.decode
  switch (getter._tag) {
    case "Passthrough":
      return (u) => u
    case "Transform": {
      const transform = getter.transform
      return (u) => transform(u)
    }
    case "TransformEffect": {
      const transform = getter.transform
      return (u) => settle(transform(u, options))
    }
    default:
      return undefined
  }
}

// What a node's own parser accepts and returns, before its checks.
const ownOf = (ast: SchemaAST.AST, go: Go): Decode | undefined => {
  switch (ast._tag) {
    case "String":
      return (u) => (typeof u === "string" ? u : FAIL)
    case "Number":
      return (u) => (typeof u === "number" ? u : FAIL)
    case "Boolean":
      return (u) => (typeof u === "boolean" ? u : FAIL)
    case "Null":
      return (u) => (u === null ? u : FAIL)
    case "Undefined":
      return (u) => (u === undefined ? u : FAIL)
    case "Unknown":
    case "Any":
      return (u) => u
    case "Never":
      return () => FAIL
    case "Literal": {
      const literal = ast.literal
      return (u) => (u === literal ? u : FAIL)
    }
    case "Declaration":
      return declaration(ast)
    case "Objects":
      return objects(ast, go)
    case "Arrays":
      return arrays(ast, go)
    case "Union":
      return union(ast, go)
    case "Suspend": {
      // Compiled when first used, so that a recursive schema does not recurse here.
      let target: Decode | undefined | null = null
      return (u) => {
        if (target === null) target = go(ast.thunk())
        return target === undefined ? BAIL : target(u)
      }
    }
    default:
      return undefined
  }
}

// A declaration's own parser, as Effect runs it: settled when it answers synchronously.
const declaration = (ast: SchemaAST.Declaration): Decode => {
  let run: ReturnType<SchemaAST.Declaration["run"]> | undefined
  return (u) => {
    run ??= ast.run(ast.typeParameters)
    return settle(run(u, ast, options))
  }
}

// `Array<T>`: no fixed elements, one rest element. Effect builds a new array of the decoded items.
const arrays = (ast: SchemaAST.Arrays, go: Go): Decode | undefined => {
  if (ast.elements.length !== 0 || ast.rest.length !== 1) return undefined
  const type = ast.rest[0]!
  const item = go(type)
  if (item === undefined) return undefined
  // Strings (an enrichment's result) are checked inline.
  if (kindOf(type) === STRING) {
    return (u) => {
      if (!Array.isArray(u)) return FAIL
      const length = u.length
      const out = new Array(length)
      for (let i = 0; i < length; i++) {
        const v = u[i]
        if (typeof v !== "string") return FAIL
        out[i] = v
      }
      return out
    }
  }
  return (u) => {
    if (!Array.isArray(u)) return FAIL
    const length = u.length
    const out = new Array(length)
    for (let i = 0; i < length; i++) {
      const a = item(u[i])
      if (a === FAIL || a === BAIL) return a
      out[i] = a
    }
    return out
  }
}

// A struct of named fields (no index signatures). Effect reads each field in the declared order (present when
// `name in input`, or an own property for names `Object.prototype` has), and builds a new object of the fields it
// decoded in that order; a missing required field fails, a missing optional one is left out, other keys are dropped.
// With `prototype` (a registered class), the output is built on it.
const objects = (ast: SchemaAST.Objects, go: Go, prototype?: object): Decode | undefined => {
  if (ast.indexSignatures.length !== 0) return undefined
  const count = ast.propertySignatures.length
  // The empty struct is Effect's "not nullish".
  if (count === 0) return prototype === undefined ? (u) => (u === null || u === undefined ? FAIL : u) : undefined
  const names: Array<PropertyKey> = []
  const ownOnly: Array<boolean> = []
  const optional: Array<boolean> = []
  const decoders: Array<Decode> = []
  for (const ps of ast.propertySignatures) {
    const decode = go(ps.type)
    if (decode === undefined) return undefined
    names.push(ps.name)
    ownOnly.push(isOwnOnly(ps.name))
    optional.push(SchemaAST.isOptional(ps.type))
    decoders.push(decode)
  }
  const ordinary = names.every((name) => typeof name === "string" && !isOwnOnly(name))
  // A class with a field named after a member of `Object.prototype` (`__proto__`, …) is left to its constructor.
  if (prototype !== undefined && !ordinary) return undefined
  const classic = declaredOrder(names, ownOnly, optional, decoders, prototype)
  // Names `Object.prototype` has, symbols and numbers are read by the declared-order form; a struct of ordinary
  // names (every one of ours) by `struct`.
  if (count > MAX_FIELDS || !ordinary) return classic
  return struct(
    names as ReadonlyArray<string>,
    optional,
    decoders,
    ast.propertySignatures.map((ps) => kindOf(ps.type)),
    ast.propertySignatures.map((ps) => constantsOf(ps.type, go)),
    prototype,
    classic
  )
}

// A struct read name by name in the declared order, as Effect reads it: exact for any input (inherited or
// non-enumerable fields, symbol keys, class instances, proxies), and the form `struct` hands anything unusual to.
const declaredOrder = (
  names: ReadonlyArray<PropertyKey>,
  ownOnly: ReadonlyArray<boolean>,
  optional: ReadonlyArray<boolean>,
  decoders: ReadonlyArray<Decode>,
  prototype: object | undefined
): Decode =>
(u) => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return FAIL
  const input = u as Record<PropertyKey, unknown>
  const out: Record<PropertyKey, unknown> = prototype === undefined ? {} : Object.create(prototype)
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    if (!(ownOnly[i] ? hasOwn(input, name) : name in input)) {
      if (optional[i]) continue
      return FAIL
    }
    const a = decoders[i]!(input[name])
    if (a === FAIL || a === BAIL) return a
    // A field named `__proto__` is defined, not assigned (an assignment would set the prototype), as Effect does.
    if (name === "__proto__") {
      Object.defineProperty(out, name, { value: a, writable: true, enumerable: true, configurable: true })
    } else {
      out[name] = a
    }
  }
  return out
}

// What a field's value is checked against, for the kinds checked inline in `struct` (no call); `CALL`: its decoder.
const CALL = 0
const STRING = 1
const NUMBER = 2
const BOOLEAN = 3
const ANYTHING = 4
const NULLABLE_STRING = 5
const NULLABLE_NUMBER = 6
const LITERAL = 7
// `null`, or the field's decoder (`NullOr(X)` where X refuses null).
const NULLABLE = 8
// One of a few literals (`Literals([...])`).
const ONE_OF = 9

// A node decoded by its own parser alone: no checks, no encoding chain, no hand-written decoder.
const isBare = (ast: SchemaAST.AST): boolean =>
  ast.checks === undefined && ast.encoding === undefined &&
  (ast as { readonly encodingChecks?: unknown }).encodingChecks === undefined && hookOf(ast) === undefined

// The inline kind of a node: a bare keyword or literal, a few literals, `NullOr` of something that refuses null;
// `ownOf` gives such nodes the same decoders. A `suspend` is looked through (the event's `object`), a few levels deep.
const kindOf = (ast: SchemaAST.AST, depth = 0): number => {
  if (!isBare(ast)) return CALL
  switch (ast._tag) {
    case "Suspend":
      return depth < 4 ? kindOf(ast.thunk(), depth + 1) : CALL
    case "String":
      return STRING
    case "Number":
      return NUMBER
    case "Boolean":
      return BOOLEAN
    case "Unknown":
    case "Any":
      return ANYTHING
    case "Literal":
      return LITERAL
    case "Union": {
      if (ast.options?.mode === "oneOf") return CALL
      if (literalsOf(ast) !== undefined) return ONE_OF
      if (ast.types.length !== 2) return CALL
      const [a, b] = ast.types as unknown as [SchemaAST.AST, SchemaAST.AST]
      if (b._tag !== "Null" || !isBare(b)) return CALL
      const kind = kindOf(a, depth + 1)
      return kind === STRING
        ? NULLABLE_STRING
        : kind === NUMBER
        ? NULLABLE_NUMBER
        : kindsOf(a).includes("null")
        ? CALL
        : NULLABLE
    }
    default:
      return CALL
  }
}

// What `struct` checks a field of an inline kind against: the literal (`LITERAL`), the literals (`ONE_OF`), the
// decoder of the non-null member (`NULLABLE`).
const constantsOf = (ast: SchemaAST.AST, go: Go): unknown => {
  while (ast._tag === "Suspend" && kindOf(ast) !== CALL) ast = ast.thunk()
  switch (kindOf(ast)) {
    case LITERAL:
      return (ast as SchemaAST.Literal).literal
    case ONE_OF:
      return literalsOf(ast as SchemaAST.Union)
    case NULLABLE:
      return go((ast as SchemaAST.Union).types[0]!)
    default:
      return undefined
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

const fail = (base: number, outcome: unknown): unknown => {
  top = base
  return outcome
}

// A struct of ordinary string names, read in the input's own key order (`for…in`, which V8 serves from the object's
// enum cache, rather than a keyed lookup per declared name). The output is built in the declared order, as Effect
// builds it: when the input's own keys are exactly the declared ones in that order (what a server sends), by copying
// the input whole (`{ ...u }`, one step) and writing back each checked field that the copy holds otherwise (timestamps, nested structs and
// arrays); otherwise field by field. Anything unusual (a declared field `for…in` does not list but the input has, an
// input that is not a plain object) goes to `classic`, the declared-order form. `compile`'s entry point makes sure
// `Object.prototype` has no enumerable keys, so `for…in` lists own keys only.
const struct = (
  names: ReadonlyArray<string>,
  optional: ReadonlyArray<boolean>,
  decoders: ReadonlyArray<Decode>,
  kinds: ReadonlyArray<number>,
  constants: ReadonlyArray<unknown>,
  prototype: object | undefined,
  classic: Decode
): Decode => {
  const count = names.length
  const positions = new Map<string, number>(names.map((name, i) => [name, i]))
  let required = 0
  for (let i = 0; i < count; i++) if (!optional[i]) required |= 1 << i
  const all = count === 31 ? -1 : (1 << count) - 1
  // This struct's copy site, taken the first time it copies an input (see `copies`).
  let copy: ((u: object) => Record<string, unknown>) | undefined
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return FAIL
    if (Object.getPrototypeOf(u) !== Object.prototype) return classic(u)
    const input = u as Record<string, unknown>
    const base = top
    top += count
    if (top > high) {
      high = top
      // Grown one slot at a time, so the array stays a packed list.
      while (stack.length < top) stack.push(undefined)
    }
    let seen = 0
    let last = -1
    let ordered = true
    let extra = false
    for (const key in input) {
      // Keys usually come in the declared order: the next name is tried before the lookup.
      const next = last + 1
      const i = next < count && names[next] === key ? next : positions.get(key)
      if (i === undefined) {
        extra = true
        continue
      }
      const v = input[key]
      let a: unknown = v
      switch (kinds[i]) {
        case STRING:
          if (typeof v !== "string") return fail(base, FAIL)
          break
        case NUMBER:
          if (typeof v !== "number") return fail(base, FAIL)
          break
        case BOOLEAN:
          if (typeof v !== "boolean") return fail(base, FAIL)
          break
        case ANYTHING:
          break
        case NULLABLE_STRING:
          if (v !== null && typeof v !== "string") return fail(base, FAIL)
          break
        case NULLABLE_NUMBER:
          if (v !== null && typeof v !== "number") return fail(base, FAIL)
          break
        case LITERAL:
          if (v !== constants[i]) return fail(base, FAIL)
          break
        case ONE_OF: {
          const values = constants[i] as ReadonlyArray<unknown>
          let j = 0
          while (j < values.length && v !== values[j]) j++
          if (j === values.length) return fail(base, FAIL)
          break
        }
        case NULLABLE:
          if (v !== null) {
            a = (constants[i] as Decode)(v)
            if (a === FAIL || a === BAIL) return fail(base, a)
          }
          break
        default:
          a = decoders[i]!(v)
          if (a === FAIL || a === BAIL) return fail(base, a)
      }
      stack[base + i] = a
      seen |= 1 << i
      if (i < last) ordered = false
      last = i
    }
    if (seen !== all) {
      // A declared field `for…in` did not list: missing, unless the input has it all the same (non-enumerable or
      // inherited), which the declared-order form reads as Effect does.
      for (let absent = all & ~seen, i = 0; absent !== 0; absent >>>= 1, i++) {
        if ((absent & 1) === 0) continue
        if (names[i]! in input) return fail(base, classic(u))
        if ((required & (1 << i)) !== 0) return fail(base, FAIL)
      }
    }
    let out: Record<string, unknown>
    // The copy also takes own symbol keys, which Effect leaves out.
    if (prototype === undefined && ordered && !extra && Object.getOwnPropertySymbols(input).length === 0) {
      if (copy === undefined) copy = copies[nextCopy++] ?? spread
      out = copy(input)
      // Every checked field is the value checked: the copy read each field again, and a getter (or a proxy) may
      // have answered otherwise the second time. A field the check changed differs too, so this covers it.
      for (let i = 0, s = seen; s !== 0; s >>>= 1, i++) {
        if ((s & 1) !== 0 && out[names[i]!] !== stack[base + i]) out[names[i]!] = stack[base + i]
      }
    } else {
      out = prototype === undefined ? {} : Object.create(prototype)
      for (let i = 0; i < count; i++) {
        if ((seen & (1 << i)) !== 0) out[names[i]!] = stack[base + i]
      }
    }
    top = base
    return out
  }
}

// A shallow copy of a plain object, `{ ...u }`, in several identical copies. V8 keeps type feedback per function
// literal, not per closure, so a single `{ ...u }` serving every struct sees dozens of shapes and takes its slow
// generic path (150 ns for a struct of a dozen fields, against 25), no faster than building the object key by key.
// One of these per struct (the first 64 that copy, enough for every struct of the event schema; the rest share
// `spread`) sees the few shapes of its struct and copies them in a single step, as generated code would, without
// generating code.
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
  (u) => ({ ...u }),
  (u) => ({ ...u })
]
let nextCopy = 0

// The kinds of input a node can accept, by `runtimeType`: a superset (any kind the node might accept is listed).
type Kind =
  | "null"
  | "array"
  | "undefined"
  | "string"
  | "number"
  | "boolean"
  | "object"
  | "function"
  | "symbol"
  | "bigint"
const allKinds: ReadonlyArray<Kind> = [
  "null",
  "array",
  "undefined",
  "string",
  "number",
  "boolean",
  "object",
  "function",
  "symbol",
  "bigint"
]

const runtimeType = (u: unknown): Kind => (u === null ? "null" : Array.isArray(u) ? "array" : typeof u)

// The node an input first meets: the source of the encoding chain.
const sourceOf = (ast: SchemaAST.AST): SchemaAST.AST => {
  while (ast.encoding !== undefined) ast = ast.encoding[ast.encoding.length - 1]!.to
  return ast
}

const kindsOf = (ast: SchemaAST.AST): ReadonlyArray<Kind> => {
  const source = sourceOf(ast)
  switch (source._tag) {
    case "String":
      return ["string"]
    case "Number":
      return ["number"]
    case "Boolean":
      return ["boolean"]
    case "Null":
      return ["null"]
    case "Undefined":
      return ["undefined"]
    case "Never":
      return []
    case "Literal":
      return [typeof source.literal as Kind]
    case "Arrays":
      return ["array"]
    case "Objects":
      return source.propertySignatures.length + source.indexSignatures.length > 0 ? ["object"] : allKinds
    case "Union":
      return allKinds.filter((kind) => source.types.some((type) => kindsOf(type).includes(kind)))
    default:
      return allKinds
  }
}

// The required literal fields of a member's source struct (each field's own source a literal): a member whose
// literal differs from the input's value at that key fails on it, so it need not be tried.
const sentinelsOf = (ast: SchemaAST.AST): Map<PropertyKey, unknown> => {
  const out = new Map<PropertyKey, unknown>()
  const source = sourceOf(ast)
  if (source._tag === "Objects") {
    for (const ps of source.propertySignatures) {
      const type = sourceOf(ps.type)
      if (!SchemaAST.isOptional(ps.type) && type._tag === "Literal") out.set(ps.name, type.literal)
    }
  }
  return out
}

// A union decodes to what its first member (in the declared order) that accepts the input returns: Effect tries the
// members its index selects, in that order, and its index leaves out only members that would fail. Here too only
// members that can accept the input are tried: by the kind of input, and for objects by the literal at the key that
// tells most members apart (`type` for events).
// The values of a union of a few bare literals (at most `FEW`), compared with `===`: a few comparisons cost nothing
// for strings of another length, where hashing a fresh string (out of `JSON.parse`) reads it in full.
const FEW = 8
const literalsOf = (ast: SchemaAST.Union): ReadonlyArray<unknown> | undefined => {
  const members = ast.types
  return members.length > 0 && members.length <= FEW &&
      members.every((m) => m._tag === "Literal" && isBare(m))
    ? members.map((m) => (m as SchemaAST.Literal).literal)
    : undefined
}

const union = (ast: SchemaAST.Union, go: Go): Decode | undefined => {
  if (ast.options?.mode === "oneOf") return undefined
  const members = ast.types
  if (members.length > 0 && members.every((m) => m._tag === "Literal" && isBare(m))) {
    const values = members.map((m) => (m as SchemaAST.Literal).literal)
    // Many values: one hash beats many comparisons.
    if (values.length <= FEW) {
      const count = values.length
      return (u) => {
        for (let i = 0; i < count; i++) if (u === values[i]) return u
        return FAIL
      }
    }
    const set = new Set<unknown>(values)
    return (u) => (set.has(u) ? u : FAIL)
  }
  const decoders: Array<Decode> = []
  for (const member of members) {
    const decode = go(member)
    if (decode === undefined) return undefined
    decoders.push(decode)
  }
  const kinds = members.map(kindsOf)
  // `NullOr(X)`, the commonest union, where X refuses null: answered without the general dispatch below.
  if (members.length === 2 && members[1]!._tag === "Null" && !members[1]!.checks && !members[1]!.encoding) {
    if (!kinds[0]!.includes("null")) {
      const other = decoders[0]!
      return (u) => (u === null ? null : other(u))
    }
  }
  // The key whose literals tell most members apart; a member without a literal there is tried for every value.
  const sentinels = members.map(sentinelsOf)
  let key: PropertyKey | undefined
  let distinct = 1
  let covered = 0
  for (const candidate of new Set(sentinels.flatMap((m) => [...m.keys()]))) {
    const having = sentinels.filter((m) => m.has(candidate))
    const values = new Set(having.map((m) => m.get(candidate))).size
    if (values > distinct || (values === distinct && having.length > covered)) {
      key = candidate
      distinct = values
      covered = having.length
    }
  }
  const byKind = new Map<Kind, ReadonlyArray<Decode>>(
    allKinds.map((kind) => [kind, decoders.filter((_, i) => kinds[i]!.includes(kind))])
  )
  const tryEach = (candidates: ReadonlyArray<Decode>, u: unknown): unknown => {
    for (let i = 0; i < candidates.length; i++) {
      const a = candidates[i]!(u)
      if (a !== FAIL) return a
    }
    return FAIL
  }
  if (key === undefined) return (u) => tryEach(byKind.get(runtimeType(u))!, u)
  const discriminator = key
  const ownOnly = isOwnOnly(discriminator)
  const objectMembers = members.map((_, i) => i).filter((i) => kinds[i]!.includes("object"))
  const unkeyed = objectMembers.filter((i) => !sentinels[i]!.has(discriminator)).map((i) => decoders[i]!)
  const buckets = new Map<unknown, ReadonlyArray<Decode>>()
  for (const literal of new Set(sentinels.filter((m) => m.has(discriminator)).map((m) => m.get(discriminator)))) {
    buckets.set(
      literal,
      objectMembers.filter((i) => !sentinels[i]!.has(discriminator) || sentinels[i]!.get(discriminator) === literal)
        .map((i) => decoders[i]!)
    )
  }
  return (u) => {
    const kind = runtimeType(u)
    if (kind !== "object") return tryEach(byKind.get(kind)!, u)
    const input = u as Record<PropertyKey, unknown>
    const present = ownOnly ? hasOwn(input, discriminator) : discriminator in input
    const candidates = present ? buckets.get(input[discriminator]) ?? unkeyed : unkeyed
    return candidates.length === 1 ? candidates[0]!(u) : tryEach(candidates, u)
  }
}
