/**
 * The lease's options, validated: shared by `Lease` and `Inbox`, which checks them when it is built.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Params from "./params.js"

/** Defaults, in milliseconds. */
export const defaults = { duration: 5000, renewEvery: 1000, retryEvery: 500 } as const

export interface Settings {
  readonly duration: number
  readonly renewEvery: number
  readonly retryEvery: number
  readonly holder: string | undefined
}

/**
 * The longest duration the lease and the inbox take: ten years. PostgreSQL adds them to `now()`, and a timestamp far
 * enough out is out of its range: refused here as bad input, not later as a failing query.
 */
export const maxMillis = 10 * 365 * 24 * 3600 * 1000

/** A duration option from 1 millisecond to ten years, in milliseconds (throws `Params.Invalid`). */
export const positive = (name: string, value: unknown): number => {
  const millis = Duration.toMillis(Params.duration(name, value))
  if (millis < 1) throw new Params.Invalid(`${name} must be at least 1 millisecond`)
  if (millis > maxMillis) throw new Params.Invalid(`${name} must be at most 10 years`)
  return millis
}

/** The lease options as given (`Lease.Options`; typed loosely here so this module does not import `Lease`). */
interface Input {
  readonly duration?: unknown
  readonly renewEvery?: unknown
  readonly retryEvery?: unknown
  readonly holder?: unknown
}

/** Validates lease options (throws `Params.Invalid`). */
export const settingsOf = (options: Input | undefined): Settings => {
  const o = Params.record("the lease options", options)
  const duration = o.duration === undefined ? defaults.duration : positive("lease duration", o.duration)
  const renewEvery = o.renewEvery === undefined
    ? Math.min(defaults.renewEvery, duration / 2)
    : positive("lease renewEvery", o.renewEvery)
  if (renewEvery >= duration) throw new Params.Invalid("lease renewEvery must be shorter than the lease duration")
  return {
    duration,
    renewEvery,
    retryEvery: o.retryEvery === undefined ? defaults.retryEvery : positive("lease retryEvery", o.retryEvery),
    holder: o.holder === undefined ? undefined : Params.nonEmptyString("lease holder", o.holder)
  }
}
