/**
 * `effect-exa listen --forward-to URL`: new events, as they happen, POSTed to a receiver on this machine, signed as
 * Exa signs deliveries, so that a webhook handler can be tried without a public URL.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as ExitCode from "./ExitCode.js"
import * as Common from "./internal/common.js"
import { Reported } from "./internal/failure.js"
import * as Forward from "./internal/forward.js"
import { Output } from "./internal/output.js"
import * as Tailing from "./internal/tailing.js"

/**
 * `listen --forward-to URL [--types] [--checkpoint FILE]`. Stopped by `--limit`, it exits 1 (`ExitCode.failed`)
 * when the receiver refused any of the events.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "listen",
  { ...Common.api, ...Tailing.options, forwardTo: Forward.forwardTo, secret: Forward.secret, timeout: Forward.timeout },
  (o) =>
    Common.runApi(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        // Every option is checked before anything is printed (the new secret included).
        const settings = yield* Tailing.settings(o)
        // Keep trying an event while the receiver is down or busy: events go in order, none skipped.
        const target = yield* Forward.target(o, Infinity)
        if (!out.json) yield* out.note(out.paint("dim", "Waiting for new events (Ctrl-C to stop)…"))
        let forwarded = 0
        let refused = 0
        yield* Tailing.consume("listen", settings, (event) =>
          Effect.map(Forward.forward(target, event), (outcome) => {
            forwarded++
            if (!Forward.delivered(outcome)) refused++
          }))
        if (refused > 0) {
          if (!out.json) {
            yield* out.note(`The receiver refused ${refused} of ${forwarded} event${forwarded === 1 ? "" : "s"}.`)
          }
          return yield* new Reported({ code: ExitCode.failed })
        }
      })
    )
).pipe(
  Command.withDescription(
    "Forward new events to a local URL, signed like Exa's deliveries (a new secret each run unless --secret), showing each delivery's status and time; resumable with --checkpoint. With --limit, exits 1 if the receiver refused any."
  )
)
