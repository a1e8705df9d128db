/**
 * Decoders that take the compiled fast path and fall back to Effect Schema for anything it cannot settle, so the
 * result (and every error) is Effect Schema's.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { BAIL, compile, FAIL } from "./compile.js"

export interface Decoder<A> {
  readonly either: (u: unknown, options?: SchemaAST.ParseOptions) => Either.Either<A, ParseResult.ParseError>
  readonly sync: (u: unknown, options?: SchemaAST.ParseOptions) => A
  readonly effect: (u: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<A, ParseResult.ParseError>
}

export const make = <A, I>(schema: Schema.Schema<A, I, never>): Decoder<A> => {
  const fast = compile(schema.ast)
  const slowEither = Schema.decodeUnknownEither(schema)
  const slowSync = Schema.decodeUnknownSync(schema)
  const slowEffect = Schema.decodeUnknown(schema)
  // Parse options change what is accepted (`onExcessProperty`, `exact`) or how errors read: the fast path only
  // stands in for the default behaviour.
  const tryFast = (u: unknown, options: SchemaAST.ParseOptions | undefined): A | typeof FAIL => {
    if (fast === undefined || options !== undefined) return FAIL
    const a = fast(u)
    return a === BAIL ? FAIL : (a as A | typeof FAIL)
  }
  return {
    either: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? slowEither(u, options) : Either.right(a)
    },
    sync: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? slowSync(u, options) : a
    },
    effect: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? slowEffect(u, options) : Effect.succeed(a)
    }
  }
}

/** Whether the schema compiles to a fast path (for tests). */
export const isCompiled = <A, I>(schema: Schema.Schema<A, I, never>): boolean => compile(schema.ast) !== undefined
