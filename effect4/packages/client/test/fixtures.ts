/**
 * Two of the Effect 3 line's sample events (the schema package's `test/fixtures.json`, cut down), as JSON values.
 */
import type { Event } from "@effect-exa/schema"
import snapshot from "./fixtures.json" with { type: "json" }

type Encoded<T extends string> = Extract<Event.Encoded, { readonly type: T }>

export const idle = snapshot.events["webset.idle"] as unknown as Encoded<"webset.idle">
export const created = snapshot.events["webset.created"] as unknown as Encoded<"webset.created">

/** The sample idle event under another id. */
export const idleWith = (id: string): Encoded<"webset.idle"> => ({ ...idle, id })
