/**
 * The `effect-exa` command line: the command tree, and running it on arguments to an exit code.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as EmulatorCommand from "./EmulatorCommand.js"
import * as EventsCommand from "./EventsCommand.js"
import * as ExitCode from "./ExitCode.js"
import { describe, Reported } from "./internal/failure.js"
import { version } from "./internal/version.js"
import * as ListenCommand from "./ListenCommand.js"
import * as VerifyCommand from "./VerifyCommand.js"
import * as WebhooksCommand from "./WebhooksCommand.js"

/**
 * The command tree.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("effect-exa").pipe(
  Command.withDescription(
    "Exa Websets events from the terminal: look at events, tail them, manage webhooks, forward events to a local receiver. The API key comes from EXA_API_KEY (or --api-key)."
  ),
  Command.withSubcommands([
    EventsCommand.command,
    WebhooksCommand.command,
    ListenCommand.command,
    VerifyCommand.command,
    EmulatorCommand.command
  ])
)

const cli = Command.run(command, { name: "effect-exa", version })

// @effect/cli opens the help of every text option with a sentence naming its type ("A user-defined piece of
// text."), with no way to turn it off; each option here has its own description, so the sentence is dropped.
const placeholder = /^[ \t]*A user-defined piece of text(?: that is confidential)?\.\r?\n(?:[ \t]*\r?\n)?/gm

const tidy = (arg: unknown): unknown => typeof arg === "string" ? arg.replace(placeholder, "") : arg

const tidyConsole = (console: Console.Console): Console.Console => ({
  ...console,
  log: (...args) => console.log(...args.map(tidy)),
  error: (...args) => console.error(...args.map(tidy))
})

/**
 * Runs the command line on `process.argv`-style arguments (the first two are the runtime and the script) and
 * returns the exit code (see `ExitCode`). Every failure has been shown to the user by then; none escapes.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.CliApp.Environment> =>
  Effect.flatMap(Effect.console, (console) => Effect.withConsole(cli(argv), tidyConsole(console))).pipe(
    Effect.as(ExitCode.ok),
    Effect.catchAll((error) => {
      if (error instanceof Reported) return Effect.succeed(error.code)
      // @effect/cli has printed the problem and the usage already.
      if (ValidationError.isValidationError(error)) {
        return Effect.succeed(ValidationError.isHelpRequested(error) ? ExitCode.ok : ExitCode.usage)
      }
      return Effect.succeed(describe(error).code)
    }),
    Effect.catchAllDefect((defect) =>
      Effect.sync(() => {
        const d = describe(defect)
        process.stderr.write(`error: ${d.message}\n  hint: ${d.hint}\n`)
        return ExitCode.internal
      })
    )
  )
