/**
 * `effect-exa webhooks …`: create, list, look at, change and delete webhooks, see their delivery attempts, and
 * replay what failed to a receiver.
 *
 * @since 0.1.0
 */
import * as WebhooksClient from "@effect-exa/client/WebhooksClient"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ExitCode from "./ExitCode.js"
import * as Common from "./internal/common.js"
import { CliError, Reported } from "./internal/failure.js"
import * as Forwarding from "./internal/forward.js"
import * as Input from "./internal/input.js"
import { Output } from "./internal/output.js"
import * as Render from "./internal/render.js"

const id = Args.text({ name: "ID" }).pipe(Args.withDescription("The webhook's id."))

const eventsOption = Options.text("events").pipe(
  Options.withAlias("e"),
  Options.withPseudoName("TYPES"),
  Options.withDescription("The event types to deliver (comma-separated, or the option repeated)."),
  Options.repeated
)

const metadataOption = Options.text("metadata").pipe(
  Options.withAlias("m"),
  Options.withPseudoName("KEY=VALUE"),
  Options.withDescription("A key=value pair to keep on the webhook (repeat for more)."),
  Options.repeated
)

/**
 * `webhooks create --url URL --events TYPES`.
 *
 * @since 0.1.0
 * @category commands
 */
export const create = Command.make(
  "create",
  {
    ...Common.api,
    url: Options.text("url").pipe(
      Options.withPseudoName("URL"),
      Options.withDescription("Where Exa POSTs events: an https URL.")
    ),
    events: eventsOption,
    metadata: metadataOption
  },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const events = yield* Input.eventTypes("events", o.events)
        if (events.length === 0) {
          return yield* new CliError({
            code: ExitCode.usage,
            message: "Give at least one event type with --events",
            hint: "e.g. --events webset.item.created,webset.idle"
          })
        }
        const metadata = yield* Input.metadata("metadata", o.metadata)
        const webhook = yield* WebhooksClient.createWebhook({
          url: o.url,
          events,
          ...(o.metadata.length > 0 ? { metadata } : {})
        })
        yield* Render.webhookDetail(webhook)
        if (!out.json) {
          yield* out.note(
            out.paint("dim", "The secret is shown only now: keep it (as EXA_WEBHOOK_SECRET) to verify deliveries.")
          )
        }
      })
    )
).pipe(Command.withDescription("Create a webhook; prints its signing secret, which the API shows only this once."))

/**
 * `webhooks list`.
 *
 * @since 0.1.0
 * @category commands
 */
export const list = Command.make(
  "list",
  Common.api,
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const webhooks = yield* Stream.runCollect(WebhooksClient.streamWebhooks({ limit: 200 }))
        if (webhooks.length === 0 && !out.json) return yield* out.note("No webhooks.")
        yield* Render.webhookTable(Array.from(webhooks))
      })
    )
).pipe(Command.withDescription("List every webhook, newest first."))

/**
 * `webhooks get <id>`.
 *
 * @since 0.1.0
 * @category commands
 */
export const get = Command.make(
  "get",
  { ...Common.api, id },
  (o) => Common.runApi(o, Effect.flatMap(WebhooksClient.getWebhook(o.id), Render.webhookDetail))
).pipe(Command.withDescription("Show one webhook."))

/**
 * `webhooks update <id> [--url] [--events] [--metadata]`.
 *
 * @since 0.1.0
 * @category commands
 */
export const update = Command.make(
  "update",
  {
    ...Common.api,
    id,
    url: Options.text("url").pipe(
      Options.withPseudoName("URL"),
      Options.withDescription("A new URL."),
      Options.optional
    ),
    events: eventsOption,
    metadata: metadataOption
  },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const events = yield* Input.eventTypes("events", o.events)
        const metadata = yield* Input.metadata("metadata", o.metadata)
        if (Option.isNone(o.url) && events.length === 0 && o.metadata.length === 0) {
          return yield* new CliError({
            code: ExitCode.usage,
            message: "Nothing to change",
            hint: "give --url, --events or --metadata"
          })
        }
        const webhook = yield* WebhooksClient.updateWebhook(o.id, {
          ...(Option.isSome(o.url) ? { url: o.url.value } : {}),
          ...(events.length > 0 ? { events } : {}),
          ...(o.metadata.length > 0 ? { metadata } : {})
        })
        yield* Render.webhookDetail(webhook)
      })
    )
).pipe(Command.withDescription("Change a webhook's URL, events or metadata (metadata given replaces all of it)."))

/**
 * `webhooks delete <id>`.
 *
 * @since 0.1.0
 * @category commands
 */
export const remove = Command.make(
  "delete",
  { ...Common.api, id },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const deleted = yield* WebhooksClient.deleteWebhook(o.id)
        if (Option.isNone(deleted)) {
          // A retry after a lost answer found it gone: the earlier attempt deleted it.
          if (out.json) return yield* out.record({ object: "webhook", id: o.id, deleted: true })
          return yield* out.line(
            `Deleted webhook ${Input.printable(o.id)} (the answer was lost; a retry found it gone)`
          )
        }
        const webhook = deleted.value
        if (out.json) return yield* out.record(Render.webhookJson(webhook))
        yield* out.line(`Deleted webhook ${Input.printable(webhook.id)} (${Input.printable(webhook.url)})`)
      })
    )
).pipe(Command.withDescription("Delete a webhook."))

/**
 * `webhooks attempts <id> [--failed]`.
 *
 * @since 0.1.0
 * @category commands
 */
export const attempts = Command.make(
  "attempts",
  {
    ...Common.api,
    id,
    failed: Options.boolean("failed").pipe(Options.withDescription("Only failed attempts.")),
    type: Options.text("type").pipe(
      Options.withPseudoName("TYPE"),
      Options.withDescription("Only attempts to deliver events of this type."),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(
      Options.withPseudoName("N"),
      Options.withDescription("At most this many attempts."),
      Options.withDefault(50)
    )
  },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const limit = yield* Input.positive("limit", o.limit)
        const type = Option.isSome(o.type) ? (yield* Input.eventTypes("type", [o.type.value]))[0] : undefined
        const row = Render.rows(Render.attemptHeader, Render.attemptLine)
        const shown = yield* WebhooksClient.streamAttempts(o.id, {
          limit: Math.min(limit, 200),
          ...(o.failed ? { successful: false } : {}),
          ...(type === undefined ? {} : { eventType: type })
        }).pipe(
          Stream.take(limit),
          Stream.runFoldEffect(0, (n, attempt) => Effect.as(row(attempt), n + 1))
        )
        if (shown === 0 && !out.json) yield* out.note(o.failed ? "No failed attempts." : "No attempts.")
      })
    )
).pipe(Command.withDescription("List a webhook's delivery attempts, newest first."))

/**
 * `webhooks replay <id> --forward-to URL`.
 *
 * @since 0.1.0
 * @category commands
 */
export const replay = Command.make(
  "replay",
  {
    ...Common.api,
    id,
    forwardTo: Forwarding.forwardTo,
    secret: Forwarding.secret,
    since: Options.text("since").pipe(
      Options.withPseudoName("TIME"),
      Options.withDescription(
        "Look at attempts made since this instant or time ago (within the 60 days events are kept)."
      ),
      Options.withDefault("24h")
    )
  },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const since = yield* Input.instant("since", o.since, yield* Clock.currentTimeMillis)
        const target = yield* Forwarding.target(o, 3)
        const tally = yield* WebhooksClient.failedDeliveries(o.id, { since }).pipe(
          Stream.runFoldEffect({ delivered: 0, failed: 0 }, (tally, event) =>
            Effect.map(Forwarding.forward(target, event), (outcome) =>
              Forwarding.delivered(outcome)
                ? { ...tally, delivered: tally.delivered + 1 }
                : { ...tally, failed: tally.failed + 1 }))
        )
        const total = tally.delivered + tally.failed
        if (!out.json) {
          yield* out.note(
            total === 0
              ? `No failed deliveries since ${since}.`
              : `Replayed ${total} event${
                total === 1 ? "" : "s"
              }: ${tally.delivered} delivered, ${tally.failed} failed.`
          )
        }
        if (tally.failed > 0) return yield* new Reported({ code: ExitCode.failed })
      })
    )
).pipe(Command.withDescription("Send the events a webhook failed to deliver to a URL, signed, oldest first."))

/**
 * `webhooks`: the webhooks commands.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("webhooks").pipe(
  Command.withDescription("Manage webhooks, see their deliveries, replay what failed."),
  Command.withSubcommands([create, list, get, update, remove, attempts, replay])
)
