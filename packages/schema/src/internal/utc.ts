/**
 * `DateTime.Utc` values built without `DateTime.unsafeMake`'s input sniffing (which also goes through a `Date`).
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"

// Effect builds a Utc as `Object.create(ProtoUtc)` with an enumerable `epochMillis` and a non-enumerable, writable
// `partsUtc` cache. The constructor below builds the same object; it is used only if a sample from Effect has
// exactly that shape, so a future Effect that changes it gets `DateTime.unsafeMake` instead, never a lookalike.
const sample = DateTime.unsafeMake(0)
const parts = Object.getOwnPropertyDescriptor(sample, "partsUtc")
const sameShape = Object.getOwnPropertyNames(sample).join(",") === "epochMillis,partsUtc" &&
  Object.keys(sample).join(",") === "epochMillis" &&
  parts !== undefined && parts.writable === true && parts.enumerable === false && parts.configurable === false &&
  "value" in parts && parts.value === undefined

// One shared descriptor: the property is defined, never read back through it.
const PARTS: PropertyDescriptor = { value: undefined, enumerable: false, writable: true }

interface UtcConstructor {
  new(epochMillis: number): DateTime.Utc
}

const Utc = function(this: { epochMillis: number }, epochMillis: number) {
  this.epochMillis = epochMillis
  Object.defineProperty(this, "partsUtc", PARTS)
} as unknown as UtcConstructor
Utc.prototype = Object.getPrototypeOf(sample)

/** A `DateTime.Utc` at valid epoch milliseconds (the caller has checked them). */
export const makeUtc: (epochMillis: number) => DateTime.Utc = sameShape
  ? (epochMillis) => new Utc(epochMillis)
  : (epochMillis) => DateTime.unsafeMake(epochMillis)

/** Whether {@link makeUtc} builds the objects itself (for tests). */
export const isNative = sameShape
