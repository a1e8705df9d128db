/**
 * `DateTime.Utc` values built without `DateTime.makeUnsafe`'s detour through a `Date`.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"

// Effect builds a Utc as `Object.create(ProtoUtc)` with one own, enumerable `epochMilliseconds`; `makeUnsafe` goes
// through a `Date` to get there. A timestamp has a dozen of these per event, so they are built the same way here,
// directly, if a sample from Effect has exactly that shape (a future Effect that changes it gets `makeUnsafe`).
const sample = DateTime.makeUnsafe(0)
const ProtoUtc = Object.getPrototypeOf(sample) as object
const sameShape = Reflect.ownKeys(sample).join(",") === "epochMilliseconds" &&
  Object.getOwnPropertyDescriptor(sample, "epochMilliseconds")?.writable === true &&
  Object.getOwnPropertyDescriptor(sample, "epochMilliseconds")?.enumerable === true

/** A `DateTime.Utc` at valid epoch milliseconds (the caller has checked them). */
export const makeUtc: (epochMillis: number) => DateTime.Utc = sameShape
  ? (epochMillis) => {
    const utc = Object.create(ProtoUtc) as { epochMilliseconds: number }
    utc.epochMilliseconds = epochMillis
    return utc as unknown as DateTime.Utc
  }
  : (epochMillis) => DateTime.makeUnsafe(epochMillis)

/** Whether {@link makeUtc} builds the objects itself (for tests). */
export const isNative = sameShape
