/**
 * The package's decoders: Effect Schema's own, guarded so that no input, however hostile, escapes as a thrown
 * exception or a defect, and compiled by Effect's own JIT compiler where it can.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaJITCompiler from "effect/schema/SchemaJITCompiler"
import type * as SchemaAST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"

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
  // Effect 4's JIT compiler (`effect/schema/SchemaJITCompiler`) generates a plain function (`new Function`) for each
  // node of the schema it can, which checks and copies a value without running an Effect; nodes it cannot compile as
  // one function (a class, a timestamp: declarations and effectful transformations) get its compiled runtime, and
  // any failure is replayed by the interpreter, so errors read word for word as before. On the events of
  // docs/performance.md it takes decoding from 1.45–1.65x the Effect 3 line's compiled decoder to 0.9–1.5x. It must
  // be enabled before the parser below first runs (a parser keeps the entry it resolved first); it also speeds up
  // `Schema.decodeUnknown*` of these schemas outside this package. Where `new Function` is refused (a
  // Content-Security-Policy without 'unsafe-eval', some edge runtimes) Effect keeps the interpreter.
  SchemaJITCompiler.enable(schema.ast)
  const decode = Schema.decodeUnknownResult(schema)
  // A getter that throws, or a discriminator that cannot be turned into a string, must give a SchemaError like any
  // other bad input (our discriminators are string literals, so such an input is never valid).
  const result = (u: unknown, options?: SchemaAST.ParseOptions): Result.Result<A, Schema.SchemaError> => {
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
  return {
    result,
    // As `Schema.decodeUnknownSync`: the SchemaError is thrown.
    sync: (u, options) => {
      const r = result(u, options)
      if (Result.isSuccess(r)) return r.success
      throw r.failure
    },
    // The package's schemas are synchronous, so the Result is the whole answer.
    effect: (u, options) => Effect.suspend(() => Effect.fromResult(result(u, options)))
  }
}
