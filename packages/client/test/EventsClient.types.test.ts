import type { Errors, ExaClient } from "@effect-exa/client"
import { EventsClient } from "@effect-exa/client"
import type { Event, ListEventsResponse } from "@effect-exa/schema"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import * as EffectRuntime from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"

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

describe("public types", () => {
  it("getEvent fails with exactly the documented union and needs only EventsClient", () => {
    const program = EventsClient.getEvent("ev_1")
    expectTypeOf(program).toEqualTypeOf<Effect.Effect<Event.Event, GetEventError, EventsClient.EventsClient>>()
    expectTypeOf<Effect.Effect.Error<typeof program>>().toEqualTypeOf<Errors.GetEventError>()
    // No platform error type leaks out.
    expectTypeOf<
      Extract<Effect.Effect.Error<typeof program>, { _tag: "RequestError" | "ResponseError" | "ParseError" }>
    >()
      .toEqualTypeOf<never>()
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
      EffectRuntime.catchTag("NotFound", (error) => {
        expectTypeOf(error.id).toEqualTypeOf<string>()
        expectTypeOf(error.requestId).toEqualTypeOf<string | undefined>()
        return EffectRuntime.succeed(`missing ${error.id}`)
      }),
      EffectRuntime.catchTag("Unauthorized", (error) => {
        expectTypeOf(error.status).toEqualTypeOf<401 | 403>()
        return EffectRuntime.succeed("unauthorized")
      })
    )
    expectTypeOf<Effect.Effect.Error<typeof program>>().toEqualTypeOf<
      Exclude<GetEventError, Errors.NotFound | Errors.Unauthorized>
    >()
    const result = await EffectRuntime.runPromise(
      program.pipe(EffectRuntime.provide(ExaApi.layerClient({ events: [Fixtures.events["webset.idle"]] })))
    )
    expect(result).toBe(`missing ev_missing`)
  })

  it("layers: Default needs the connection; the old per-client constructors are gone", () => {
    type Out<L> = L extends Layer.Layer<infer A, infer E, infer R> ? [A, E, R] : never
    expectTypeOf<Out<typeof EventsClient.Default>>().toEqualTypeOf<
      [EventsClient.EventsClient, never, ExaClient.ExaClient]
    >()
    expect("layer" in EventsClient).toBe(false)
    expect("layerConfig" in EventsClient).toBe(false)
    expect("make" in EventsClient).toBe(false)
  })
})
