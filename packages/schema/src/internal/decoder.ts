/**
 * Decoders that take the compiled fast path and fall back to Effect Schema for anything it cannot settle, so the
 * result (and every error) is Effect Schema's.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as ParseResult from "effect/ParseResult"
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
  // Effect Schema itself can throw on hostile input: its union parser reads a discriminating field with `String(…)`,
  // which throws for an object such as `{"toString": false}` (valid JSON). Such an input is invalid for our schemas
  // (the discriminators are string literals), so it becomes a ParseError here, never a defect.
  const slow = (u: unknown, options: SchemaAST.ParseOptions | undefined): Either.Either<A, ParseResult.ParseError> => {
    try {
      return slowEither(u, options)
    } catch (error) {
      return Either.left(
        new ParseResult.ParseError({
          issue: new ParseResult.Type(schema.ast, u, `the input could not be read (${describe(error)})`)
        })
      )
    }
  }
  // Parse options change what is accepted (`onExcessProperty`, `exact`) or how errors read: the fast path only
  // stands in for the default behaviour.
  // A value a caller built can throw as it is read (a getter, a proxy): the fast path then gives up, and Effect
  // Schema reads it again, its throw made a ParseError by `slow`.
  const tryFast = (u: unknown, options: SchemaAST.ParseOptions | undefined): A | typeof FAIL => {
    if (fast === undefined || options !== undefined) return FAIL
    let a: unknown
    try {
      a = fast(u)
    } catch {
      return FAIL
    }
    return a === BAIL ? FAIL : (a as A | typeof FAIL)
  }
  return {
    either: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? slow(u, options) : Either.right(a)
    },
    // As `Schema.decodeUnknownSync`: the ParseError is thrown.
    sync: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? Either.getOrThrowWith(slow(u, options), identity) : a
    },
    // The package's schemas are synchronous, so the Either is the whole answer.
    effect: (u, options) => {
      const a = tryFast(u, options)
      return a === FAIL ? Effect.suspend(() => slow(u, options)) : Effect.succeed(a)
    }
  }
}

const describe = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : "an unreadable error"
  } catch {
    return "an unreadable error"
  }
}

/** Whether the schema compiles to a fast path (for tests). */
export const isCompiled = <A, I>(schema: Schema.Schema<A, I, never>): boolean => compile(schema.ast) !== undefined
