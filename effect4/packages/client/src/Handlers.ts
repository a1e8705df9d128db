/**
 * Typed event handlers: what to do per event type, each handler receiving its narrowed event, used alike by a
 * webhook receiver (`WebhookReceiver.make`) and by a program reading `streamEvents`.
 *
 * @since 1.0.0
 */
import * as Event from "@effect-exa/schema/Event"
import * as EventType from "@effect-exa/schema/EventType"
import * as Effect from "effect/Effect"

/**
 * A handler of one kind of event: any effect, its result ignored.
 *
 * @since 1.0.0
 * @category models
 */
export type EventHandler<T> = (event: T) => Effect.Effect<unknown, any, any>

/**
 * A handler for each of the 17 known types and one for `unknown` events: the compiler checks that none is missing.
 *
 * @since 1.0.0
 * @category models
 */
export type Exhaustive =
  & { readonly [K in EventType.KnownEventType]: EventHandler<Event.ByType<K>> }
  & { readonly unknown: EventHandler<Event.UnknownEvent> }

/**
 * Handlers for some types (and optionally `unknown`), and `orElse` for every other event.
 *
 * @since 1.0.0
 * @category models
 */
export type WithFallback =
  & { readonly [K in EventType.KnownEventType]?: EventHandler<Event.ByType<K>> }
  & { readonly unknown?: EventHandler<Event.UnknownEvent> }
  & { readonly orElse: EventHandler<Event.Event> }

/**
 * What the handlers of a map return: the union of their effects.
 *
 * @since 1.0.0
 * @category models
 */
export type Results<H> = { [K in keyof H]: H[K] extends (event: any) => infer Out ? Out : never }[keyof H]

/**
 * The errors the handlers of a map can fail with.
 *
 * @since 1.0.0
 * @category models
 */
export type ErrorOf<H> = Results<H> extends infer Out ? Out extends Effect.Effect<any, infer E, any> ? E : never : never

/**
 * What the handlers of a map require.
 *
 * @since 1.0.0
 * @category models
 */
export type ContextOf<H> = Results<H> extends infer Out ? Out extends Effect.Effect<any, any, infer R> ? R : never
  : never

/**
 * One function handling any event: the handler map made into a dispatcher.
 *
 * @since 1.0.0
 * @category models
 */
export interface Handler<E, R> {
  (event: Event.Event): Effect.Effect<void, E, R>
}

type Keys = EventType.KnownEventType | "unknown" | "orElse"

/**
 * Makes one handler from a map of handlers by event type. Either every known type and `unknown` are handled (a
 * missing one is a compile error), or `orElse` takes whatever has no handler of its own; a key that is not an event
 * type is a compile error too. Each handler keeps its own error and requirement types, and the result fails with
 * their union and needs all of them. Unknown event types (`webset.export.*`, types added later) go to `unknown`,
 * else to `orElse`: never a failure.
 *
 * @example
 * ```ts
 * import { Handlers } from "@effect-exa/client"
 * import { Console, Effect } from "effect"
 *
 * const handle = Handlers.make({
 *   "webset.item.enriched": (event) => Console.log(`store ${event.data.id}`),
 *   "webset.idle": (event) => Console.log(`webset ${event.data.id} is idle`),
 *   orElse: () => Effect.void
 * })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = <const H extends Exhaustive | WithFallback>(
  handlers: H & { readonly [K in Exclude<keyof H, Keys>]: never }
): Handler<ErrorOf<H>, ContextOf<H>> => {
  type Out = Effect.Effect<unknown, ErrorOf<H>, ContextOf<H>>
  const table = handlers as unknown as Record<string, unknown>
  // Only functions the caller gave as its own keys count (JavaScript may pass anything).
  const own = (key: string) =>
    Object.prototype.hasOwnProperty.call(table, key) && typeof table[key] === "function"
      ? table[key] as (event: Event.Event) => Out
      : undefined
  // Dispatch is `Event.match`'s: the cases are built once, without a prototype, so no event type can reach an
  // inherited key.
  const cases: Record<string, (event: Event.Event) => Out> = Object.create(null)
  for (const type of EventType.knownTypes) {
    const handler = own(type)
    if (handler !== undefined) cases[type] = handler
  }
  const unknown = own("unknown")
  const orElse = own("orElse")
  // An event nobody handles (only reachable from JavaScript that ignored the types) is left alone.
  cases.orElse = (event) =>
    unknown !== undefined && Event.isUnknown(event)
      ? unknown(event)
      : orElse !== undefined
      ? orElse(event)
      : Effect.void
  const partial = cases as unknown as Event.PartialCases<Out>
  return (event) => Effect.suspend(() => Effect.asVoid(Event.match(event, partial)))
}
