/**
 * Checking what a caller passes before anything is sent. Every public method builds its request inside
 * `validated`: a check that fails throws `Invalid`, and anything else a hostile value throws on the way (a getter, a
 * `toString`, a `Proxy`) is caught too, so a method never throws and never dies on its arguments: the caller gets an
 * `InvalidRequest` in the error channel.
 *
 * @internal
 */
import * as EventType from "@effect-exa/schema/EventType"
import * as Timestamp from "@effect-exa/schema/Timestamp"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Errors from "../Errors.js"

/** A failed check, thrown inside `validated` (or `settings`, for a layer's options, which also names the field). */
export class Invalid {
  constructor(readonly reason: string, readonly field?: string | undefined) {}
}

/** Runs `build` (which may throw `Invalid`) when the effect runs; any throw becomes an `InvalidRequest`. */
export const validated = <A, E, R>(
  build: () => Effect.Effect<A, E, R>
): Effect.Effect<A, E | Errors.InvalidRequest, R> =>
  Effect.suspend((): Effect.Effect<A, E | Errors.InvalidRequest, R> => {
    try {
      return build()
    } catch (error) {
      return Effect.fail(
        new Errors.InvalidRequest({
          reason: error instanceof Invalid ? error.reason : `the arguments could not be read (${describeThrown(error)})`
        })
      )
    }
  })

const describeThrown = (error: unknown): string => {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : typeof error
  } catch {
    return "an unreadable error"
  }
}

/** A short, safe rendering of a value for a reason. */
export const show = (value: unknown): string => {
  if (value === null) return "null"
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value)
    case "symbol":
      return "a symbol"
    case "function":
      return "a function"
    default:
      return Array.isArray(value) ? "an array" : "an object"
  }
}

// A UTF-16 code unit of a surrogate pair standing alone: not text, and no URL can carry it.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A non-empty, well-formed string. */
export const nonEmptyString = (name: string, value: unknown): string => {
  if (typeof value !== "string") throw new Invalid(`${name} must be a string, got ${show(value)}`)
  if (value.length === 0) throw new Invalid(`${name} must not be empty`)
  if (loneSurrogate.test(value)) throw new Invalid(`${name} holds a lone UTF-16 surrogate, which cannot be sent`)
  return value
}

/**
 * An id that can be one path segment (the pipeline percent-encodes it: every character that could change the route,
 * `/`, `?`, `#`, `%`, is escaped). `.` and `..` cannot be sent at all: URL parsers resolve those segments (even as
 * `%2E%2E`) into a parent path.
 */
export const pathId = (name: string, value: unknown): string => {
  const id = nonEmptyString(name, value)
  if (id === "." || id === "..") throw new Invalid(`${name} ${JSON.stringify(id)} cannot be put in a URL path`)
  return id
}

/** The parameters object of a method: `undefined` means none. */
export const record = <P extends object>(name: string, value: P | undefined): Partial<P> => {
  if (value === undefined) return {}
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid(`${name} must be an object, got ${show(value)}`)
  }
  return value
}

/** An integer in `[min, max]`. */
export const integer = (name: string, value: unknown, min: number, max: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Invalid(`${name} must be an integer from ${min} to ${max}, got ${show(value)}`)
  }
  return value
}

/** A boolean. */
export const boolean = (name: string, value: unknown): boolean => {
  if (typeof value !== "boolean") throw new Invalid(`${name} must be true or false, got ${show(value)}`)
  return value
}

/**
 * A non-empty array of event types, each once: known ones; with `unrecognized`, also types this version does not know
 * (`EventType.UnrecognizedEventType`), in the shape of a type.
 */
export const eventTypes: {
  (name: string, value: unknown): ReadonlyArray<EventType.EventType>
  (name: string, value: unknown, options: { readonly unrecognized: true }): ReadonlyArray<EventType.AnyEventType>
} = (name: string, value: unknown, options?: { readonly unrecognized: true }): ReadonlyArray<any> => {
  if (!Array.isArray(value)) throw new Invalid(`${name} must be an array of event types, got ${show(value)}`)
  if (value.length === 0) throw new Invalid(`${name} must name at least one event type`)
  const out: Array<string> = []
  for (const type of value as ReadonlyArray<unknown>) {
    const accepted = typeof type === "string" &&
      (EventType.isEventType(type) || (options?.unrecognized === true && looksLikeEventType(type)))
    if (!accepted) throw new Invalid(`unknown event type ${show(type)}`)
    if (!out.includes(type)) out.push(type)
  }
  return out
}

// The shape of every type Exa has named (`webset.item.enriched`): dotted lower-case words. A type this version does
// not know is sent only in that shape, so a stray value (a sentence, a URL) is still refused before sending.
const looksLikeEventType = (type: string): boolean =>
  type.length <= 100 && /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(type)

/** One event type the API knows. */
export const eventType = (name: string, value: unknown): EventType.EventType => {
  if (typeof value !== "string" || !EventType.isEventType(value)) {
    throw new Invalid(`${name} must be an event type, got ${show(value)}`)
  }
  return value
}

/**
 * A duration: zero or more and finite, unless `bounds` says otherwise (longer than zero; `Infinity` allowed). The one
 * duration check of the package: call arguments and the client's options go through it.
 */
export const duration = (
  name: string,
  value: unknown,
  bounds?: { readonly positive?: boolean | undefined; readonly infinite?: boolean | undefined }
): Duration.Duration => {
  let decoded: Duration.Duration | undefined
  try {
    // Effect 4 reads `NaN` and any object as a duration object (zero); only numbers, strings, tuples and durations
    // are taken here, as the Effect 3 line's `Duration.decode` took them.
    if (
      (typeof value === "number" && !Number.isNaN(value)) || typeof value === "string" || typeof value === "bigint" ||
      Array.isArray(value) || Duration.isDuration(value)
    ) {
      const option = Duration.fromInput(value as Duration.Input)
      decoded = option._tag === "Some" ? option.value : undefined
    }
  } catch {
    decoded = undefined
  }
  if (decoded === undefined) {
    throw new Invalid(`${name} must be a Duration (for example "5 minutes"), got ${show(value)}`, name)
  }
  const millis = Duration.toMillis(decoded)
  if (!Duration.isFinite(decoded) && !(millis === Infinity && bounds?.infinite === true)) {
    throw new Invalid(`${name} must be finite`, name)
  }
  if (bounds?.positive === true && !(millis > 0)) throw new Invalid(`${name} must be longer than zero`, name)
  if (millis < 0) throw new Invalid(`${name} must not be negative`, name)
  return decoded
}

/** `cursor` and `limit` of a list call, as query parameters in that order. */
export const pagination = (
  p: { readonly cursor?: unknown; readonly limit?: unknown }
): Array<readonly [string, string]> => {
  const query: Array<readonly [string, string]> = []
  if (p.cursor !== undefined) query.push(["cursor", nonEmptyString("cursor", p.cursor)])
  if (p.limit !== undefined) query.push(["limit", String(integer("limit", p.limit, 1, 200))])
  return query
}

/** An instant (a `DateTime`, a valid `Date`, or an RFC 3339 string) as the API's timestamp text. */
export const timestamp = (name: string, value: unknown): string => {
  if (typeof value === "string") {
    if (Timestamp.parse(value) === undefined) {
      throw new Invalid(`${name} must be an RFC 3339 timestamp, got ${show(value)}`)
    }
    return value
  }
  let text: string
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Invalid(`${name} is an invalid Date`)
    text = value.toISOString()
  } else if (DateTime.isDateTime(value)) {
    text = DateTime.formatIso(value)
  } else {
    throw new Invalid(`${name} must be a DateTime, a Date or an RFC 3339 string, got ${show(value)}`)
  }
  // Years outside 0000-9999 print as `+010000-…`, which is not RFC 3339.
  if (Timestamp.parse(text) === undefined) throw new Invalid(`${name} is outside the years 0000 to 9999`)
  return text
}

const loopback = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/

/**
 * Where a webhook delivers: an absolute `https` URL, or plain `http` to a loopback host (a receiver on this machine,
 * the emulator). Exa POSTs events there, so nothing else makes sense: no other scheme, no whitespace around it.
 */
export const webhookUrl = (name: string, value: unknown): string => {
  const text = nonEmptyString(name, value)
  if (text.trim() !== text || /[\u0000-\u001f\u007f\s]/.test(text)) {
    throw new Invalid(`${name} must not contain whitespace or control characters`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Invalid(`${name} must be an absolute URL, got ${show(text)}`)
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && loopback.test(url.hostname))) return text
  throw new Invalid(
    `${name} must be an https URL (plain http only to localhost, 127.0.0.1 or [::1]), got ${show(text)}`
  )
}

/** The longest metadata value the API accepts. */
export const maxMetadataValue = 1000

/**
 * Metadata: an object of string values of at most 1000 characters. Rebuilt as a fresh object of own keys, a key
 * named `__proto__` included (it is an own key of JSON-parsed input and must be sent as one).
 */
export const metadata = (name: string, value: unknown): Record<string, string> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid(`${name} must be an object of strings, got ${show(value)}`)
  }
  const entries: Array<[string, string]> = []
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key]
    const where = `${name}[${show(key)}]`
    if (typeof v !== "string") throw new Invalid(`${where} must be a string, got ${show(v)}`)
    if (v.length > maxMetadataValue) {
      throw new Invalid(`${where} is ${v.length} characters; at most ${maxMetadataValue}`)
    }
    if (loneSurrogate.test(v) || loneSurrogate.test(key)) throw new Invalid(`${where} holds a lone UTF-16 surrogate`)
    entries.push([key, v])
  }
  return Object.fromEntries(entries)
}
