/**
 * `effect-exa listen --forward-to URL`: new events, as they happen, POSTed to a receiver on this machine, signed as
 * Exa signs deliveries, so that a webhook handler can be tried without a public URL.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Common from "./internal/common.js"
import * as Forward from "./internal/forward.js"
import { Output } from "./internal/output.js"
import * as Tailing from "./internal/tailing.js"

/**
 * `listen --forward-to URL [--types] [--checkpoint FILE]`.
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
        // Keep trying an event while the receiver is down or busy: events go in order, none skipped.
        const target = yield* Forward.target(o, Infinity)
        if (!out.json) yield* out.note(out.paint("dim", "Waiting for new events (Ctrl-C to stop)…"))
        yield* Tailing.consume("listen", o, (event) => Forward.forward(target, event))
      })
    )
).pipe(
  Command.withDescription(
    "Forward new events to a local URL, signed like Exa's deliveries (a new secret each run unless --secret), showing each delivery's status and time; resumable with --checkpoint."
  )
)
