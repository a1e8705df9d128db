/**
 * The event type strings.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The 17 event types that carry a published `data` schema, in the API's published order.
 *
 * @since 0.1.0
 * @category constants
 */
export const knownTypes = [
  "webset.created",
  "webset.deleted",
  "webset.idle",
  "webset.paused",
  "webset.item.created",
  "webset.item.enriched",
  "webset.search.created",
  "webset.search.updated",
  "webset.search.canceled",
  "webset.search.completed",
  "import.created",
  "import.completed",
  "monitor.created",
  "monitor.updated",
  "monitor.deleted",
  "monitor.run.created",
  "monitor.run.completed"
] as const

/**
 * The types the API lists but documents no payload for. Events of these types decode to `UnknownEvent`.
 *
 * @since 0.1.0
 * @category constants
 */
export const opaqueTypes = ["webset.export.created", "webset.export.completed"] as const

/**
 * All 19 `EventType` values, usable in the `types` filter of `listEvents` and in webhook subscriptions.
 *
 * @since 0.1.0
 * @category constants
 */
export const all = [...knownTypes, ...opaqueTypes] as const

/**
 * A type string with a modelled payload.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KnownEventType: Schema.Literals<typeof knownTypes> = Schema.Literals(knownTypes)

/**
 * The type the `KnownEventType` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type KnownEventType = typeof KnownEventType.Type

/**
 * Any of the 19 type strings the API defines.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventType: Schema.Literals<typeof all> = Schema.Literals(all)

/**
 * The type the `EventType` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type EventType = typeof EventType.Type

const knownSet: ReadonlySet<string> = new Set(knownTypes)

/**
 * Whether a string is one of the 17 types with a modelled payload.
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnown = (type: string): type is KnownEventType => knownSet.has(type)

const allSet: ReadonlySet<string> = new Set(all)

/**
 * Whether a string is one of the 19 type strings the API defines.
 *
 * @since 0.1.0
 * @category guards
 */
export const isEventType = (type: string): type is EventType => allSet.has(type)

/**
 * An event type string that is none of the 19 this version knows: one the API added later. Webhooks and delivery
 * attempts keep it as data (branded, so it cannot be passed where a known `EventType` is required), so that
 * managing webhooks keeps working when the API grows. An empty string is not a type.
 *
 * @since 0.3.0
 * @category schemas
 */
export const UnrecognizedEventType: Schema.brand<Schema.String, "UnrecognizedEventType"> = Schema.String.check(
  Schema.makeFilter((type) =>
    type.length === 0
      ? "an event type must not be empty"
      : allSet.has(type)
      ? `${JSON.stringify(type)} is a known event type`
      : undefined
  )
).pipe(Schema.brand("UnrecognizedEventType")).annotate({ identifier: "UnrecognizedEventType" })

/**
 * The type the `UnrecognizedEventType` schema decodes to.
 *
 * @since 0.3.0
 * @category models
 */
export type UnrecognizedEventType = typeof UnrecognizedEventType.Type

/**
 * An event type as the API may send it in a webhook's subscriptions or a delivery attempt: one of the 19
 * (`EventType`), or an {@link UnrecognizedEventType}.
 *
 * @since 0.3.0
 * @category schemas
 */
export const AnyEventType: Schema.Union<readonly [typeof EventType, typeof UnrecognizedEventType]> = Schema.Union([
  EventType,
  UnrecognizedEventType
]).annotate({ identifier: "AnyEventType" })

/**
 * The type the `AnyEventType` schema decodes to.
 *
 * @since 0.3.0
 * @category models
 */
export type AnyEventType = typeof AnyEventType.Type

/**
 * Whether a type string is none of the 19 this version knows (an {@link UnrecognizedEventType}).
 *
 * @since 0.3.0
 * @category guards
 */
export const isUnrecognized = (type: string): type is UnrecognizedEventType => type.length > 0 && !allSet.has(type)
