/**
 * What `events tail` and `listen` share: their options, and running `Tail.consume` with a checkpoint (a file, or
 * memory) until Ctrl-C, or until `--limit` events were handled.
 *
 * @internal
 */
import * as Tail from "@effect-exa/client/Tail"
import type * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as CheckpointFile from "./checkpointFile.js"
import { type CliError, describe } from "./failure.js"
import * as Input from "./input.js"
import { printable } from "./input.js"
import { Output } from "./output.js"

/** The options of a tail. */
export const options = {
  types: Options.text("types").pipe(
    Options.withAlias("t"),
    Options.withPseudoName("TYPES"),
    Options.withDescription("Only events of these types (comma-separated, or the option repeated)."),
    Options.repeated
  ),
  webset: Options.text("webset").pipe(
    Options.withPseudoName("ID"),
    Options.withDescription("Only events about this webset (its id)."),
    Options.optional
  ),
  checkpoint: Options.text("checkpoint").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription(
      "A file that keeps the position: started again, the command resumes after the last event it handled (created if missing)."
    ),
    Options.optional
  ),
  since: Options.text("since").pipe(
    Options.withPseudoName("TIME"),
    Options.withDescription(
      "Without a stored position, start at this instant (2026-01-01T12:00:00Z) or time ago (30m). Default: now."
    ),
    Options.optional
  ),
  poll: Options.text("poll").pipe(
    Options.withPseudoName("DURATION"),
    Options.withDescription("How often to ask the API for new events (500ms, 5s, 1m; at least 100ms)."),
    Options.withDefault("5s")
  ),
  limit: Options.integer("limit").pipe(
    Options.withPseudoName("N"),
    Options.withDescription("Stop after this many events (default: run until Ctrl-C)."),
    Options.optional
  )
}

/** What `options` parses to. */
export interface Values {
  readonly types: ReadonlyArray<string>
  readonly webset: Option.Option<string>
  readonly checkpoint: Option.Option<string>
  readonly since: Option.Option<string>
  readonly poll: string
  readonly limit: Option.Option<number>
}

/** A tail's options, checked: what `consume` runs with. */
export interface Settings {
  readonly types: ReadonlyArray<EventType.EventType>
  readonly webset: Option.Option<string>
  readonly checkpoint: Option.Option<string>
  readonly since: Option.Option<string>
  readonly poll: Duration.Duration
  readonly limit: number
}

/**
 * Checks a tail's options, before the command prints anything or calls the API: a bad value is a usage error
 * (exit 2) with nothing else done.
 */
export const settings = (values: Values): Effect.Effect<Settings, CliError> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    return {
      types: yield* Input.eventTypes("types", values.types),
      webset: values.webset,
      checkpoint: values.checkpoint,
      since: Option.isSome(values.since)
        ? Option.some(yield* Input.instant("since", values.since.value, now))
        : Option.none(),
      poll: yield* Input.duration("poll", values.poll, Duration.millis(100), Input.longestTimer),
      limit: Option.isSome(values.limit) ? yield* Input.positive("limit", values.limit.value) : Infinity
    }
  })

class Enough extends Data.TaggedError("Enough")<{}> {}

/**
 * Handles new events with `handle` under the checkpoint `name`, until interrupted or `--limit` events were
 * handled. An event past the limit is neither handled nor recorded: the next run starts with it.
 */
export const consume = <E, R>(
  name: string,
  settings: Settings,
  handle: (event: Event.Event) => Effect.Effect<unknown, E, R>
) =>
  Effect.gen(function*() {
    const out = yield* Output
    const { limit } = settings
    let handled = 0
    const options: Tail.Options = {
      ...(settings.types.length > 0 ? { types: settings.types } : {}),
      ...(Option.isSome(settings.webset) ? { websetId: settings.webset.value } : {}),
      ...(Option.isSome(settings.since) ? { since: settings.since.value } : {}),
      // No further poll once the limit is reached.
      poll: Schedule.spaced(settings.poll).pipe(Schedule.check(() => handled < limit)),
      // A command that runs for hours outlives an outage of the API: it says so, waits (1 s, doubling, at most
      // 30 s apart) and goes on from its position, so no event is skipped. The message holds the API's text: made
      // terminal-safe, as everything else from the server is.
      outages: {
        initialDelay: "1 second",
        maxDelay: "30 seconds",
        onFailure: (outage) =>
          out.note(`${printable(describe(outage.error).message)}; trying again (the position is kept)`)
      }
    }
    const once = Tail.consume(name, (event): Effect.Effect<unknown, E | Enough, R> =>
      handled >= limit ? Effect.fail(new Enough()) : Effect.tap(handle(event), () => {
        handled++
      }), options)
    yield* once.pipe(
      Effect.catchIf((e): e is Enough =>
        e instanceof Enough, () =>
        Effect.void),
      Effect.provide(CheckpointFile.layer(settings.checkpoint))
    )
  })
