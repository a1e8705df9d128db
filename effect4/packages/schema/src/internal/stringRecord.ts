/**
 * String keys to string values, every own key kept: metadata, response headers.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import { FAIL, fastDecode } from "./compile.js"

type Record_ = { readonly [x: string]: string }

// Generated values come from Effect's own record arbitrary; the link takes them as they are.
const arbitrarySource = Schema.Record(Schema.String, Schema.String)

const isObject = (input: unknown): input is object =>
  typeof input === "object" && input !== null && !Array.isArray(input)

// The first own key whose value is not a string, with that value; `undefined` when every value is a string.
const firstNonString = (input: object): readonly [string, unknown] | undefined => {
  for (const key of Object.keys(input)) {
    const value = (input as Record<string, unknown>)[key]
    if (typeof value !== "string") return [key, value]
  }
  return undefined
}

// The same check for the package's compiled decoder (internal/compile.ts), without an Effect.
const decodeFast = (input: unknown): Record_ | typeof FAIL =>
  isObject(input) && firstNonString(input) === undefined ? input as Record_ : FAIL

/** A string-to-string record schema under its own identifier. */
export const stringRecord = (identifier: string, description: string): Schema.declare<Record_> =>
  // The object is taken as it is, not rebuilt: rebuilding by assignment silently drops a key named `__proto__`,
  // which JSON may carry like any other. A value that is not a string is reported at its key.
  Schema.declareConstructor<Record_>()(
    [],
    () => (input, ast, options) => {
      if (!isObject(input)) return Effect.fail(new SchemaIssue.InvalidType(ast, input, options))
      const bad = firstNonString(input)
      if (bad !== undefined) {
        return Effect.fail(
          new SchemaIssue.Pointer([bad[0]], new SchemaIssue.InvalidType(Schema.String.ast, bad[1], options))
        )
      }
      return Effect.succeed(input as Record_)
    },
    {
      identifier,
      description,
      expected: description,
      toCodecArbitrary: () =>
        Schema.link<Record_>()(arbitrarySource, {
          decode: SchemaGetter.passthrough(),
          encode: SchemaGetter.passthrough()
        }),
      toEquivalence: () => (a, b) => {
        const keys = Object.keys(a)
        return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
      },
      toFormatter: () => (record) => JSON.stringify(record),
      ...fastDecode(decodeFast)
    }
  )
