/**
 * `effect-exa verify`: checks a delivery's signature and says why it does not verify.
 *
 * @since 0.1.0
 */
import * as WebhookSignature from "@effect-exa/client/WebhookSignature"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ExitCode from "./ExitCode.js"
import * as Common from "./internal/common.js"
import { CliError, describe, missingSetting, Reported } from "./internal/failure.js"
import * as Input from "./internal/input.js"
import { Output } from "./internal/output.js"

const readBody = (path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    if (path === "-") {
      return yield* Effect.tryPromise({
        try: async () => {
          const chunks: Array<Uint8Array> = []
          for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array)
          return new Uint8Array(Buffer.concat(chunks))
        },
        catch: (error) =>
          new CliError({
            code: ExitCode.usage,
            message: `Could not read the body from stdin: ${error instanceof Error ? error.message : String(error)}`
          })
      })
    }
    return yield* fs.readFile(path)
  })

/**
 * `verify --secret S --header H --body-file F`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "verify",
  {
    json: Common.json,
    secret: Options.redacted("secret").pipe(
      Options.withPseudoName("SECRET"),
      Options.withDescription("The webhook's secret (whsec_…). Default: the EXA_WEBHOOK_SECRET environment variable."),
      Options.optional
    ),
    header: Options.text("header").pipe(
      Options.withPseudoName("HEADER"),
      Options.withDescription(
        "The Exa-Signature header as received (t=…,v1=…; a leading \"Exa-Signature:\" is allowed)."
      )
    ),
    bodyFile: Options.text("body-file").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription("A file holding the raw body exactly as received (- for stdin).")
    ),
    tolerance: Options.text("tolerance").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDescription(
        "How old the signature may be (300s by default, as receivers check; 30d for an old capture)."
      ),
      Options.withDefault("300s")
    )
  },
  (o) =>
    Common.run(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        const secret = Option.isSome(o.secret) ? o.secret : yield* Config.option(Config.redacted("EXA_WEBHOOK_SECRET"))
        if (Option.isNone(secret)) {
          return yield* new CliError({
            code: ExitCode.usage,
            message: missingSetting("EXA_WEBHOOK_SECRET"),
            hint: "set it to the webhook's secret (whsec_…), or pass --secret"
          })
        }
        const tolerance = yield* Input.duration("tolerance", o.tolerance)
        const header = o.header.replace(/^\s*exa-signature\s*:/i, "").trim()
        const body = yield* readBody(o.bodyFile)
        const options = { secret: secret.value, header, body, tolerance }
        const checked = yield* Effect.either(WebhookSignature.verifySignature(options))
        if (Either.isLeft(checked)) {
          const error = checked.left
          const d = describe(error)
          const hint = error._tag === "SignatureMismatch"
            ? yield* mismatchHint(secret.value, header, body)
            : error._tag === "TimestampOutOfTolerance"
            ? `the signature matches; pass --tolerance ${
              enough(Math.abs(error.now - error.timestamp))
            } to accept a capture this old`
            : d.hint
          yield* out.failure({ ...d, hint })
          return yield* new Reported({ code: d.code })
        }
        const now = yield* Clock.currentTimeMillis
        const age = Math.round(now / 1000 - checked.right.timestamp)
        const event = yield* Effect.either(WebhookSignature.verify(options))
        if (Either.isLeft(event)) {
          const d = describe(event.left)
          yield* out.failure({
            ...d,
            code: ExitCode.failed,
            message: `The signature is valid, but the body is not an event: ${d.message}`
          })
          return yield* new Reported({ code: ExitCode.failed })
        }
        const signedAt = new Date(checked.right.timestamp * 1000).toISOString()
        if (out.json) {
          return yield* out.record({
            valid: true,
            signedAt,
            ageSeconds: age,
            event: { id: event.right.id, type: event.right.type }
          })
        }
        yield* out.line(
          `${out.paint("green", "valid")}: signed at ${signedAt} (${Duration.format(Duration.seconds(Math.abs(age)))} ${
            age >= 0 ? "ago" : "ahead"
          })`
        )
        yield* out.line(`event ${Input.printable(event.right.id)} (${Input.printable(event.right.type)})`)
      })
    )
).pipe(Command.withDescription("Check a webhook delivery's signature against a secret, and say why it fails."))

// A tolerance that covers an age in seconds, in the unit a person would type.
const enough = (seconds: number): string =>
  seconds < 3600
    ? `${Math.ceil(seconds / 60)}m`
    : seconds < 86400
    ? `${Math.ceil(seconds / 3600)}h`
    : `${Math.ceil(seconds / 86400)}d`

// Why a signature may not match: the usual mistakes, tried.
const mismatchHint = (secret: WebhookSignature.Options["secret"], header: string, body: Uint8Array) =>
  Effect.gen(function*() {
    const text = new TextDecoder().decode(body)
    const trimmed = text.replace(/\r?\n$/, "")
    if (trimmed !== text) {
      const retried = yield* Effect.either(
        WebhookSignature.verifySignature({ secret, header, body: trimmed, tolerance: Duration.infinity })
      )
      if (Either.isRight(retried)) {
        return "it matches without the final newline of the file: save the body exactly as received"
      }
    }
    try {
      const compact = JSON.stringify(JSON.parse(text))
      if (compact !== text) {
        const retried = yield* Effect.either(
          WebhookSignature.verifySignature({ secret, header, body: compact, tolerance: Duration.infinity })
        )
        if (Either.isRight(retried)) {
          return "it matches the body re-serialised: verify the raw bytes received, not JSON you re-encoded"
        }
      }
    } catch {
      // Not JSON: nothing to try.
    }
    return "check the secret (the webhook's, from its creation) and that the body is byte for byte what was received"
  })
