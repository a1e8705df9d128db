/**
 * String keys to string values, every own key kept: metadata, response headers.
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { FAIL, FastDecode } from "./compile.js"

type Record_ = { readonly [x: string]: string }

// Every own key, each value a string. The object is taken as it is, not rebuilt: rebuilding by assignment (as
// `Schema.Record` does) silently drops a key named `__proto__`, which JSON may carry like any other.
const parse = (
  u: unknown,
  _: SchemaAST.ParseOptions,
  ast: SchemaAST.AST
): Either.Either<Record_, ParseResult.ParseIssue> => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return ParseResult.fail(new ParseResult.Type(ast, u))
  for (const key of Object.keys(u)) {
    const value = (u as Record<string, unknown>)[key]
    if (typeof value !== "string") {
      return ParseResult.fail(new ParseResult.Pointer(key, u, new ParseResult.Type(Schema.String.ast, value)))
    }
  }
  return ParseResult.succeed(u as Record_)
}

// The same check for the compiled decoder, without building an Either: the object itself, or FAIL.
const decodeFast = (u: unknown): Record_ | typeof FAIL => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return FAIL
  for (const key in u) {
    if (Object.prototype.hasOwnProperty.call(u, key) && typeof (u as Record<string, unknown>)[key] !== "string") {
      return FAIL
    }
  }
  return u as Record_
}

/** A string-to-string record schema under its own identifier. */
export const stringRecord = (
  identifier: string,
  description: string
): Schema.declare<Record_, Record_, readonly []> =>
  Schema.declare([], {
    decode: () => parse,
    encode: () => parse
  }, {
    identifier,
    description,
    arbitrary: () => (fc) => fc.dictionary(fc.string(), fc.string()),
    pretty: () => (record) => JSON.stringify(record),
    equivalence: () => (a, b) => {
      const keys = Object.keys(a)
      return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
    },
    [FastDecode]: decodeFast
  })
