/**
 * `effect-exa emulator`: the in-memory Exa Websets API of `@effect-exa/testing` on a loopback port, for this
 * command line, `exa-js` or any HTTP client: the events and webhooks endpoints, with webhooks delivered for real
 * (signed POSTs, retried, recorded as attempts). It runs until Ctrl-C.
 *
 * @since 0.3.0
 */
import type * as Event from "@effect-exa/schema/Event"
import * as EventType from "@effect-exa/schema/EventType"
import * as ExaApi from "@effect-exa/testing/ExaApi"
import * as ExaApiServer from "@effect-exa/testing/ExaApiServer"
import * as Fixtures from "@effect-exa/testing/Fixtures"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ExitCode from "./ExitCode.js"
import * as Common from "./internal/common.js"
import { CliError } from "./internal/failure.js"
import * as Input from "./internal/input.js"
import { Output } from "./internal/output.js"

/**
 * The `n`th sample event (from 0): the sample of each of the 19 types in turn (`Fixtures`), with the id
 * `ev_sample_<n>`, created at `createdAt` (epoch milliseconds). The same `n` gives the same event, but for its time.
 *
 * @since 0.3.0
 * @category samples
 */
export const sample = (n: number, createdAt: number): Event.Encoded =>
  Fixtures.make(EventType.all[n % EventType.all.length]!, {
    id: `ev_sample_${String(n).padStart(6, "0")}`,
    createdAt: new Date(createdAt).toISOString()
  })

/**
 * `emulator [--port N] [--seed N] [--every DURATION] [--api-key KEY]`.
 *
 * @since 0.3.0
 * @category commands
 */
export const command = Command.make(
  "emulator",
  {
    port: Options.integer("port").pipe(
      Options.withPseudoName("N"),
      Options.withDescription("The loopback port to listen on (0: any free port)."),
      Options.withDefault(4010)
    ),
    seed: Options.integer("seed").pipe(
      Options.withPseudoName("N"),
      Options.withDescription(
        "Start with N sample events: the sample of each event type in turn, the same N every run, one minute apart up to the start."
      ),
      Options.withDefault(0)
    ),
    every: Options.text("every").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDescription(
        "Add the next sample event at this interval (5s, 1m), so that tails and webhooks see new events."
      ),
      Options.optional
    ),
    apiKey: Options.redacted("api-key").pipe(
      Options.withPseudoName("KEY"),
      Options.withDescription(
        "The key requests must carry (x-api-key, or Authorization: Bearer). Default: test-api-key."
      ),
      Options.optional
    ),
    json: Common.json
  },
  (o) =>
    Common.run(
      o,
      Effect.gen(function*() {
        const out = yield* Output
        // Every option checked before anything is started or printed.
        if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 100_000) {
          return yield* new CliError({
            code: ExitCode.usage,
            message: `--seed must be a whole number from 0 to 100000; got ${o.seed}`
          })
        }
        if (o.port < 0 || o.port > 65535) {
          return yield* new CliError({ code: ExitCode.usage, message: `--port must be from 0 to 65535; got ${o.port}` })
        }
        const every = Option.isSome(o.every)
          ? Option.some(yield* Input.duration("every", o.every.value, Duration.millis(10), Input.longestTimer))
          : Option.none()
        const apiKey = Option.getOrElse(o.apiKey, () => ExaApi.defaultApiKey)
        if (Redacted.value(apiKey) === "") {
          return yield* new CliError({ code: ExitCode.usage, message: "--api-key is empty" })
        }
        const start = Math.floor((yield* Clock.currentTimeMillis) / 1000) * 1000
        const events = Array.from({ length: o.seed }, (_, n) => sample(n, start - (o.seed - n) * 60_000))
        const context = yield* Layer.build(
          ExaApiServer.layerWith({ port: o.port }).pipe(Layer.provideMerge(ExaApi.layer({ events, apiKey })))
        ).pipe(
          Effect.catchTag("ListenError", (error) =>
            new CliError({
              code: ExitCode.usage,
              message: error.message,
              ...(o.port === 0 ? {} : { hint: "give another --port, or --port 0 for any free one" })
            }))
        )
        const api = Context.get(context, ExaApi.ExaApi)
        const { url } = Context.get(context, ExaApiServer.ExaApiServer)
        const key = Redacted.value(apiKey)
        if (out.json) {
          yield* out.record({
            baseUrl: url,
            apiKey: key,
            events: o.seed,
            everyMillis: Option.isSome(every) ? Duration.toMillis(every.value) : null
          })
        } else {
          yield* out.line(`Exa API emulator on ${url} (API key ${Input.printable(key)})`)
          yield* out.line(`  export EXA_BASE_URL=${url} EXA_API_KEY=${shellQuoted(key)}`)
          yield* out.note(
            out.paint(
              "dim",
              `${o.seed} sample event${o.seed === 1 ? "" : "s"}${
                Option.isSome(every) ? `; one more every ${Duration.format(every.value)}` : ""
              }. Ctrl-C to stop.`
            )
          )
        }
        if (Option.isSome(every)) {
          let next = o.seed
          yield* Effect.forkScoped(
            Clock.currentTimeMillis.pipe(
              Effect.flatMap((now) => api.addEvents([sample(next++, now)])),
              Effect.repeat(Schedule.spaced(every.value)),
              Effect.delay(every.value)
            )
          )
        }
        return yield* Effect.never
      }).pipe(Effect.scoped)
    )
).pipe(
  Command.withDescription(
    "Run the in-memory Exa API on a loopback port (events and webhooks, with real signed deliveries), printing its base URL and API key, until Ctrl-C."
  )
)

// A key as a POSIX shell word: plain when it is safe, else single-quoted.
const shellQuoted = (text: string): string =>
  /^[A-Za-z0-9_.:/@%+=-]+$/.test(text) ? text : `'${Input.printable(text).replace(/'/g, "'\\''")}'`
