/**
 * The package's decoders: the compiled fast path (`compile.ts`) for what it can settle, then Effect Schema's own
 * parser (compiled by Effect's JIT compiler where it can) for everything else, so that the result and every error are
 * Effect's; guarded so that no input, however hostile, escapes as a thrown exception or a defect.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaJITCompiler from "effect/schema/SchemaJITCompiler"
import type * as SchemaAST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import { BAIL, compile, FAIL } from "./compile.js"

export interface Decoder<A> {
  readonly result: (u: unknown, options?: SchemaAST.ParseOptions) => Result.Result<A, Schema.SchemaError>
  readonly sync: (u: unknown, options?: SchemaAST.ParseOptions) => A
  readonly effect: (u: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<A, Schema.SchemaError>
}

const describe = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : "an unreadable error"
  } catch {
    return "an unreadable error"
  }
}

export const make = <A, I>(schema: Schema.Codec<A, I>): Decoder<A> => {
  // The fast path settles valid inputs under the default options without running an Effect; anything else (an
  // invalid input, parse options, a node it does not handle) goes to Effect's parser below.
  const fast = compile(schema.ast)
  // Effect's own parser decides whatever the fast path does not: every invalid input (so errors read word for word as
  // Effect's), parse options, a schema it does not compile. Effect 4's JIT compiler (`effect/schema/SchemaJITCompiler`)
  // generates a plain function (`new Function`) for each node of the schema it can; nodes it cannot compile as one
  // function (a class, a timestamp: declarations and effectful transformations) get its compiled runtime, and any
  // failure is replayed by its interpreter. It must be enabled before the parser below first runs (a parser keeps the
  // entry it resolved first); it also speeds up `Schema.decodeUnknown*` of these schemas outside this package. Where
  // `new Function` is refused (a Content-Security-Policy without 'unsafe-eval', some edge runtimes) Effect keeps the
  // interpreter, and the fast path, which generates no code, still decodes valid inputs.
  SchemaJITCompiler.enable(schema.ast)
  const decode = Schema.decodeUnknownResult(schema)
  // A getter that throws, or a discriminator that cannot be turned into a string, must give a SchemaError like any
  // other bad input (our discriminators are string literals, so such an input is never valid).
  const slow = (u: unknown, options: SchemaAST.ParseOptions | undefined): Result.Result<A, Schema.SchemaError> => {
    try {
      return decode(u, options)
    } catch (error) {
      return Result.fail(
        new Schema.SchemaError(
          new SchemaIssue.InvalidValue({ message: `the input could not be read (${describe(error)})` }, u)
        )
      )
    }
  }
  // The decoded value, or FAIL for Effect's parser to decide. Whatever the fast path throws on (a getter, a proxy
  // trap) is left to Effect's parser too, which reports it as a SchemaError if it meets it.
  const tryFast = fast === undefined
    ? () => FAIL
    : (u: unknown, options: SchemaAST.ParseOptions | undefined): unknown => {
      if (options !== undefined) return FAIL
      try {
        const a = fast(u)
        return a === BAIL ? FAIL : a
      } catch {
        return FAIL
      }
    }
  const result = (u: unknown, options?: SchemaAST.ParseOptions): Result.Result<A, Schema.SchemaError> => {
    const a = tryFast(u, options)
    return a === FAIL ? slow(u, options) : Result.succeed(a as A)
  }
  return {
    result,
    // As `Schema.decodeUnknownSync`: the SchemaError is thrown.
    sync: (u, options) => {
      const a = tryFast(u, options)
      if (a !== FAIL) return a as A
      const r = slow(u, options)
      if (Result.isSuccess(r)) return r.success
      throw r.failure
    },
    // The package's schemas are synchronous, so the Result is the whole answer.
    effect: (u, options) => Effect.suspend(() => Effect.fromResult(result(u, options)))
  }
}

/** Whether the schema compiles to a fast path (for tests). */
export const isCompiled = <A, I>(schema: Schema.Codec<A, I>): boolean => compile(schema.ast) !== undefined
