/**
 * The Effect 3 line's sample payloads (see scripts/fixtures.mjs), typed with this package's encoded types.
 */
import type { Event, EventType, Webhook, WebhookAttempt, Webset, WebsetItem } from "@effect-exa/schema"
import snapshot from "./fixtures.json" with { type: "json" }

/** The JSON of an event of type `T`; `data` is `unknown` for the two types without a published payload. */
export type EncodedOf<T extends EventType.EventType> = T extends EventType.KnownEventType
  ? Extract<Event.Encoded, { readonly type: T }>
  : {
    readonly id: string
    readonly object: "event"
    readonly type: T
    readonly data: unknown
    readonly createdAt: string
  }

export const events = snapshot.events as unknown as { readonly [T in EventType.EventType]: EncodedOf<T> }
export const allEvents = Object.values(events) as ReadonlyArray<Event.Encoded>
export const webset = snapshot.webset as unknown as Webset.WebsetEncoded
export const personItem = snapshot.personItem as unknown as WebsetItem.WebsetItemEncoded
export const webhook = snapshot.webhook as unknown as Webhook.WebhookEncoded
export const webhookAttempt = snapshot.webhookAttempt as unknown as WebhookAttempt.WebhookAttemptEncoded

/** The sample of a type, with envelope fields and `data` fields replaced. */
export const make = <T extends EventType.EventType>(
  type: T,
  overrides: { readonly id?: string; readonly createdAt?: string; readonly data?: object } = {}
): EncodedOf<T> => {
  const sample = events[type] as { readonly data: unknown }
  return {
    ...sample,
    ...(overrides.id === undefined ? {} : { id: overrides.id }),
    ...(overrides.createdAt === undefined ? {} : { createdAt: overrides.createdAt }),
    data: overrides.data === undefined ? sample.data : { ...(sample.data as object), ...overrides.data }
  } as EncodedOf<T>
}
