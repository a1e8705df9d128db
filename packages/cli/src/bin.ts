/**
 * The `effect-exa` program.
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { stripVTControlCharacters } from "node:util"
import * as Cli from "./Cli.js"
import * as ExitCode from "./ExitCode.js"
import { printable } from "./internal/input.js"

// Output piped into a program that stops reading (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ok)
  })
}

// @effect/cli styles its help and messages with ANSI codes wherever they go: plain text unless on a terminal.
const plain = (stream: NodeJS.WriteStream) =>
  stream.isTTY !== true || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "")
const console = Effect.runSync(Effect.console)
const styled: Console.Console = {
  ...console,
  log: (...args) => console.log(...(plain(process.stdout) ? args.map(strip) : args)),
  error: (...args) => console.error(...(plain(process.stderr) ? args.map(strip) : args))
}
function strip(arg: unknown): unknown {
  return typeof arg === "string" ? stripVTControlCharacters(arg) : arg
}

// What the library logs (a tail riding out an outage, an event dated in the future) is a note on stderr, made
// terminal-safe: stdout carries only the command's records, which `--json` output depends on.
const notes = Logger.make(({ logLevel, message }) => {
  if (LogLevel.lessThan(logLevel, LogLevel.Warning)) return
  const text = (Array.isArray(message) ? message : [message]).map((part) =>
    typeof part === "string" ? part : String(part)
  ).join(" ")
  process.stderr.write(`${printable(text)}\n`)
})

Cli.run(process.argv).pipe(
  Effect.withConsole(styled),
  Effect.provide(Logger.replace(Logger.defaultLogger, notes)),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) =>
      onExit(
        Exit.isSuccess(exit)
          ? (exit.value as number)
          : Cause.isInterruptedOnly(exit.cause)
          ? ExitCode.interrupted
          : ExitCode.internal
      )
  })
)
