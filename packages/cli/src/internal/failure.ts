/**
 * Every way a command can fail, as an exit code and a message a person can act on (never a stack trace).
 *
 * @internal
 */
import * as Checkpoint from "@effect-exa/client/Checkpoint"
import * as Errors from "@effect-exa/client/Errors"
import * as Tail from "@effect-exa/client/Tail"
import * as WebhookSignature from "@effect-exa/client/WebhookSignature"
import * as PlatformError from "@effect/platform/Error"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as ExitCode from "../ExitCode.js"

/** A failure of the command line's own: its exit code, message and a hint. */
export class CliError extends Data.TaggedError("CliError")<{
  readonly code: number
  readonly message: string
  readonly hint?: string
}> {}

/** A failure already shown to the user: only its exit code is left to give. */
export class Reported extends Data.TaggedError("Reported")<{ readonly code: number }> {}

/** What to tell the user. */
export interface Description {
  readonly code: number
  readonly tag: string
  readonly message: string
  readonly hint?: string | undefined
  readonly requestId?: string | undefined
}

const seconds = (d: Duration.Duration): string => `${Math.ceil(Duration.toSeconds(d))} s`

const refusedKeyHint = "check EXA_API_KEY (or --api-key): keys are at https://dashboard.exa.ai/api-keys"

/** What to do without a key. */
export const keyHint = "export EXA_API_KEY=… (keys are at https://dashboard.exa.ai/api-keys), or pass --api-key"

/** The message for an environment variable that is not set. */
export const missingSetting = (name: string): string => `${name} is not set`

// The first problem a `ConfigError` holds, in words: `EXA_API_KEY is not set`, not `Missing data at EXA_API_KEY:
// "<redacted>"` (the text Effect gives a missing `Config.redacted`).
const settingProblem = (error: ConfigError.ConfigError): { readonly path: string; readonly message: string } => {
  switch (error._op) {
    case "And":
    case "Or":
      return settingProblem(error.left)
    case "MissingData":
      return { path: error.path.join("."), message: missingSetting(error.path.join(".")) }
    case "InvalidData":
      return { path: error.path.join("."), message: `${error.path.join(".")} is not valid: ${error.message}` }
    case "SourceUnavailable":
    case "Unsupported":
      return { path: error.path.join("."), message: `${error.path.join(".")} could not be read: ${error.message}` }
  }
}

/** The exit code and message for any failure a command can have. */
export const describe = (error: unknown): Description => {
  const requestId = Predicate.hasProperty(error, "requestId") && typeof error.requestId === "string"
    ? error.requestId
    : undefined
  const of = (code: number, tag: string, message: string, hint?: string): Description => ({
    code,
    tag,
    message,
    hint,
    requestId
  })
  if (error instanceof CliError) return of(error.code, "CliError", error.message, error.hint)
  if (error instanceof Errors.NotFound) {
    return of(
      ExitCode.notFound,
      error._tag,
      error.message,
      error.resource === "event" ? "events are kept for 60 days" : undefined
    )
  }
  if (error instanceof Errors.Unauthorized) {
    return of(
      ExitCode.unauthorized,
      error._tag,
      `The API refused the key (${error.status}): ${error.apiMessage}`,
      refusedKeyHint
    )
  }
  if (error instanceof Errors.InvalidRequest) return of(ExitCode.usage, error._tag, error.message)
  if (error instanceof Errors.RateLimited) {
    return of(
      ExitCode.rateLimited,
      error._tag,
      error.message,
      error.retryAfter === undefined
        ? "wait a little and run it again"
        : `the API asks to wait ${seconds(error.retryAfter)}`
    )
  }
  if (error instanceof Errors.ApiError) {
    return error.status >= 400 && error.status < 500
      ? of(ExitCode.usage, error._tag, `The API rejected the request (${error.status}): ${error.apiMessage}`)
      : of(ExitCode.server, error._tag, error.message, "the API failed after retries: try again later")
  }
  if (error instanceof Errors.Decode) {
    return of(
      ExitCode.server,
      error._tag,
      error.message,
      "the API sent something this version cannot read: please report it"
    )
  }
  if (error instanceof Errors.ServerFault || error instanceof Errors.ResponseTooLarge) {
    return of(ExitCode.server, error._tag, error.message)
  }
  if (error instanceof Errors.Transport) {
    return of(
      ExitCode.network,
      error._tag,
      `Could not reach the API: ${error.description}`,
      "check --base-url (or EXA_BASE_URL) and the network"
    )
  }
  if (error instanceof Errors.Timeout) {
    return of(ExitCode.network, error._tag, error.message, "the API is slow or unreachable: try again")
  }
  if (error instanceof Errors.Redirected) {
    return of(ExitCode.network, error._tag, error.message, "check --base-url: give the API's own origin")
  }
  if (error instanceof Tail.CheckpointExpired) {
    return of(
      ExitCode.usage,
      error._tag,
      `The checkpoint is at ${error.position}, older than the API keeps events (60 days)`,
      "remove the checkpoint file, or give a newer --since"
    )
  }
  if (error instanceof Checkpoint.CheckpointUnreadable) {
    return of(
      ExitCode.usage,
      error._tag,
      `The checkpoint file holds a position this version cannot read (${error.reason})`,
      "remove it to start over"
    )
  }
  if (error instanceof WebhookSignature.SignatureMissing) {
    return of(ExitCode.failed, error._tag, "No signature: the header is empty")
  }
  if (error instanceof WebhookSignature.SignatureMalformed) {
    return of(ExitCode.failed, error._tag, `The header is not an Exa-Signature: ${error.reason}`)
  }
  if (error instanceof WebhookSignature.SignatureMismatch) return of(ExitCode.failed, error._tag, error.message)
  if (error instanceof WebhookSignature.TimestampOutOfTolerance) return of(ExitCode.failed, error._tag, error.message)
  if (PlatformError.isPlatformError(error)) return of(ExitCode.usage, error._tag, error.message)
  if (ConfigError.isConfigError(error)) {
    const problem = settingProblem(error)
    // The key not set, empty or malformed (the library's rules, `ExaClient.apiKeyFromEnv` and the `apiKey` check):
    // exit 4, as for a key the API refuses.
    return problem.path === "EXA_API_KEY" || problem.path === "apiKey"
      ? of(ExitCode.unauthorized, "ConfigError", problem.message, keyHint)
      : of(ExitCode.usage, "ConfigError", problem.message)
  }
  return of(
    ExitCode.internal,
    "Internal",
    `effect-exa failed unexpectedly: ${messageOf(error)}`,
    "please report this at https://github.com/effect-exa/effect-exa/issues"
  )
}

const messageOf = (u: unknown): string => {
  if (Predicate.hasProperty(u, "message") && typeof u.message === "string") return u.message
  try {
    return String(u)
  } catch {
    return "an unprintable value"
  }
}
