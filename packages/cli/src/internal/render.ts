/**
 * How events, webhooks and delivery attempts look: a record in their wire format (`--json`), a row of a table, or a
 * block of `field  value` lines.
 *
 * @internal
 */
import * as Tail from "@effect-exa/client/Tail"
import * as Event from "@effect-exa/schema/Event"
import * as Webhook from "@effect-exa/schema/Webhook"
import * as WebhookAttempt from "@effect-exa/schema/WebhookAttempt"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { printable } from "./input.js"
import { jsonText, Output, table } from "./output.js"

const encodeEvent = Schema.encodeSync(Event.Event)
const encodeWebhook = Schema.encodeSync(Webhook.Webhook)
const encodeAttempt = Schema.encodeSync(WebhookAttempt.WebhookAttempt)

/** An event as the API sends it. */
export const eventJson = (event: Event.Event): Event.Encoded => encodeEvent(event)

/** A webhook as the API sends it (the secret is there only in the answer to its creation). */
export const webhookJson = (webhook: Webhook.Webhook): Webhook.WebhookEncoded => encodeWebhook(webhook)

const iso = (dateTime: DateTime.Utc): string => DateTime.formatIso(dateTime)

// The widest event type, so that rows line up without reading every event first (lists may be long).
const typeWidth = 28

/** The header of `eventRow`s. */
export const eventHeader = ["CREATED".padEnd(24), "TYPE".padEnd(typeWidth), "ID".padEnd(26), "WEBSET"].join("  ")

/** One event as a row: created, type, id, webset. */
export const eventRow = (event: Event.Event): string =>
  [
    iso(event.createdAt).padEnd(24),
    printable(event.type).padEnd(typeWidth),
    printable(event.id).padEnd(26),
    printable(Tail.websetIdOf(event) ?? "-")
  ].join("  ").trimEnd()

/**
 * Rows under a header that is printed with the first row: never alone (not when there is no row, nor when the
 * command fails before its first). With `--json`, records only. Each call makes a new table.
 */
export const rows = <A>(header: string, line: (a: A) => Effect.Effect<void, never, Output>) => {
  let headed = false
  return (a: A): Effect.Effect<void, never, Output> =>
    Effect.flatMap(Output, (out) => {
      if (out.json || headed) return line(a)
      headed = true
      return Effect.zipRight(out.line(out.paint("bold", header)), line(a))
    })
}

/** One event: a JSON record, or a row. */
export const eventLine = (event: Event.Event): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (out) => out.json ? out.record(eventJson(event)) : out.line(eventRow(event)))

const block = (fields: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const width = Math.max(...fields.map(([name]) => name.length))
  return fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`)
}

/** One event in full: its fields, then its data as indented JSON. */
export const eventDetail = (event: Event.Event): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (out) => {
    if (out.json) return out.record(eventJson(event))
    const lines = block([
      ["id", printable(event.id)],
      ["type", printable(event.type)],
      ["created", iso(event.createdAt)],
      ["webset", printable(Tail.websetIdOf(event) ?? "-")]
    ])
    lines.push("data", ...jsonText(eventJson(event).data, 2).split("\n").map((line) => `  ${line}`))
    return Effect.forEach(lines, out.line, { discard: true })
  })

const eventsOf = (webhook: Webhook.Webhook): string => webhook.events.map(printable).join(", ")

/** A webhook in full (with its secret when it has one: in the answer to its creation). */
export const webhookDetail = (webhook: Webhook.Webhook): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (out) => {
    if (out.json) return out.record(webhookJson(webhook))
    const fields: Array<readonly [string, string]> = [
      ["id", printable(webhook.id)],
      ["status", out.paint(webhook.status === "active" ? "green" : "yellow", webhook.status)],
      ["url", printable(webhook.url)],
      ["events", eventsOf(webhook)]
    ]
    for (const [key, value] of Object.entries(webhook.metadata ?? {})) {
      fields.push([`metadata`, `${printable(key)}=${printable(value)}`])
    }
    fields.push(["created", iso(webhook.createdAt)], ["updated", iso(webhook.updatedAt)])
    if (webhook.secret !== null) fields.push(["secret", out.paint("bold", printable(Redacted.value(webhook.secret)))])
    return Effect.forEach(block(fields), out.line, { discard: true })
  })

/** Webhooks as a table, or one record each. */
export const webhookTable = (webhooks: ReadonlyArray<Webhook.Webhook>): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (out) => {
    if (out.json) return Effect.forEach(webhooks, (w) => out.record(webhookJson(w)), { discard: true })
    const rows = webhooks.map((w) => [printable(w.id), w.status, iso(w.createdAt), printable(w.url), eventsOf(w)])
    return Effect.forEach(table(["ID", "STATUS", "CREATED", "URL", "EVENTS"], rows), out.line, { discard: true })
  })

/** The header of `attemptRow`s. */
export const attemptHeader = [
  "ATTEMPTED".padEnd(24),
  "RESULT".padEnd(6),
  "STATUS",
  "TRY",
  "TYPE".padEnd(typeWidth),
  "EVENT"
].join("  ")

/** One delivery attempt as a row. */
export const attemptRow = (attempt: WebhookAttempt.WebhookAttempt): string =>
  [
    iso(attempt.attemptedAt).padEnd(24),
    (attempt.successful ? "ok" : "failed").padEnd(6),
    String(attempt.responseStatusCode === 0 ? "-" : attempt.responseStatusCode).padEnd(6),
    String(attempt.attempt).padEnd(3),
    printable(attempt.eventType).padEnd(typeWidth),
    printable(attempt.eventId)
  ].join("  ")

/** One delivery attempt: a JSON record, or a row. */
export const attemptLine = (attempt: WebhookAttempt.WebhookAttempt): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (out) => out.json ? out.record(encodeAttempt(attempt)) : out.line(attemptRow(attempt)))
