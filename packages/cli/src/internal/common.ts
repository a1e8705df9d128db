/**
 * What every command that talks to the API shares: `--api-key`, `--base-url` and `--json`, the clients built from
 * them, and running a command so that any failure becomes a message and an exit code.
 *
 * @internal
 */
import * as Exa from "@effect-exa/client/Exa"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as Options from "@effect/cli/Options"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { describe, Reported } from "./failure.js"
import * as Output from "./output.js"
import { version } from "./version.js"

/** `--json`. */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Print one JSON object per line (for scripts) instead of text.")
)

/** The options of every command that calls the API. */
export const api = {
  apiKey: Options.redacted("api-key").pipe(
    Options.withPseudoName("KEY"),
    Options.withDescription(
      "The Exa API key. Default: the EXA_API_KEY environment variable (prefer it: options show in process lists)."
    ),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      "The API's origin (the emulator's, a proxy's). Default: EXA_BASE_URL, else https://api.exa.ai."
    ),
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

/**
 * Every client over one connection (`Exa.layerConfig`, over `fetch`), for the key and base URL given, else the
 * environment's by the library's own rules (`EXA_API_KEY` not set or empty, `EXA_BASE_URL` blank: see
 * `ExaClient.apiKeyFromEnv`), so the command line and a program using the library fail alike on the same settings.
 */
export const clients = (api: Api): Layer.Layer<Exa.Clients, ConfigError.ConfigError> =>
  Exa.layerConfig({
    ...(Option.isSome(api.apiKey) ? { apiKey: Config.succeed(api.apiKey.value) } : {}),
    ...(Option.isSome(api.baseUrl) ? { baseUrl: Config.succeed(api.baseUrl.value) } : {}),
    transformClient: withUserAgent
  }).pipe(Layer.provide(FetchTransport.layer))

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

/** `run`, with every client in context. */
export const runApi = <E, R>(
  options: Api,
  program: Effect.Effect<void, E, R>
): Effect.Effect<void, Reported, Exclude<Exclude<R, Exa.Clients>, Output.Output>> =>
  run(options, Effect.provide(program, clients(options)))
