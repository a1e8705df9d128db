/**
 * The package's decoders: Effect Schema's own, guarded so that no input, however hostile, escapes as a thrown
 * exception or a defect.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
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
