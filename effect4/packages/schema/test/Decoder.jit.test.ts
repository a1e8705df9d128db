import { Metadata, Timestamp } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Decoder from "../src/internal/decoder.js"

// A fresh schema per call (its own AST, so its own compiler entries) with the parts the events are made of: a class,
// timestamps, a string record, a union of literals, a nullable field, an array of structs.
const makeSchema = () =>
  class Thing extends Schema.Class<Thing>("Thing")({
    id: Schema.String,
    status: Schema.Literals(["idle", "running"]),
    title: Schema.NullOr(Schema.String),
    tags: Schema.Array(Schema.Struct({ name: Schema.String, weight: Schema.Number })),
    metadata: Schema.optionalKey(Metadata.Metadata),
    createdAt: Timestamp.Timestamp
  }) {}

const inputs: ReadonlyArray<unknown> = [
  {
    id: "t_1",
    status: "idle",
    title: null,
    tags: [{ name: "a", weight: 1 }],
    metadata: { k: "v" },
    createdAt: "2025-11-12T21:50:51.207Z"
  },
  { id: "t_2", status: "running", title: "x", tags: [], createdAt: "2025-11-12T21:50:51+02:00" },
  { id: "t_3", status: "stopped", title: null, tags: [], createdAt: "2025-11-12T21:50:51.207Z" },
  { id: "t_4", status: "idle", title: null, tags: [{ name: "a", weight: "1" }], createdAt: "2025-11-12T21:50:51Z" },
  { id: "t_5", status: "idle", title: null, tags: [], metadata: { k: 1 }, createdAt: "2025-11-12T21:50:51Z" },
  { id: "t_6", status: "idle", title: null, tags: [], createdAt: "2025-02-30T00:00:00Z" },
  { id: "t_7", status: "idle", tags: [], createdAt: "2025-11-12T21:50:51Z" },
  null,
  "t_8"
]

// Runs `f` with `Function` refusing to build code from a string, as under a Content-Security-Policy without
// 'unsafe-eval'.
const withoutCodeGeneration = <A>(f: () => A): A => {
  const original = globalThis.Function
  globalThis.Function = function() {
    throw new EvalError("Code generation from strings disallowed for this context")
  } as unknown as FunctionConstructor
  try {
    return f()
  } finally {
    globalThis.Function = original
  }
}

// Parse options (even none: `{}`) send a decode to Effect's parser, past the package's own compiled fast path: what
// these tests look at.
const viaEffect = {}

describe("the package's decoders, compiled by Effect's JIT compiler where Effect's parser decides", () => {
  it("generate code for a schema's nodes when Effect's parser first decodes", () => {
    const original = globalThis.Function
    let generated = 0
    globalThis.Function = new Proxy(original, {
      apply: (target, self, args) => {
        generated++
        return Reflect.apply(target, self, args)
      }
    })
    try {
      const decoder = Decoder.make(makeSchema())
      expect(Result.isSuccess(decoder.result(inputs[0], viaEffect))).toBe(true)
    } finally {
      globalThis.Function = original
    }
    expect(generated).toBeGreaterThan(0)
  })

  it("hand a plain subtree (the array of structs) to Effect's generated function on the fast path too", () => {
    const original = globalThis.Function
    let generated = 0
    globalThis.Function = new Proxy(original, {
      apply: (target, self, args) => {
        // Effect's JIT compiler builds each function from (ast, R, resolve, source); probes take one argument.
        if (args.length === 4) generated++
        return Reflect.apply(target, self, args)
      }
    })
    try {
      const decoder = Decoder.make(makeSchema())
      expect(Result.isSuccess(decoder.result(inputs[0]))).toBe(true)
    } finally {
      globalThis.Function = original
    }
    expect(generated).toBeGreaterThan(0)
  })

  it("decode to the same values and fail with the same messages as Effect's interpreter alone", () => {
    const compiled = Decoder.make(makeSchema())
    // Without code generation the compiler gives up on every node: Effect's interpreter decodes.
    const interpreted = withoutCodeGeneration(() => {
      const decoder = Decoder.make(makeSchema())
      for (const input of inputs) decoder.result(input, viaEffect) // every node resolved while code generation is refused
      return decoder
    })
    for (const input of inputs) {
      const a = compiled.result(input, viaEffect)
      const b = interpreted.result(input, viaEffect)
      // The package's fast path gives the same answer.
      expect(compiled.result(input)._tag).toBe(a._tag)
      expect(a._tag).toBe(b._tag)
      if (Result.isSuccess(a) && Result.isSuccess(b)) {
        expect({ ...a.success }).toStrictEqual({ ...b.success })
      } else {
        assert(Result.isFailure(a) && Result.isFailure(b))
        expect(a.failure.message).toBe(b.failure.message)
      }
    }
    expect(inputs.filter((input) => Result.isSuccess(compiled.result(input)))).toHaveLength(2)
  })

  it("still decode where code generation is refused", () => {
    withoutCodeGeneration(() => {
      const decoder = Decoder.make(makeSchema())
      const value = decoder.sync(inputs[0])
      expect(value.id).toBe("t_1")
      expect(value.createdAt.epochMilliseconds).toBe(Date.UTC(2025, 10, 12, 21, 50, 51, 207))
      const failure = decoder.result(inputs[2])
      assert(Result.isFailure(failure))
      expect(failure.failure.message).toContain("status")
    })
  })
})
