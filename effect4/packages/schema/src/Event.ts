/**
 * The event union: every event the Events API returns and webhooks deliver, discriminated by `type`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as EventType from "./EventType.js"
import { Import } from "./Import.js"
import { registerClass } from "./internal/compile.js"
import * as Decoder from "./internal/decoder.js"
import { Monitor } from "./Monitor.js"
import { MonitorRun } from "./MonitorRun.js"
import { Timestamp } from "./Timestamp.js"
import { Webset } from "./Webset.js"
import { WebsetItem } from "./WebsetItem.js"
import { WebsetSearch } from "./WebsetSearch.js"

// `object` and `type` are constants: the constructor fills them in, so `new WebsetIdleEvent({ id, data,
// createdAt })` is enough in fixtures.
const constant = <const L extends string>(value: L) =>
  Schema.Literal(value).pipe(Schema.withConstructorDefault(Effect.succeed(value)))

// `object` is "event" in every event, so it tells no variant apart. Behind `suspend`, Effect's union index does not
// see it as a discriminator: the union of known events then picks the one variant to try from `type` with a single
// map lookup, where two discriminating keys cost a set of candidates per decoded event (a quarter of the time a
// small event takes).
const EventLiteral = Schema.Literal("event")
const eventObject = Schema.suspend(() => EventLiteral).pipe(
  Schema.withConstructorDefault(Effect.succeed("event" as const))
)

const envelope = <const T extends EventType.KnownEventType, D extends Schema.Top>(type: T, data: D) => ({
  id: Schema.String,
  type: constant(type),
  object: eventObject,
  data,
  createdAt: Timestamp
})

/**
 * A webset was created.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetCreatedEvent
  extends Schema.Class<WebsetCreatedEvent>("WebsetCreatedEvent")(envelope("webset.created", Webset))
{}

/**
 * A webset was deleted.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetDeletedEvent
  extends Schema.Class<WebsetDeletedEvent>("WebsetDeletedEvent")(envelope("webset.deleted", Webset))
{}

/**
 * A webset has no running operations.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetIdleEvent
  extends Schema.Class<WebsetIdleEvent>("WebsetIdleEvent")(envelope("webset.idle", Webset))
{}

/**
 * A webset's operations were paused.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetPausedEvent
  extends Schema.Class<WebsetPausedEvent>("WebsetPausedEvent")(envelope("webset.paused", Webset))
{}

/**
 * An item was added to a webset.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetItemCreatedEvent
  extends Schema.Class<WebsetItemCreatedEvent>("WebsetItemCreatedEvent")(envelope("webset.item.created", WebsetItem))
{}

/**
 * An item's enrichment completed.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetItemEnrichedEvent extends Schema.Class<WebsetItemEnrichedEvent>("WebsetItemEnrichedEvent")(
  envelope("webset.item.enriched", WebsetItem)
) {}

/**
 * A search was started.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetSearchCreatedEvent extends Schema.Class<WebsetSearchCreatedEvent>("WebsetSearchCreatedEvent")(
  envelope("webset.search.created", WebsetSearch)
) {}

/**
 * A search's progress was updated.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetSearchUpdatedEvent extends Schema.Class<WebsetSearchUpdatedEvent>("WebsetSearchUpdatedEvent")(
  envelope("webset.search.updated", WebsetSearch)
) {}

/**
 * A search was canceled (see `data.canceledReason`).
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetSearchCanceledEvent extends Schema.Class<WebsetSearchCanceledEvent>("WebsetSearchCanceledEvent")(
  envelope("webset.search.canceled", WebsetSearch)
) {}

/**
 * A search finished finding items.
 *
 * @since 0.1.0
 * @category models
 */
export class WebsetSearchCompletedEvent extends Schema.Class<WebsetSearchCompletedEvent>("WebsetSearchCompletedEvent")(
  envelope("webset.search.completed", WebsetSearch)
) {}

/**
 * An import was started.
 *
 * @since 0.1.0
 * @category models
 */
export class ImportCreatedEvent
  extends Schema.Class<ImportCreatedEvent>("ImportCreatedEvent")(envelope("import.created", Import))
{}

/**
 * An import completed.
 *
 * @since 0.1.0
 * @category models
 */
export class ImportCompletedEvent
  extends Schema.Class<ImportCompletedEvent>("ImportCompletedEvent")(envelope("import.completed", Import))
{}

/**
 * A monitor was created.
 *
 * @since 0.1.0
 * @category models
 */
export class MonitorCreatedEvent
  extends Schema.Class<MonitorCreatedEvent>("MonitorCreatedEvent")(envelope("monitor.created", Monitor))
{}

/**
 * A monitor's configuration was updated.
 *
 * @since 0.1.0
 * @category models
 */
export class MonitorUpdatedEvent
  extends Schema.Class<MonitorUpdatedEvent>("MonitorUpdatedEvent")(envelope("monitor.updated", Monitor))
{}

/**
 * A monitor was deleted.
 *
 * @since 0.1.0
 * @category models
 */
export class MonitorDeletedEvent
  extends Schema.Class<MonitorDeletedEvent>("MonitorDeletedEvent")(envelope("monitor.deleted", Monitor))
{}

/**
 * A monitor run started.
 *
 * @since 0.1.0
 * @category models
 */
export class MonitorRunCreatedEvent
  extends Schema.Class<MonitorRunCreatedEvent>("MonitorRunCreatedEvent")(envelope("monitor.run.created", MonitorRun))
{}

/**
 * A monitor run finished.
 *
 * @since 0.1.0
 * @category models
 */
export class MonitorRunCompletedEvent extends Schema.Class<MonitorRunCompletedEvent>("MonitorRunCompletedEvent")(
  envelope("monitor.run.completed", MonitorRun)
) {}

declare const UnknownEventTypeId: unique symbol
type UnknownEventTypeId = typeof UnknownEventTypeId

/**
 * The `type` of an {@link UnknownEvent}: any string but the 17 known types.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnknownEventType: Schema.String = Schema.String.check(
  Schema.makeFilter((type) =>
    EventType.isKnown(type)
      ? `${JSON.stringify(type)} is a known event type, so its payload must match that type`
      : undefined
  )
).annotate({ identifier: "UnknownEventType" })

const RawData = Schema.Unknown.check(
  // The key must be present (a JavaScript caller can pass `data: undefined`); any JSON value is kept as it is.
  Schema.makeFilter((data) => data !== undefined || "is missing")
).annotate({ identifier: "RawData" })

/**
 * An event whose type has no published payload schema (`webset.export.created`, `webset.export.completed`) or
 * that a newer API added. It keeps the envelope and the raw `data`, so nothing is lost.
 *
 * @since 0.1.0
 * @category models
 */
export class UnknownEvent extends Schema.Class<UnknownEvent>("UnknownEvent")({
  id: Schema.String,
  object: eventObject,
  type: UnknownEventType,
  data: RawData,
  createdAt: Timestamp
}) {
  // Type-level only: without it, every known event would be structurally an UnknownEvent (a `string` type, an
  // `unknown` data), and `isUnknown` could not narrow.
  declare readonly [UnknownEventTypeId]: UnknownEventTypeId
}

/**
 * The schema of an event with a modelled payload: the union of the 17 published variants.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KnownEvent: Schema.Union<
  readonly [
    typeof WebsetCreatedEvent,
    typeof WebsetDeletedEvent,
    typeof WebsetIdleEvent,
    typeof WebsetPausedEvent,
    typeof WebsetItemCreatedEvent,
    typeof WebsetItemEnrichedEvent,
    typeof WebsetSearchCreatedEvent,
    typeof WebsetSearchUpdatedEvent,
    typeof WebsetSearchCanceledEvent,
    typeof WebsetSearchCompletedEvent,
    typeof ImportCreatedEvent,
    typeof ImportCompletedEvent,
    typeof MonitorCreatedEvent,
    typeof MonitorUpdatedEvent,
    typeof MonitorDeletedEvent,
    typeof MonitorRunCreatedEvent,
    typeof MonitorRunCompletedEvent
  ]
> = Schema.Union([
  WebsetCreatedEvent,
  WebsetDeletedEvent,
  WebsetIdleEvent,
  WebsetPausedEvent,
  WebsetItemCreatedEvent,
  WebsetItemEnrichedEvent,
  WebsetSearchCreatedEvent,
  WebsetSearchUpdatedEvent,
  WebsetSearchCanceledEvent,
  WebsetSearchCompletedEvent,
  ImportCreatedEvent,
  ImportCompletedEvent,
  MonitorCreatedEvent,
  MonitorUpdatedEvent,
  MonitorDeletedEvent,
  MonitorRunCreatedEvent,
  MonitorRunCompletedEvent
]).annotate({ identifier: "KnownEvent" })

/**
 * One of the 17 events with a modelled payload.
 *
 * @since 0.1.0
 * @category models
 */
export type KnownEvent = typeof KnownEvent.Type

/**
 * The variant class of each known type, e.g. `variants["webset.idle"]` is `WebsetIdleEvent`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const variants: {
  readonly [K in EventType.KnownEventType]: Schema.Codec<
    ByType<K>,
    Extract<typeof KnownEvent.Encoded, { readonly type: K }>
  >
} = {
  "webset.created": WebsetCreatedEvent,
  "webset.deleted": WebsetDeletedEvent,
  "webset.idle": WebsetIdleEvent,
  "webset.paused": WebsetPausedEvent,
  "webset.item.created": WebsetItemCreatedEvent,
  "webset.item.enriched": WebsetItemEnrichedEvent,
  "webset.search.created": WebsetSearchCreatedEvent,
  "webset.search.updated": WebsetSearchUpdatedEvent,
  "webset.search.canceled": WebsetSearchCanceledEvent,
  "webset.search.completed": WebsetSearchCompletedEvent,
  "import.created": ImportCreatedEvent,
  "import.completed": ImportCompletedEvent,
  "monitor.created": MonitorCreatedEvent,
  "monitor.updated": MonitorUpdatedEvent,
  "monitor.deleted": MonitorDeletedEvent,
  "monitor.run.created": MonitorRunCreatedEvent,
  "monitor.run.completed": MonitorRunCompletedEvent
}

/**
 * The event schema: the 17 published variants ({@link KnownEvent}), then {@link UnknownEvent} for any other type
 * string.
 *
 * A payload whose `type` is one of the 17 known types but that does not match that variant fails; it never
 * falls through to `UnknownEvent`.
 *
 * @since 0.1.0
 * @category schemas
 */
// Nested rather than flat: the known events are told apart by `type` alone (see `eventObject`), and the unknown
// event, which has no literal `type`, is tried only when no known variant took the payload.
export const Event: Schema.Union<readonly [typeof KnownEvent, typeof UnknownEvent]> = Schema.Union([
  KnownEvent,
  UnknownEvent
]).annotate({ identifier: "Event" })

/**
 * Any event.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = typeof Event.Type

/**
 * The JSON form of an event.
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof Event.Encoded

/**
 * The event variant for a known type string.
 *
 * @since 0.1.0
 * @category models
 */
export type ByType<T extends EventType.KnownEventType> = Extract<KnownEvent, { readonly type: T }>

/**
 * A guard for events of the given types.
 *
 * @example
 * ```ts
 * import { Event } from "@effect-exa/schema"
 *
 * declare const events: ReadonlyArray<Event.Event>
 * const items = events.filter(Event.isType("webset.item.created", "webset.item.enriched"))
 * // items: Array<WebsetItemCreatedEvent | WebsetItemEnrichedEvent>
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isType = <const T extends ReadonlyArray<EventType.KnownEventType>>(...types: T) => {
  const set: ReadonlySet<string> = new Set(types)
  return (event: Event): event is ByType<T[number]> => set.has(event.type)
}

/**
 * Whether an event is one of the 17 modelled variants.
 *
 * @since 0.1.0
 * @category guards
 */
// By type, not `instanceof`: an event decoded by another copy of this package (its CJS build beside the ESM one)
// is still recognised. An UnknownEvent's type is never one of the 17 (its schema refuses them).
export const isKnown = (event: Event): event is KnownEvent => EventType.isKnown(event.type)

/**
 * Whether an event is an {@link UnknownEvent}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnknown = (event: Event): event is UnknownEvent => !EventType.isKnown(event.type)

/**
 * A handler for every known type and for unknown events.
 *
 * @since 0.1.0
 * @category models
 */
export type Cases<A> =
  & { readonly [K in EventType.KnownEventType]: (event: ByType<K>) => A }
  & { readonly unknown: (event: UnknownEvent) => A }

/**
 * Handlers for some types, and `orElse` for every other event.
 *
 * @since 0.1.0
 * @category models
 */
export type PartialCases<A> =
  & { readonly [K in EventType.KnownEventType]?: (event: ByType<K>) => A }
  & { readonly orElse: (event: Event) => A }

/**
 * Handles an event by its type: either every type (and `unknown`), checked for exhaustiveness, or some types and
 * `orElse`.
 *
 * @example
 * ```ts
 * import { Event } from "@effect-exa/schema"
 *
 * declare const event: Event.Event
 * const summary = Event.match(event, {
 *   "webset.item.enriched": (e) => `item ${e.data.id} enriched`,
 *   "webset.search.completed": (e) => `search found ${e.data.progress.found}`,
 *   orElse: (e) => e.type
 * })
 * ```
 *
 * @since 0.1.0
 * @category pattern matching
 */
export const match = <A>(event: Event, cases: Cases<A> | PartialCases<A>): A => {
  const table = cases as Record<string, ((event: Event) => A) | undefined>
  if (isUnknown(event) && "unknown" in cases) return cases.unknown(event)
  const handler = table[event.type]
  return handler !== undefined ? handler(event) : (cases as PartialCases<A>).orElse(event)
}

// The event classes declare no constructor, field or accessor: the compiled decoder may build their instances.
for (const variant of [...KnownEvent.members, UnknownEvent]) registerClass(variant)

const decoder = Decoder.make(Event)

/**
 * Decodes an unknown value (parsed JSON) into an {@link Event}.
 *
 * Same result and errors as `Schema.decodeUnknownEffect(Event)`; an input that Effect Schema itself cannot read (a
 * getter that throws) is a `SchemaError` too, never a defect.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: (u: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<Event, Schema.SchemaError> =
  decoder.effect

/**
 * Decodes an unknown value into an {@link Event}, as a `Result` (the Effect 3 line's `decodeEither`).
 *
 * @since 1.0.0
 * @category decoding
 */
export const decodeResult: (
  u: unknown,
  options?: SchemaAST.ParseOptions
) => Result.Result<Event, Schema.SchemaError> = decoder.result

/**
 * Decodes an unknown value into an {@link Event}, throwing a `SchemaError` when it is not one.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSync: (u: unknown, options?: SchemaAST.ParseOptions) => Event = decoder.sync

/**
 * Encodes an {@link Event} back to its JSON form.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode: (event: Event, options?: SchemaAST.ParseOptions) => Effect.Effect<Encoded, Schema.SchemaError> =
  Schema.encodeEffect(Event)
