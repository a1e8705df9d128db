/** A Console that keeps what `log` and `error` print, for checking a program's output. */
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"

export const recording = () => {
  const lines: Array<string> = []
  const keep = (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.map(String).join(" ")))
  const console: Console.Console = {
    ...Effect.runSync(Effect.console),
    log: keep,
    error: keep,
    warn: keep,
    info: keep
  }
  return { lines, withConsole: Effect.withConsole(console) }
}
