/**
 * The public types: getEvent's error channel is exactly the documented union, no `effect/http` or Schema error
 * leaks out, layers say what they need. Ported from the Effect 3 line's `EventsClient.types.test.ts` and
 * `ExaClient.types.test.ts`.
 */
import type { Errors } from "@effect-exa/client"
import { type Endpoint, EventsClient, Exa, ExaClient, type WebhooksClient } from "@effect-exa/client"
import type { Event, ListEventsResponse } from "@effect-exa/schema"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import { idle } from "./fixtures.js"
import { json, stub } from "./stub.js"

type GetEventError =
  | Errors.NotFound
  | Errors.Unauthorized
  | Errors.Decode
  | Errors.RateLimited
  | Errors.ApiError
  | Errors.Redirected
  | Errors.ResponseTooLarge
  | Errors.Transport
  | Errors.Timeout
  | Errors.InvalidRequest

const options = { apiKey: Redacted.make("k") }

describe("public types", () => {
  it("getEvent fails with exactly the documented union and needs only EventsClient", () => {
    const program = EventsClient.getEvent("ev_1")
    expectTypeOf(program).toEqualTypeOf<Effect.Effect<Event.Event, GetEventError, EventsClient.EventsClient>>()
    expectTypeOf<Effect.Error<typeof program>>().toEqualTypeOf<Errors.GetEventError>()
    // No platform or schema error type leaks out.
    expectTypeOf<
      Extract<Effect.Error<typeof program>, { _tag: "HttpClientError" | "SchemaError" | "ConfigError" }>
    >().toEqualTypeOf<never>()
  })

  it("listEvents fails with the same union minus NotFound; streamEvents adds ServerFault", () => {
    expectTypeOf(EventsClient.listEvents()).toEqualTypeOf<
      Effect.Effect<
        ListEventsResponse.ListEventsResponse,
        Exclude<GetEventError, Errors.NotFound>,
        EventsClient.EventsClient
      >
    >()
    expectTypeOf(EventsClient.streamEvents()).toEqualTypeOf<
      Stream.Stream<
        Event.Event,
        Exclude<GetEventError, Errors.NotFound> | Errors.ServerFault,
        EventsClient.EventsClient
      >
    >()
    expectTypeOf<Errors.ExaError>().toEqualTypeOf<GetEventError | Errors.ServerFault>()
  })

  it("catchTag narrows each error to its fields", async () => {
    const program = EventsClient.getEvent("ev_missing").pipe(
      Effect.catchTag("NotFound", (error) => {
        expectTypeOf(error.id).toEqualTypeOf<string>()
        expectTypeOf(error.requestId).toEqualTypeOf<string | undefined>()
        return Effect.succeed(`missing ${error.id}`)
      }),
      Effect.catchTag("Unauthorized", (error) => {
        expectTypeOf(error.status).toEqualTypeOf<401 | 403>()
        return Effect.succeed("unauthorized")
      })
    )
    expectTypeOf<Effect.Error<typeof program>>().toEqualTypeOf<
      Exclude<GetEventError, Errors.NotFound | Errors.Unauthorized>
    >()
    const result = await Effect.runPromise(
      program.pipe(
        Effect.provide(Exa.layer({ ...options, retry: false })),
        Effect.provide(stub(() => json(404, {})).layer)
      )
    )
    expect(result).toBe("missing ev_missing")
    void idle
  })

  it("layers: the connection needs an HttpClient; Default needs only the connection; no per-client constructors", () => {
    expectTypeOf(ExaClient.layer(options)).toEqualTypeOf<
      Layer.Layer<ExaClient.ExaClient, Config.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(ExaClient.layerConfig()).toEqualTypeOf<
      Layer.Layer<ExaClient.ExaClient, Config.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(EventsClient.Default).toEqualTypeOf<
      Layer.Layer<EventsClient.EventsClient, never, ExaClient.ExaClient>
    >()
    expectTypeOf(Exa.layer(options)).toEqualTypeOf<
      Layer.Layer<
        ExaClient.ExaClient | EventsClient.EventsClient | WebhooksClient.WebhooksClient,
        Config.ConfigError,
        HttpClient.HttpClient
      >
    >()
    expectTypeOf(Exa.Default).toEqualTypeOf<
      Layer.Layer<EventsClient.EventsClient | WebhooksClient.WebhooksClient, never, ExaClient.ExaClient>
    >()
    expect("layer" in EventsClient).toBe(false)
    expect("layerConfig" in EventsClient).toBe(false)
    expect("make" in EventsClient).toBe(false)
  })

  it("an endpoint's errors follow from its declaration, and run keeps them", () => {
    expectTypeOf<Endpoint.Error<typeof EventsClient.endpoints.getEvent>>().toEqualTypeOf<
      Errors.NotFound | Errors.RequestError
    >()
    expectTypeOf<Endpoint.Error<typeof EventsClient.endpoints.listEvents>>().toEqualTypeOf<Errors.RequestError>()
    expectTypeOf<Endpoint.Args<typeof EventsClient.endpoints.listEvents>>().toEqualTypeOf<
      [params?: EventsClient.ListEventsParams]
    >()
    const program = Effect.flatMap(
      Effect.service(ExaClient.ExaClient),
      (client) => client.run(EventsClient.endpoints.getEvent, "ev_1")
    )
    expectTypeOf(program).toEqualTypeOf<
      Effect.Effect<Event.Event, Errors.NotFound | Errors.RequestError, ExaClient.ExaClient>
    >()
  })
})
