import type { Errors } from "@effect-exa/client"
import {
  type Dedupe,
  type Endpoint,
  EventsClient,
  Exa,
  ExaClient,
  FetchTransport,
  WebhookReceiver,
  WebhooksClient
} from "@effect-exa/client"
import type { Event } from "@effect-exa/schema"
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const options = { apiKey: Redacted.make("k") }

describe("ExaClient public types", () => {
  it("the connection needs an HttpClient; resource clients need only the connection; Exa gives all", () => {
    expectTypeOf(ExaClient.layer(options)).toEqualTypeOf<
      Layer.Layer<ExaClient.ExaClient, ConfigError.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(ExaClient.layerConfig()).toEqualTypeOf<
      Layer.Layer<ExaClient.ExaClient, ConfigError.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(EventsClient.Default).toEqualTypeOf<
      Layer.Layer<EventsClient.EventsClient, never, ExaClient.ExaClient>
    >()
    expectTypeOf(WebhooksClient.Default).toEqualTypeOf<
      Layer.Layer<WebhooksClient.WebhooksClient, never, ExaClient.ExaClient>
    >()
    expectTypeOf(Exa.layer(options)).toEqualTypeOf<
      Layer.Layer<
        ExaClient.ExaClient | EventsClient.EventsClient | WebhooksClient.WebhooksClient,
        ConfigError.ConfigError,
        HttpClient.HttpClient
      >
    >()
    // A transport that takes no options is a value.
    expectTypeOf(FetchTransport.layer).toMatchTypeOf<Layer.Layer<HttpClient.HttpClient, never, never>>()
  })

  it("an endpoint's errors follow from its declaration, and run keeps them", () => {
    expectTypeOf<Endpoint.Error<typeof EventsClient.endpoints.getEvent>>().toEqualTypeOf<
      Errors.NotFound | Errors.RequestError
    >()
    expectTypeOf<Endpoint.Error<typeof EventsClient.endpoints.listEvents>>().toEqualTypeOf<Errors.RequestError>()
    expectTypeOf<Endpoint.Args<typeof WebhooksClient.endpoints.updateWebhook>>().toEqualTypeOf<
      [id: string, params: WebhooksClient.UpdateWebhookParams]
    >()
    const program = Effect.flatMap(ExaClient.ExaClient, (client) => client.run(EventsClient.endpoints.getEvent, "ev_1"))
    expectTypeOf(program).toEqualTypeOf<
      Effect.Effect<Event.Event, Errors.NotFound | Errors.RequestError, ExaClient.ExaClient>
    >()
  })

  it("the receiver requires a Dedupe exactly when asked to dedupe", () => {
    const handle = (_: Event.Event) => Effect.void
    expectTypeOf(WebhookReceiver.make({ secret: Redacted.make("s"), handle })).toEqualTypeOf<
      HttpApp.Default<never, never>
    >()
    expectTypeOf(WebhookReceiver.make({ secret: Redacted.make("s"), handle, dedupe: true })).toEqualTypeOf<
      HttpApp.Default<never, Dedupe.Dedupe>
    >()
  })
})
