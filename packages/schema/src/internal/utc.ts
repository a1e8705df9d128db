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

// Effect gives each Utc a non-enumerable `partsUtc` slot at once, with `Object.defineProperty`: about 120 ns per
// value, most of what decoding a small event costs (one has a dozen timestamps). Here the slot starts on a prototype
// between the instance and Effect's (a getter reading `undefined`), and becomes the same own, non-enumerable,
// writable property the first time Effect fills it (`getPartsUtc` caches the parts there). Keys, `_tag`, equality,
// hashing, `toJSON` and formatting are Effect's own, inherited.
const ProtoUtc = Object.getPrototypeOf(sample) as object
const LazyParts: object = Object.create(ProtoUtc, {
  partsUtc: {
    get: () => undefined,
    set(this: object, value: unknown) {
      Object.defineProperty(this, "partsUtc", { value, enumerable: false, writable: true, configurable: false })
    },
    enumerable: false,
    configurable: false
  }
})

interface UtcConstructor {
  new(epochMillis: number): DateTime.Utc
}

const Utc = function(this: { epochMillis: number }, epochMillis: number) {
  this.epochMillis = epochMillis
} as unknown as UtcConstructor
Utc.prototype = LazyParts

/** A `DateTime.Utc` at valid epoch milliseconds (the caller has checked them). */
export const makeUtc: (epochMillis: number) => DateTime.Utc = sameShape
  ? (epochMillis) => new Utc(epochMillis)
  : (epochMillis) => DateTime.unsafeMake(epochMillis)

/** Whether {@link makeUtc} builds the objects itself (for tests). */
export const isNative = sameShape
