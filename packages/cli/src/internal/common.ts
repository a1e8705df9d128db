/**
 * What every command that talks to the API shares: `--api-key`, `--base-url` and `--json`, the clients built from
 * them, and running a command so that any failure becomes a message and an exit code.
 *
 * @internal
 */
import * as EventsClient from "@effect-exa/client/EventsClient"
import * as Exa from "@effect-exa/client/Exa"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as WebhooksClient from "@effect-exa/client/WebhooksClient"
import * as Options from "@effect/cli/Options"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ExitCode from "../ExitCode.js"
import { version } from "./version.js"
import { CliError, describe, keyHint, missingSetting, Reported } from "./failure.js"
import * as Output from "./output.js"

/** `--json`. */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Print one JSON object per line (for scripts) instead of text.")
)

/** The options of every command that calls the API. */
export const api = {
  apiKey: Options.redacted("api-key").pipe(
    Options.withPseudoName("KEY"),
    Options.withDescription("The Exa API key. Default: the EXA_API_KEY environment variable (prefer it: options show in process lists)."),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription("The API's origin (the emulator's, a proxy's). Default: EXA_BASE_URL, else https://api.exa.ai."),
    Options.optional
  ),
  json
}

/** What `api` parses to. */
export interface Api {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly baseUrl: Option.Option<string>
  readonly json: boolean
}

/** Both clients, over `fetch`, for the key and base URL given (or from the environment). */
export const clients = (api: Api): Layer.Layer<EventsClient.EventsClient | WebhooksClient.WebhooksClient, unknown> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    // An empty variable is no key (a shell's `EXA_API_KEY= effect-exa …`).
    const apiKey = Option.isSome(api.apiKey)
      ? api.apiKey
      : Option.filter(yield* Config.option(Config.redacted("EXA_API_KEY")), (key) => Redacted.value(key) !== "")
    if (Option.isNone(apiKey)) {
      return yield* new CliError({ code: ExitCode.unauthorized, message: missingSetting("EXA_API_KEY"), hint: keyHint })
    }
    const baseUrl = Option.isSome(api.baseUrl)
      ? api.baseUrl
      : Option.filter(yield* Config.option(Config.string("EXA_BASE_URL")), (url) => url.trim() !== "")
    const options = {
      apiKey: apiKey.value,
      ...(Option.isSome(baseUrl) ? { baseUrl: baseUrl.value } : {}),
      transformClient: withUserAgent
    }
    return Exa.layer(options).pipe(
      Layer.provide(FetchTransport.layer)
    )
  }))

const withUserAgent = (client: HttpClient.HttpClient) =>
  HttpClient.mapRequest(client, HttpClientRequest.setHeader("user-agent", `effect-exa-cli/${version}`))

/**
 * Runs a command's program with its `Output`: a failure is shown (message, hint; JSON with `--json`) and becomes
 * `Reported` with its exit code.
 */
export const run = <E, R>(
  options: { readonly json: boolean },
  program: Effect.Effect<void, E, R>
): Effect.Effect<void, Reported, Exclude<R, Output.Output>> =>
  Effect.gen(function*() {
    const output = Output.make({ json: options.json, stdout: process.stdout, stderr: process.stderr, env: process.env })
    return yield* program.pipe(
      Effect.catchAll((error) => {
        if (error instanceof Reported) return Effect.fail(error)
        const description = describe(error)
        return Effect.zipRight(output.failure(description), Effect.fail(new Reported({ code: description.code })))
      }),
      Effect.provideService(Output.Output, output)
    )
  })

/** `run`, with both clients in context. */
export const runApi = <E, R>(
  options: Api,
  program: Effect.Effect<void, E, R>
): Effect.Effect<void, Reported, Exclude<Exclude<R, EventsClient.EventsClient | WebhooksClient.WebhooksClient>, Output.Output>> => run(options, Effect.provide(program, clients(options)))
