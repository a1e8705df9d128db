/**
 * Forwarding an event to a receiver as Exa would deliver it: a POST of the event's JSON, signed with a secret in
 * `Exa-Signature`, redirects not followed. A receiver that cannot be reached, or answers 408, 429 or 5xx, is tried
 * again after a pause (Exa retries too); any other answer is final. Each try is shown with its status and latency.
 *
 * @internal
 */
import * as WebhookSignature from "@effect-exa/client/WebhookSignature"
import type * as Event from "@effect-exa/schema/Event"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ExitCode from "../ExitCode.js"
import { CliError } from "./failure.js"
import * as Input from "./input.js"
import { printable } from "./input.js"
import { Output } from "./output.js"
import { eventJson } from "./render.js"
import { version } from "./version.js"

/** The outcome of one try. */
export type Outcome =
  | { readonly _tag: "Answered"; readonly status: number; readonly millis: number }
  | { readonly _tag: "Unreachable"; readonly reason: string; readonly millis: number }

/** Where to forward, and how. */
export interface Target {
  readonly url: string
  readonly secret: Redacted.Redacted<string>
  /** The longest one try may take. */
  readonly timeout: Duration.Duration
  /** Tries per event before giving up; `Infinity` to keep trying until the receiver answers. */
  readonly attempts: number
}

/** A 2xx: the receiver has the event. */
export const delivered = (outcome: Outcome): boolean =>
  outcome._tag === "Answered" && outcome.status >= 200 && outcome.status < 300

const transient = (outcome: Outcome): boolean =>
  outcome._tag === "Unreachable" || outcome.status === 408 || outcome.status === 429 || outcome.status >= 500

/** The pause before try `n + 1`: 0.5 s, doubling, at most 10 s. */
export const pause = (n: number): Duration.Duration => Duration.millis(Math.min(500 * 2 ** Math.min(n - 1, 10), 10_000))

const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause
  if (typeof cause?.code === "string") {
    return cause.code === "ECONNREFUSED"
      ? "connection refused"
      : cause.code === "ECONNRESET"
      ? "connection reset"
      : cause.code
  }
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time"
  return typeof cause?.message === "string" ? cause.message : error instanceof Error ? error.message : "request failed"
}

/** The most of a receiver's answer that is read: its body is never shown, only its status. */
export const answerLimit = 64 * 1024

/**
 * Reads (and drops) the answer, so that the connection can be reused, up to `answerLimit` bytes: a receiver that
 * answers more (or never stops) has its answer cut off there, and the connection closed.
 */
const drain = async (response: Response): Promise<void> => {
  const reader = response.body?.getReader()
  if (reader === undefined) return
  try {
    for (let read = 0; read <= answerLimit;) {
      const chunk = await reader.read()
      if (chunk.done) return
      read += chunk.value.byteLength
    }
    await reader.cancel()
  } catch {
    // An answer cut short is still an answer: its status stands.
  }
}

/** One signed POST of the body; never fails: an unreachable receiver is an outcome. */
export const post = (target: Target, body: string): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    const signature = yield* Effect.orDie(WebhookSignature.sign({ secret: target.secret, body }))
    const start = yield* Clock.currentTimeMillis
    const elapsed = Effect.map(Clock.currentTimeMillis, (now) => now - start)
    return yield* Effect.tryPromise({
      try: async (signal) => {
        const response = await fetch(target.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "exa-signature": signature,
            "user-agent": `effect-exa-cli/${version}`
          },
          body,
          redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(Duration.toMillis(target.timeout))])
        })
        await drain(response)
        return response.status
      },
      catch: reasonOf
    }).pipe(
      Effect.matchEffect({
        onFailure: (reason) => Effect.map(elapsed, (millis): Outcome => ({ _tag: "Unreachable", reason, millis })),
        onSuccess: (status) => Effect.map(elapsed, (millis): Outcome => ({ _tag: "Answered", status, millis }))
      })
    )
  })

const show = (
  event: Event.Event,
  target: Target,
  attempt: number,
  outcome: Outcome,
  retryIn: Duration.Duration | undefined
) =>
  Effect.flatMap(Output, (out) => {
    if (out.json) {
      return out.record({
        event: { id: event.id, type: event.type },
        url: target.url,
        attempt,
        delivered: delivered(outcome),
        status: outcome._tag === "Answered" ? outcome.status : null,
        error: outcome._tag === "Unreachable" ? outcome.reason : null,
        millis: outcome.millis,
        retryInMillis: retryIn === undefined ? null : Duration.toMillis(retryIn)
      })
    }
    const ok = delivered(outcome)
    const what = outcome._tag === "Answered" ? String(outcome.status) : printable(outcome.reason)
    const verdict = ok ? out.paint("green", "delivered") : out.paint("red", "failed   ")
    const retry = retryIn === undefined
      ? ""
      : out.paint("dim", `  (try ${attempt}, again in ${Duration.format(retryIn)})`)
    return out.line(
      `${verdict}  ${what.padEnd(3)}  ${`${outcome.millis} ms`.padStart(7)}  ${printable(event.type).padEnd(28)}  ${
        printable(event.id)
      }${retry}`
    )
  })

/** Forwards one event, trying again while the receiver is unreachable or busy; the last outcome. */
export const forward = (target: Target, event: Event.Event): Effect.Effect<Outcome, never, Output> =>
  Effect.gen(function*() {
    const body = JSON.stringify(eventJson(event))
    for (let attempt = 1;; attempt++) {
      const outcome = yield* post(target, body)
      const again = transient(outcome) && attempt < target.attempts
      const wait = again ? pause(attempt) : undefined
      yield* show(event, target, attempt, outcome, wait)
      if (wait === undefined) return outcome
      yield* Effect.sleep(wait)
    }
  })

/** `--forward-to URL`. */
export const forwardTo = Options.text("forward-to").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("The receiver to POST each event to, e.g. http://localhost:3000/webhook.")
)

/** `--secret`. */
export const secret = Options.redacted("secret").pipe(
  Options.withPseudoName("SECRET"),
  Options.withDescription(
    "Sign with this secret (your receiver's EXA_WEBHOOK_SECRET). Default: a new one for this run, printed at the start."
  ),
  Options.optional
)

/** `--timeout`. */
export const timeout = Options.text("timeout").pipe(
  Options.withPseudoName("DURATION"),
  Options.withDescription("The longest one POST may take (500ms, 10s; at most 24d)."),
  Options.withDefault("10s")
)

// What a URL that does not parse is shown as: anything between `//` and an `@` (a password, maybe) left out.
const withoutCredentials = (text: string): string => text.replace(/\/\/[^/?#]*@/, "//…@")

const randomSecret = (): Redacted.Redacted<string> => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24))
  return Redacted.make(`whsec_local_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`)
}

/**
 * Where and how to forward: the URL checked (absolute http or https), the secret given or a new one, shown to the
 * user (a secret they gave is never printed).
 */
export const target = (
  options: {
    readonly forwardTo: string
    readonly secret: Option.Option<Redacted.Redacted<string>>
    readonly timeout?: string | undefined
  },
  attempts: number
): Effect.Effect<Target, CliError, Output> =>
  Effect.gen(function*() {
    const out = yield* Output
    let url: URL
    try {
      url = new URL(options.forwardTo)
    } catch {
      return yield* new CliError({
        code: ExitCode.usage,
        message: `--forward-to must be an absolute URL; got "${printable(withoutCredentials(options.forwardTo))}"`,
        hint: "e.g. http://localhost:3000/webhook"
      })
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return yield* new CliError({
        code: ExitCode.usage,
        message: `--forward-to must be an http or https URL; got ${printable(url.protocol)}`
      })
    }
    // `fetch` refuses a URL holding credentials, and the URL is printed: such a URL is refused, and not shown.
    if (url.username !== "" || url.password !== "") {
      return yield* new CliError({
        code: ExitCode.usage,
        message: "--forward-to must not hold a user name or password (user:password@host)",
        hint: "receivers authenticate deliveries by their signature: give the URL without credentials"
      })
    }
    if (Option.isSome(options.secret) && Redacted.value(options.secret.value) === "") {
      return yield* new CliError({ code: ExitCode.usage, message: "--secret is empty" })
    }
    const timeout = options.timeout === undefined
      ? Duration.seconds(10)
      : yield* Input.duration("timeout", options.timeout, Duration.millis(1), Input.longestTimer)
    const secret = Option.getOrElse(options.secret, randomSecret)
    const shown = Option.isNone(options.secret)
    if (out.json) {
      yield* out.record({ forwardTo: url.href, secret: shown ? Redacted.value(secret) : null })
    } else {
      yield* out.line(`Forwarding to ${printable(url.href)}`)
      yield* out.line(
        shown
          ? `Signed with ${out.paint("bold", Redacted.value(secret))} (give it to your receiver as its webhook secret)`
          : "Signed with the secret given"
      )
    }
    return { url: url.href, secret, timeout, attempts }
  })
