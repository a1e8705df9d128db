import * as SchemaModules from "@effect-exa/schema"
import { Event, ListEventsResponse, Metadata, Timestamp, Webhook, WebhookAttempt } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { BAIL, compile, FAIL, registerClass } from "../src/internal/compile.js"
import * as Decoder from "../src/internal/decoder.js"
import * as Fixtures from "./Fixtures.js"

// Everything an input holds (objects and arrays), to tell which values Effect keeps as they are.
const parts = (input: unknown): ReadonlySet<object> => {
  const out = new Set<object>()
  const walk = (value: unknown, depth: number) => {
    if (typeof value !== "object" || value === null || out.has(value) || depth > 64) return
    out.add(value)
    try {
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(value, key)
        if (descriptor !== undefined && "value" in descriptor) walk(descriptor.value, depth + 1)
      }
    } catch {
      // A proxy that refuses to be listed: not walked.
    }
  }
  walk(input, 0)
  return out
}

// Why two decoded values differ, or `undefined` when they are the same: primitives by `Object.is`; an object of the
// input kept as it is on both sides (the same object); otherwise the same prototype, the same own keys in the same
// order, the same property attributes, and values that are the same, recursively. Redacted values hold their value
// out of sight: compared by it.
const difference = (ours: unknown, theirs: unknown, input: ReadonlySet<object>, path = "$"): string | undefined => {
  if (typeof theirs !== "object" || theirs === null || typeof ours !== "object" || ours === null) {
    return Object.is(ours, theirs) ? undefined : `${path}: ${String(ours)} is not ${String(theirs)}`
  }
  if (input.has(theirs) || input.has(ours)) {
    return ours === theirs ? undefined : `${path}: one side is the input's own object, the other a copy`
  }
  if (Object.getPrototypeOf(ours) !== Object.getPrototypeOf(theirs)) return `${path}: another prototype`
  if (Redacted.isRedacted(theirs)) {
    return Redacted.isRedacted(ours) && Redacted.value(ours) === Redacted.value(theirs) &&
        String(ours) === String(theirs)
      ? undefined
      : `${path}: another redacted value`
  }
  const keys = Reflect.ownKeys(ours)
  const expected = Reflect.ownKeys(theirs)
  if (keys.map(String).join(",") !== expected.map(String).join(",")) {
    return `${path}: keys ${keys.map(String).join(",")} are not ${expected.map(String).join(",")}`
  }
  for (const key of expected) {
    const a = Reflect.getOwnPropertyDescriptor(ours, key)!
    const b = Reflect.getOwnPropertyDescriptor(theirs, key)!
    if (a.enumerable !== b.enumerable || a.writable !== b.writable || a.configurable !== b.configurable) {
      return `${path}.${String(key)}: other attributes`
    }
    const inner = difference(a.value, b.value, input, `${path}.${String(key)}`)
    if (inner !== undefined) return inner
  }
  return undefined
}

// Effect's own answer (the package's schemas are compiled by Effect's JIT compiler; failures are replayed by its
// interpreter); an input that makes Effect's parser throw counts as refused.
const effectDecode = <A, I>(schema: Schema.Codec<A, I>) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (input: unknown): Result.Result<A, Schema.SchemaError | "thrown"> => {
    try {
      return decode(input)
    } catch {
      return Result.fail("thrown")
    }
  }
}

// Each fast path twice: as the package runs it where code generation works (plain subtrees decoded by Effect's
// JIT-compiled functions), and with closures only, as where code generation is refused.
const fastPaths = (ast: SchemaAST.AST): ReadonlyArray<(u: unknown) => unknown> => [
  compile(ast, { generated: true })!,
  compile(ast, { generated: false })!
]
const [fastEvent, closuresEvent] = fastPaths(Event.Event.ast) as [(u: unknown) => unknown, (u: unknown) => unknown]
const fastPage = compile(ListEventsResponse.ListEventsResponse.ast)!
const effectEvent = effectDecode(Event.Event)
const effectPage = effectDecode(ListEventsResponse.ListEventsResponse)

// The fast paths and the package's decoder agree with Effect: the same value (see `difference`), or a refusal, and
// then the package's decoder fails with Effect's own error. A fast path may leave an input it cannot read as data to
// Effect (`BAIL`, or a throw) only where `mayBail` says so.
const agreeWith = <A>(
  fasts: ReadonlyArray<(u: unknown) => unknown>,
  reference: (u: unknown) => Result.Result<A, Schema.SchemaError | "thrown">,
  decoder: (u: unknown) => Result.Result<A, Schema.SchemaError>
) =>
(input: unknown, mayBail = false): "decoded" | "refused" => {
  const expected = reference(input)
  const viaDecoder = decoder(input)
  for (const fast of fasts) {
    let actual: unknown
    try {
      actual = fast(input)
    } catch {
      actual = BAIL
    }
    if (Result.isSuccess(expected)) {
      if (mayBail && actual === BAIL) continue
      assert(actual !== FAIL && actual !== BAIL, "the fast path refused what Effect decodes")
      expect(difference(actual, expected.success, parts(input))).toBeUndefined()
    } else {
      assert(actual === FAIL || actual === BAIL, "the fast path decoded what Effect refuses")
    }
  }
  if (Result.isSuccess(expected)) {
    assert(Result.isSuccess(viaDecoder), "the package's decoder refused what Effect decodes")
    expect(difference(viaDecoder.success, expected.success, parts(input))).toBeUndefined()
    return "decoded"
  }
  assert(Result.isFailure(viaDecoder))
  expect(Schema.isSchemaError(viaDecoder.failure)).toBe(true)
  if (expected.failure !== "thrown") expect(viaDecoder.failure.message).toBe(expected.failure.message)
  return "refused"
}

const agree = agreeWith(fastPaths(Event.Event.ast), effectEvent, (u) => Event.decodeResult(u))
const agreePage = agreeWith(
  fastPaths(ListEventsResponse.ListEventsResponse.ast),
  effectPage,
  (u) => ListEventsResponse.decodeResult(u)
)

// JSON text as the API sends it, parsed.
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

// An edit of a payload: at the key reached by `path` (each step an index into the keys there), delete it or set it.
const DELETE = "<delete>"
const mutate = (value: unknown, path: ReadonlyArray<number>, replacement: unknown): unknown => {
  if (typeof value !== "object" || value === null || path.length === 0) return replacement
  const keys = Object.keys(value)
  if (keys.length === 0) return replacement
  const key = keys[path[0]! % keys.length]!
  const copy: Record<string, unknown> = Array.isArray(value) ? [...value] as never : { ...value }
  if (path.length === 1 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1)
    else delete copy[key]
  } else {
    copy[key] = mutate(copy[key], path.slice(1), replacement)
  }
  return copy
}

// Every object's keys in another order (by a seed), some with a key the schema does not have.
const shuffle = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((item, i) => shuffle(item, seed + i))
  if (typeof value !== "object" || value === null) return value
  const keys = Object.keys(value).sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7))
  const out: Record<string, unknown> = {}
  if (seed % 3 === 0) out.addedByServer = seed
  for (const key of keys) out[key] = shuffle((value as Record<string, unknown>)[key], seed * 7 + key.length)
  return out
}

const idle = Fixtures.events["webset.idle"]
const enriched = Fixtures.events["webset.item.enriched"]

describe("the compiled decoder", () => {
  it("every schema the package exports compiles: one that stops compiling fails here, loudly", () => {
    const stopped: Array<string> = []
    let count = 0
    for (const [moduleName, module] of Object.entries(SchemaModules)) {
      for (const [name, value] of Object.entries(module as Record<string, unknown>)) {
        if (!Schema.isSchema(value)) continue
        count++
        if (!Decoder.isCompiled(value as Schema.Codec<unknown, unknown>)) stopped.push(`${moduleName}.${name}`)
      }
    }
    expect(count).toBeGreaterThan(40)
    expect(stopped).toEqual([])
  })

  it("decodes every fixture itself (no replay through Effect's parser), to what Effect decodes", () => {
    for (const input of Fixtures.allEvents) {
      for (const fast of [fastEvent, closuresEvent]) {
        const value = fast(input)
        assert(value !== FAIL && value !== BAIL, input.type)
      }
      expect(agree(input)).toBe("decoded")
    }
    const page = { data: Fixtures.allEvents, hasMore: true, nextCursor: "c_1" }
    assert(fastPage(page) !== FAIL && fastPage(page) !== BAIL)
    expect(agreePage(page)).toBe("decoded")
    const created = { ...Fixtures.webhook, secret: "whsec_0123456789abcdef" }
    for (
      const [schema, input] of [
        [Webhook.Webhook, Fixtures.webhook],
        [Webhook.Webhook, created],
        [Webhook.CreatedWebhook, created],
        [WebhookAttempt.ListWebhookAttemptsResponse, {
          data: [Fixtures.webhookAttempt],
          hasMore: false,
          nextCursor: null
        }]
      ] as const
    ) {
      const expected = effectDecode(schema as Schema.Codec<unknown, unknown>)(input)
      assert(Result.isSuccess(expected))
      for (const fast of fastPaths(schema.ast)) {
        const value = fast(input)
        assert(value !== FAIL && value !== BAIL)
        expect(difference(value, expected.success, parts(input))).toBeUndefined()
      }
    }
  })

  it.prop(
    "agrees with Effect on generated events, through JSON",
    { event: Event.Event },
    ({ event }) => {
      expect(agree(json(Schema.encodeSync(Event.Event)(event)))).toBe("decoded")
    },
    { timeout: 120_000, arbitrary: { runs: 300 } }
  )

  it.prop(
    "agrees with Effect on generated pages, through JSON",
    { page: ListEventsResponse.ListEventsResponse },
    ({ page }) => {
      expect(agreePage(json(Schema.encodeSync(ListEventsResponse.ListEventsResponse)(page)))).toBe("decoded")
    },
    { timeout: 120_000, arbitrary: { runs: 30 } }
  )

  it.prop(
    "agrees with Effect on mutated payloads: a key deleted, or set to another value, at any depth",
    {
      index: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Fixtures.allEvents.length - 1 })),
      path: Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 40 }))).check(
        Schema.isBetweenLength(1, 6)
      ),
      replacement: Schema.Union([
        Schema.Literals([
          DELETE,
          "webset.created",
          "webset.export.created",
          "2025-01-01T00:00:00Z",
          "2025-02-30T00:00:00Z",
          "event",
          "company",
          "",
          1.5,
          42,
          true
        ]),
        Schema.Null,
        Schema.Undefined,
        Schema.String,
        Schema.Number,
        Schema.Array(Schema.String),
        Schema.Array(Schema.Union([Schema.String, Schema.Finite, Schema.Null])),
        Schema.Record(Schema.String, Schema.String),
        Schema.Struct({ type: Schema.Literals(["company", "person", "custom"]) })
      ])
    },
    ({ index, path, replacement }) => {
      agree(mutate(Fixtures.allEvents[index], path, replacement))
    },
    { timeout: 120_000, arbitrary: { runs: 2000 } }
  )

  it.prop(
    "agrees with Effect on payloads with keys reordered and extra keys added at any depth",
    {
      index: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Fixtures.allEvents.length - 1 })),
      seed: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1000 }))
    },
    ({ index, seed }) => {
      // An extra key in a string record (metadata) is a value that is not a string: refused, by both.
      agree(shuffle(Fixtures.allEvents[index], seed))
    },
    { timeout: 120_000, arbitrary: { runs: 300 } }
  )

  it("optional keys, nulls and extra keys: kept or dropped exactly as Effect does", () => {
    const item = structuredClone(enriched) as any
    item.data.unexpected = 1
    item.data.properties.company.headquarters = null
    delete item.data.evaluations[1].references
    delete item.data.properties.company.foundedYear
    expect(agree(item)).toBe("decoded")
    const decoded = Event.decodeSync(item) as any
    expect("unexpected" in decoded.data).toBe(false)
    expect("references" in decoded.data.evaluations[1]).toBe(false)
    expect(decoded.data.properties.company.headquarters).toBeNull()
    // A required key missing, or an optional key present but `undefined`: refused, as by Effect.
    const missing = structuredClone(idle) as any
    delete missing.data.title
    expect(agree(missing)).toBe("refused")
    expect(agree({ ...idle, data: { ...idle.data, metadata: undefined } })).toBe("refused")
    // An enrichment's result is strings only.
    const results = structuredClone(enriched) as any
    results.data.enrichments[0].result = ["18000000", 18000000]
    expect(agree(results)).toBe("refused")
    // An `Unknown` value that is `undefined` but present is kept for the unknown event; absent, it is refused.
    expect(agree({ ...idle, type: "webset.export.created", data: undefined })).toBe("refused")
  })

  it("unknown event types decode to UnknownEvent with their data as it came; a known type with a bad payload fails", () => {
    const data = { deeply: { nested: [1, { x: null }] } }
    for (const type of ["webset.export.created", "webset.export.completed", "webset.future.event"]) {
      const input = { id: "ev_1", object: "event", type, data, createdAt: "2025-11-12T21:50:51.207Z" }
      expect(agree(input)).toBe("decoded")
      const decoded = Event.decodeSync(input)
      expect(decoded).toBeInstanceOf(Event.UnknownEvent)
      expect((decoded as Event.UnknownEvent).data).toBe(data)
    }
    expect(agree({ ...idle, data: { ...idle.data, status: "archived" } })).toBe("refused")
    expect(agree({ ...idle, object: "webhook" })).toBe("refused")
    expect(agree({ ...idle, type: 42 })).toBe("refused")
  })

  it("numbers that are not finite, -0, and other edge values agree with Effect", () => {
    const search = Fixtures.events["webset.search.updated"] as any
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 1e308, -1, 2.5]) {
      agree({ ...search, data: { ...search.data, count: value } })
      agree({ ...search, data: { ...search.data, maxPeoplePerCompany: value } })
    }
    expect(agree(JSON.parse(JSON.stringify(idle).replace("\"webset.idle\"", "\"webset.idle\\u0000\"")))).toBe(
      "decoded"
    )
  })
})

describe("the compiled decoder on hostile input", () => {
  // `value` with `key`'s property replaced by a getter.
  const withGetter = (value: object, key: string, get: () => unknown): object => {
    const copy = { ...value }
    Object.defineProperty(copy, key, { enumerable: true, configurable: true, get })
    return copy
  }
  const boom = () => {
    throw new Error("boom")
  }

  const refusedEverywhere = (input: unknown) => {
    const result = Event.decodeResult(input)
    assert(Result.isFailure(result))
    expect(Schema.isSchemaError(result.failure)).toBe(true)
    expect(() => Event.decodeSync(input)).toThrow(Schema.SchemaError)
    const exit = Effect.runSyncExit(Event.decode(input))
    assert(Exit.isFailure(exit))
    const error = Cause.findErrorOption(exit.cause)
    expect(error._tag === "Some" && Schema.isSchemaError(error.value)).toBe(true)
    const page = ListEventsResponse.decodeResult({ data: [input], hasMore: false, nextCursor: null })
    assert(Result.isFailure(page))
    expect(Schema.isSchemaError(page.failure)).toBe(true)
  }

  it("getters that throw, at any depth, give a SchemaError from every form", () => {
    const data = idle.data as any
    const inputs = [
      withGetter(idle, "type", boom),
      withGetter(idle, "data", boom),
      withGetter(idle, "createdAt", boom),
      { ...idle, data: withGetter(data, "title", boom) },
      { ...idle, data: { ...data, metadata: withGetter({ a: "b" }, "a", boom) } },
      {
        ...enriched,
        data: { ...enriched.data, evaluations: [withGetter(enriched.data.evaluations[0]!, "reasoning", boom)] }
      }
    ]
    for (const input of inputs) refusedEverywhere(input)
  })

  it("getters and proxies that answer like plain data decode as Effect decodes them", () => {
    expect(agree(withGetter(idle, "data", () => idle.data))).toBe("decoded")
    expect(agree(new Proxy({ ...idle }, {}))).toBe("decoded")
    expect(agree({ ...idle, data: new Proxy({ ...idle.data }, {}) })).toBe("decoded")
    expect(
      agree({ ...enriched, data: { ...enriched.data, evaluations: new Proxy([...enriched.data.evaluations], {}) } })
    )
      .toBe("decoded")
  })

  it("a getter that answers otherwise when read again: never a value of the wrong type out of the fast path", () => {
    // Valid on the first read, a number after: the result holds what was checked, a string, as Effect's does.
    const flipping = (valid: unknown, later: unknown) => {
      let reads = 0
      return () => (reads++ === 0 ? valid : later)
    }
    const data = idle.data as any
    for (
      const input of [
        { ...idle, data: withGetter(data, "id", flipping(data.id, 12345)) },
        withGetter(idle, "id", flipping(idle.id, 12345)),
        { ...idle, data: withGetter(data, "title", flipping(data.title, 12345)) }
      ]
    ) {
      const result = Event.decodeResult(input)
      if (Result.isSuccess(result)) {
        expect(typeof result.success.id).toBe("string")
        expect(typeof (result.success.data as any).id).toBe("string")
        const title = (result.success.data as any).title
        expect(title === null || typeof title === "string").toBe(true)
      }
    }
  })

  it("proxies whose traps throw: a SchemaError or Effect's value, never a throw", () => {
    for (const trap of ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor"] as const) {
      for (
        const input of [
          new Proxy({ ...idle }, { [trap]: boom }),
          { ...idle, data: new Proxy({ ...idle.data }, { [trap]: boom }) }
        ]
      ) {
        const expected = effectEvent(input)
        const result = Event.decodeResult(input)
        expect(Exit.isExit(Effect.runSyncExit(Event.decode(input)))).toBe(true)
        if (Result.isFailure(result)) {
          expect(Schema.isSchemaError(result.failure)).toBe(true)
          expect(Result.isFailure(expected)).toBe(true)
        } else if (Result.isSuccess(expected)) {
          expect(difference(result.success, expected.success, parts(input))).toBeUndefined()
        } else {
          // The one way the fast path reads differently: it learns a field is there from the keys it lists, where
          // Effect asks `has` first. A proxy whose `has` throws while it lists and reads its fields decodes here.
          expect(trap).toBe("has")
        }
      }
    }
    refusedEverywhere(new Proxy({ ...idle }, { get: boom }))
    refusedEverywhere({ ...idle, data: new Proxy({ ...idle.data }, { get: boom }) })
  })

  it("deep nesting: kept as it is where any value goes, refused where the schema has no such depth", () => {
    let deep: unknown = "bottom"
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const unknown = { ...idle, type: "webset.export.created", data: deep }
    expect(agree(unknown)).toBe("decoded")
    expect((Event.decodeSync(unknown) as Event.UnknownEvent).data).toBe(deep)
    refusedEverywhere({ ...idle, data: { ...idle.data, metadata: { a: deep } } })
    refusedEverywhere({ ...idle, data: deep })
    refusedEverywhere(deep)
  })

  it("__proto__, constructor and toString keys: dropped where the schema has no such field, kept in metadata", () => {
    const metadata = "{\"__proto__\":\"kept\",\"constructor\":\"also\",\"a\":\"b\"}"
    const data = JSON.stringify({ ...idle.data, metadata: "<metadata>" }).replace("\"<metadata>\"", metadata)
    const envelope = JSON.stringify({ ...idle, data: "<data>" }).replace("\"<data>\"", data)
    const input = JSON.parse(`{"__proto__":{"polluted":true},"toString":1,"constructor":{},${envelope.slice(1)}`)
    expect(Object.hasOwn(input, "__proto__")).toBe(true)
    expect(agree(input)).toBe("decoded")
    const decoded = Event.decodeSync(input) as Event.WebsetIdleEvent
    expect(Object.hasOwn(decoded, "__proto__")).toBe(false)
    expect(Object.hasOwn(decoded, "toString")).toBe(false)
    expect(Object.getPrototypeOf(decoded)).toBe(Event.WebsetIdleEvent.prototype)
    expect(Object.hasOwn(decoded.data.metadata!, "__proto__")).toBe(true)
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })

  it("symbol keys, non-enumerable and inherited fields, null prototypes, class instances: as Effect reads them", () => {
    const symbol = Symbol("extra")
    expect(agree({ ...idle, [symbol]: 1, data: { ...idle.data, [symbol]: 2 } })).toBe("decoded")
    const hidden = { ...idle.data } as Record<string, unknown>
    Object.defineProperty(hidden, "title", { value: "hidden", enumerable: false })
    expect(agree({ ...idle, data: hidden })).toBe("decoded")
    const { title: _, ...withoutTitle } = idle.data
    expect(agree({ ...idle, data: Object.assign(Object.create({ title: "inherited" }), withoutTitle) })).toBe(
      "decoded"
    )
    // Inherited last, where the input's own keys come in the declared order: read, as Effect reads it.
    const { updatedAt, ...withoutUpdatedAt } = idle.data
    expect(agree({ ...idle, data: Object.assign(Object.create({ updatedAt }), withoutUpdatedAt) })).toBe("decoded")
    const item = structuredClone(enriched) as any
    const { url, ...reference } = item.data.evaluations[0].references[0]
    item.data.evaluations[0].references[0] = Object.assign(Object.create({ url }), reference)
    expect(agree(item)).toBe("decoded")
    expect(agree(Object.assign(Object.create(null), idle))).toBe("decoded")
    expect(agree({ ...idle, data: Object.assign(Object.create(null), idle.data) })).toBe("decoded")
    // An event decoded before, passed in again: its own fields are read; its timestamps are not strings.
    agree(Event.decodeSync(idle))
    class Holder {
      constructor(readonly id: string) {}
    }
    agree({ ...idle, data: Object.assign(new Holder("x"), idle.data) })
    const holes = structuredClone(enriched) as any
    holes.data.evaluations.length = holes.data.evaluations.length + 2
    expect(agree(holes)).toBe("refused")
  })

  it("an enumerable key added to Object.prototype does not change the answer", () => {
    const prototype = Object.prototype as Record<string, unknown>
    try {
      prototype.title = "from the prototype"
      const { title: _, ...withoutTitle } = idle.data
      // The fast path leaves such an input to Effect.
      expect(closuresEvent(idle)).toBe(BAIL)
      expect(agree({ ...idle, data: withoutTitle }, true)).toBe("decoded")
      expect(agree(idle, true)).toBe("decoded")
      prototype.extra = 1
      expect(agree(idle, true)).toBe("decoded")
    } finally {
      delete prototype.title
      delete prototype.extra
    }
  })
})

// The closures themselves: with generated code, a plain schema would be decoded by Effect's own function.
const closures = { generated: false }

describe("the compiled decoder's parts", () => {
  it("builds instances of a registered class itself, equal to the constructor's; an unregistered one through it", () => {
    let constructed = 0
    class Counted extends Schema.Class<Counted>("Counted")({ a: Schema.String, b: Schema.optionalKey(Schema.Number) }) {
      constructor(props: { readonly a: string; readonly b?: number }, options?: Schema.MakeOptions) {
        super(props, options)
        constructed++
      }
    }
    const unregistered = compile(Counted.ast, closures)!
    const reference = effectDecode(Counted)
    const before = constructed
    const value = unregistered({ a: "x", b: 1, c: true })
    expect(value).toBeInstanceOf(Counted)
    expect(constructed).toBe(before + 1)
    expect(difference(value, reference({ a: "x", b: 1, c: true }).pipe(Result.getOrThrow), new Set())).toBeUndefined()

    class Plain extends Schema.Class<Plain>("Plain")({ a: Schema.String, b: Schema.optionalKey(Schema.Number) }) {}
    registerClass(Plain)
    const registered = compile(Plain.ast, closures)!
    const plain = effectDecode(Plain)
    for (const input of [{ a: "x", b: 1 }, { b: 2, a: "y", c: 1 }, { a: "z" }]) {
      const ours = registered(input)
      expect(ours).toBeInstanceOf(Plain)
      expect(difference(ours, Result.getOrThrow(plain(input)), new Set())).toBeUndefined()
      expect(difference(ours, new Plain(input as never), new Set())).toBeUndefined()
    }
    expect(registered({ a: 1 })).toBe(FAIL)
    // An annotated copy is another AST: decoded through the constructor, as Effect does.
    const annotated = Plain.annotate({ title: "plain" })
    expect(difference(compile(annotated.ast, closures)!({ a: "x" }), new Plain({ a: "x" }), new Set())).toBeUndefined()
  })

  it("a timestamp's hand-written decoder serves the timestamp only, not a schema decoding through it", () => {
    const Padded = Schema.String.pipe(
      Schema.decodeTo(
        Timestamp.Timestamp,
        SchemaTransformation.transform({ decode: (s: string) => s.trim(), encode: (s: string) => s })
      )
    )
    const fast = compile(Padded.ast, closures)!
    const reference = effectDecode(Padded)
    for (const input of [" 2025-11-12T21:50:51.207Z ", "2025-11-12T21:50:51.207Z", " soon ", 42]) {
      const expected = reference(input)
      const actual = fast(input)
      if (Result.isSuccess(expected)) {
        expect(difference(actual, expected.success, new Set())).toBeUndefined()
      } else {
        expect(actual === FAIL || actual === BAIL).toBe(true)
      }
    }
    expect(Result.isSuccess(reference(" 2025-11-12T21:50:51.207Z "))).toBe(true)
    const optional = Schema.Struct({
      at: Schema.optionalKey(Timestamp.Timestamp),
      m: Schema.optionalKey(Metadata.Metadata)
    })
    expect(
      difference(
        compile(optional.ast, closures)!({ at: "2025-11-12T21:50:51.207Z" }),
        Result.getOrThrow(effectDecode(optional)({ at: "2025-11-12T21:50:51.207Z" })),
        new Set()
      )
    ).toBeUndefined()
  })

  it("a union takes the first member, in its order, that accepts the input, as Effect does", () => {
    const A = Schema.Struct({ kind: Schema.Literal("a"), n: Schema.Number })
    const B = Schema.Struct({ kind: Schema.Literal("a"), n: Schema.String })
    const C = Schema.Struct({ n: Schema.Unknown })
    const union = Schema.Union([A, B, C, Schema.Null, Schema.String])
    const fast = compile(union.ast, closures)!
    const reference = effectDecode(union)
    for (
      const input of [{ kind: "a", n: 1 }, { kind: "a", n: "1" }, { kind: "b", n: 1 }, { n: [] }, null, "s", 1, [], {
        kind: "a"
      }]
    ) {
      const expected = reference(input)
      const actual = fast(input)
      if (Result.isSuccess(expected)) expect(difference(actual, expected.success, parts(input))).toBeUndefined()
      else expect(actual).toBe(FAIL)
    }
    const nullable = Schema.NullOr(Schema.Unknown)
    expect(compile(nullable.ast, closures)!(null)).toBeNull()
    // `NullOr(X)` where X takes null too: X comes first, in a struct's field as anywhere.
    const NullText = Schema.Null.pipe(
      Schema.decodeTo(Schema.String, SchemaTransformation.transform({ decode: () => "was null", encode: () => null }))
    )
    const field = Schema.Struct({ a: Schema.NullOr(NullText), b: Schema.NullOr(Schema.Literals(["x", "y"])) })
    expect(compile(field.ast, closures)!({ a: null, b: null })).toEqual(
      Result.getOrThrow(effectDecode(field)({ a: null, b: null }))
    )
    expect(compile(field.ast, closures)!({ a: null, b: null })).toEqual({ a: "was null", b: null })
  })

  it("a check on any node runs on its decoded value, as Effect runs it", () => {
    const Even = Schema.Number.check(Schema.makeFilter((n: number) => n % 2 === 0 || "odd"))
    const schema = Schema.Struct({ n: Even, list: Schema.Array(Schema.String).check(Schema.isMinLength(1)) })
    const fast = compile(schema.ast, closures)!
    expect(fast({ n: 2, list: ["a"] })).toEqual({ n: 2, list: ["a"] })
    expect(fast({ n: 3, list: ["a"] })).toBe(FAIL)
    expect(fast({ n: 2, list: [] })).toBe(FAIL)
  })

  it("parse options bypass the fast path", () => {
    const input = { ...Fixtures.events["monitor.run.completed"], extra: true }
    expect(Result.isSuccess(Event.decodeResult(input))).toBe(true)
    expect(Result.isFailure(Event.decodeResult(input, { onExcessProperty: "error" }))).toBe(true)
  })
})
