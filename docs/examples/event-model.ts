// #region event-model
import { Event } from "@effect-exa/schema"
import { DateTime } from "effect"

// 1. match: a handler per type (exhaustive with `unknown`), or some types and `orElse`.
export const label = (event: Event.Event): string =>
  Event.match(event, {
    "webset.item.enriched": (e) => `item ${e.data.id} enriched`,
    "webset.search.completed": (e) => `search found ${e.data.progress.found}`,
    orElse: (e) => e.type
  })

// 2. a guard for one or more types.
export const searchesFound = (events: ReadonlyArray<Event.Event>): number =>
  events
    .filter(Event.isType("webset.search.completed", "webset.search.updated"))
    .reduce((sum, e) => sum + e.data.progress.found, 0)

// 3. a switch: rule out UnknownEvent first, then `type` narrows exactly.
export const completedAt = (event: Event.Event): string | undefined => {
  if (!Event.isKnown(event)) return undefined
  switch (event.type) {
    case "monitor.run.completed":
      return event.data.completedAt ? DateTime.formatIso(event.data.completedAt) : undefined
    default:
      return undefined
  }
}
// #endregion event-model
