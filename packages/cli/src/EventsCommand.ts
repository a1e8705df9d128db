/**
 * `effect-exa events get | list | tail`: look at events.
 *
 * @since 0.1.0
 */
import * as EventsClient from "@effect-exa/client/EventsClient"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Common from "./internal/common.js"
import * as Input from "./internal/input.js"
import { Output } from "./internal/output.js"
import * as Render from "./internal/render.js"
import * as Tailing from "./internal/tailing.js"

/**
 * `events get <id>`: one event, in full.
 *
 * @since 0.1.0
 * @category commands
 */
export const get = Command.make(
  "get",
  { ...Common.api, id: Args.text({ name: "ID" }).pipe(Args.withDescription("The event's id.")) },
  (o) => Common.runApi(o, Effect.flatMap(EventsClient.getEvent(o.id), Render.eventDetail))
).pipe(Command.withDescription("Show one event: its type, time, webset and data."))

/** The page size of a walk: the API's largest, unless fewer events are wanted. */
const pageSize = (wanted: number) => Math.min(wanted, 200)

/**
 * `events list`: events, newest first.
 *
 * @since 0.1.0
 * @category commands
 */
export const list = Command.make(
  "list",
  {
    ...Common.api,
    types: Tailing.options.types,
    since: Options.text("since").pipe(
      Options.withPseudoName("TIME"),
      Options.withDescription(
        "Only events created at or after this instant (2026-01-01, 2026-01-01T12:00:00Z) or time ago (2h, 7d)."
      ),
      Options.optional
    ),
    until: Options.text("until").pipe(
      Options.withPseudoName("TIME"),
      Options.withDescription("Only events created at or before this instant or time ago."),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(
      Options.withPseudoName("N"),
      Options.withDescription("At most this many events (default 25; with --all, no limit)."),
      Options.optional
    ),
    all: Options.boolean("all").pipe(Options.withDescription("Walk every page (a progress line shows on a terminal)."))
  },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const now = yield* Clock.currentTimeMillis
        const types = yield* Input.eventTypes("types", o.types)
        const since = Option.isSome(o.since) ? yield* Input.instant("since", o.since.value, now) : undefined
        const until = Option.isSome(o.until) ? yield* Input.instant("until", o.until.value, now) : undefined
        const wanted = Option.isSome(o.limit) ? yield* Input.positive("limit", o.limit.value) : o.all ? Infinity : 25
        let shown = 0
        const row = Render.rows(Render.eventHeader, Render.eventLine)
        // One more than wanted, to tell whether there are more.
        const more = yield* EventsClient.streamEvents({
          limit: pageSize(wanted === Infinity ? 200 : wanted + 1),
          ...(types.length > 0 ? { types } : {}),
          ...(since === undefined ? {} : { createdAfter: since }),
          ...(until === undefined ? {} : { createdBefore: until })
        }).pipe(
          (events) => wanted === Infinity ? events : Stream.take(events, wanted + 1),
          Stream.runFoldEffect(false, (_, event) => {
            if (shown === wanted) return Effect.succeed(true)
            shown++
            return Effect.zipRight(
              row(event),
              o.all && shown % 200 === 0 ? out.progress(`${shown} events…`) : Effect.void
            ).pipe(Effect.as(false))
          })
        )
        yield* out.progress("")
        if (!out.json) {
          if (shown === 0) yield* out.note("No events match.")
          else if (more) {
            yield* out.note(out.paint("dim", `${shown} shown; there are more: --limit N, or --all for every one`))
          }
        }
      })
    )
).pipe(Command.withDescription("List events, newest first: one page of 25 by default, every page with --all."))

/**
 * `events tail`: new events as they happen.
 *
 * @since 0.1.0
 * @category commands
 */
export const tail = Command.make(
  "tail",
  { ...Common.api, ...Tailing.options },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const settings = yield* Tailing.settings(o)
        if (!out.json) yield* out.note(out.paint("dim", "Waiting for new events (Ctrl-C to stop)…"))
        yield* Tailing.consume("events-tail", settings, Render.rows(Render.eventHeader, Render.eventLine))
      })
    )
).pipe(Command.withDescription("Print new events as they are created, oldest first; resumable with --checkpoint."))

/**
 * `events`: the events commands.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("events").pipe(
  Command.withDescription("Look at events: one, a list, or a live tail."),
  Command.withSubcommands([get, list, tail])
)
