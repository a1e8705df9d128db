/**
 * Where a command writes: records and tables on stdout, notes, progress and errors on stderr. Human text by default
 * (colours only on a terminal, and never when `NO_COLOR` is set), one JSON object per line with `--json`.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type { Description } from "./failure.js"
import { printable, unicodeEscape } from "./input.js"

/** A stream to write to (`process.stdout`, or a buffer in tests). */
export interface Sink {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean | undefined
}

/** Styles for human output. */
export type Style = "bold" | "dim" | "green" | "red" | "yellow" | "cyan"

const codes: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39]
}

export interface Service {
  /** `--json`: one JSON object per line on stdout. */
  readonly json: boolean
  /** A line of human output on stdout. */
  readonly line: (text: string) => Effect.Effect<void>
  /** One JSON object on its own line on stdout. */
  readonly record: (value: unknown) => Effect.Effect<void>
  /** A line for the person at the terminal, on stderr (also with `--json`, so that stdout stays parseable). */
  readonly note: (text: string) => Effect.Effect<void>
  /** A progress line on stderr, redrawn in place; only on a terminal. An empty text clears it. */
  readonly progress: (text: string) => Effect.Effect<void>
  /** Styles text for stdout (plain when colours are off). */
  readonly paint: (style: Style, text: string) => string
  /** Shows a failure on stderr: a message and a hint, or a JSON object with `--json`. */
  readonly failure: (description: Description) => Effect.Effect<void>
}

export class Output extends Context.Tag("@effect-exa/cli/Output")<Output, Service>() {}

/** JSON text that is safe in a terminal too: C1 controls and line separators escaped (still valid JSON). */
export const jsonText = (value: unknown, indent?: number): string =>
  JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, unicodeEscape)

const colourful = (sink: Sink, env: Readonly<Record<string, string | undefined>>): boolean => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true
  return sink.isTTY === true && env.TERM !== "dumb"
}

export const make = (options: {
  readonly json: boolean
  readonly stdout: Sink
  readonly stderr: Sink
  readonly env: Readonly<Record<string, string | undefined>>
}): Service => {
  const { json, stderr, stdout } = options
  const colour = colourful(stdout, options.env)
  const errColour = colourful(stderr, options.env)
  const style = (on: boolean) => (s: Style, text: string) =>
    on ? `\x1b[${codes[s][0]}m${text}\x1b[${codes[s][1]}m` : text
  const errPaint = style(errColour)
  let progressShown = false
  const clearProgress = () => {
    if (progressShown) {
      stderr.write("\r\x1b[2K")
      progressShown = false
    }
  }
  return {
    json,
    line: (text) =>
      Effect.sync(() => {
        clearProgress()
        stdout.write(`${text}\n`)
      }),
    record: (value) =>
      Effect.sync(() => {
        clearProgress()
        stdout.write(`${jsonText(value)}\n`)
      }),
    note: (text) =>
      Effect.sync(() => {
        clearProgress()
        stderr.write(`${text}\n`)
      }),
    progress: (text) =>
      Effect.sync(() => {
        if (stderr.isTTY !== true) return
        if (text === "") return clearProgress()
        stderr.write(`\r\x1b[2K${errPaint("dim", text)}`)
        progressShown = true
      }),
    paint: style(colour),
    failure: (d) =>
      Effect.sync(() => {
        clearProgress()
        if (json) {
          stderr.write(
            `${
              jsonText({
                error: { tag: d.tag, message: d.message, hint: d.hint, requestId: d.requestId, exitCode: d.code }
              })
            }\n`
          )
          return
        }
        let text = `${errPaint("red", "error")}: ${printable(d.message)}\n`
        if (d.hint !== undefined) text += `  ${errPaint("dim", `hint: ${d.hint}`)}\n`
        if (d.requestId !== undefined) text += `  ${errPaint("dim", `request id: ${printable(d.requestId)}`)}\n`
        stderr.write(text)
      })
  }
}

/** Rows as columns, each padded to its widest cell (the last one not padded). Cells must be printable already. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)))
  const format = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()
  return [format(headers), ...rows.map(format)]
}
