/**
 * The public types of `WebhooksClient`: each method's error channel is exactly its documented union, no
 * `effect/http`, Schema or Config error leaks out, and the accessors need only `WebhooksClient`. Ported from the
 * Effect 3 line's `WebhooksClient.types.test.ts`.
 */
import type { Errors } from "@effect-exa/client"
import { type Endpoint, WebhooksClient } from "@effect-exa/client"
import type { Event, Webhook, WebhookAttempt } from "@effect-exa/schema"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"

// Every error a request can end in, without NotFound.
type RequestError =
  | Errors.Unauthorized
  | Errors.Decode
  | Errors.RateLimited
  | Errors.ApiError
  | Errors.Redirected
  | Errors.ResponseTooLarge
  | Errors.Transport
  | Errors.Timeout
  | Errors.InvalidRequest

type R = WebhooksClient.WebhooksClient
type Endpoints = typeof WebhooksClient.endpoints

describe("WebhooksClient public types", () => {
  it("each method fails with exactly its documented union and needs only WebhooksClient", () => {
    const params = { events: ["webset.idle"] as const, url: "https://example.com" }
    expectTypeOf(WebhooksClient.createWebhook({ ...params, events: [...params.events] })).toEqualTypeOf<
      Effect.Effect<Webhook.CreatedWebhook, RequestError, R>
    >()
    expectTypeOf(WebhooksClient.getWebhook("w")).toEqualTypeOf<
      Effect.Effect<Webhook.Webhook, RequestError | Errors.NotFound, R>
    >()
    expectTypeOf(WebhooksClient.updateWebhook("w", {})).toEqualTypeOf<
      Effect.Effect<Webhook.Webhook, RequestError | Errors.NotFound, R>
    >()
    expectTypeOf(WebhooksClient.deleteWebhook("w")).toEqualTypeOf<
      Effect.Effect<Option.Option<Webhook.Webhook>, RequestError | Errors.NotFound, R>
    >()
    expectTypeOf(WebhooksClient.listWebhooks()).toEqualTypeOf<
      Effect.Effect<Webhook.ListWebhooksResponse, RequestError, R>
    >()
    expectTypeOf(WebhooksClient.streamWebhooks()).toEqualTypeOf<
      Stream.Stream<Webhook.Webhook, RequestError | Errors.ServerFault, R>
    >()
    expectTypeOf(WebhooksClient.listAttempts("w")).toEqualTypeOf<
      Effect.Effect<WebhookAttempt.ListWebhookAttemptsResponse, RequestError | Errors.NotFound, R>
    >()
    expectTypeOf(WebhooksClient.streamAttempts("w")).toEqualTypeOf<
      Stream.Stream<WebhookAttempt.WebhookAttempt, RequestError | Errors.NotFound | Errors.ServerFault, R>
    >()
    expectTypeOf(WebhooksClient.failedDeliveries("w", { since: new Date() })).toEqualTypeOf<
      Stream.Stream<Event.Event, RequestError | Errors.NotFound | Errors.ServerFault, R>
    >()
  })

  it("the error channels are the named unions of Errors, with no platform or schema error in them", () => {
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.createWebhook>>>().toEqualTypeOf<
      Errors.CreateWebhookError
    >()
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.getWebhook>>>().toEqualTypeOf<Errors.GetWebhookError>()
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.updateWebhook>>>().toEqualTypeOf<
      Errors.UpdateWebhookError
    >()
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.deleteWebhook>>>().toEqualTypeOf<
      Errors.DeleteWebhookError
    >()
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.listWebhooks>>>().toEqualTypeOf<
      Errors.ListWebhooksError
    >()
    expectTypeOf<Effect.Error<ReturnType<typeof WebhooksClient.listAttempts>>>().toEqualTypeOf<
      Errors.ListAttemptsError
    >()
    expectTypeOf<Stream.Error<ReturnType<typeof WebhooksClient.streamWebhooks>>>().toEqualTypeOf<
      Errors.StreamWebhooksError
    >()
    expectTypeOf<Stream.Error<ReturnType<typeof WebhooksClient.streamAttempts>>>().toEqualTypeOf<
      Errors.StreamAttemptsError
    >()
    expectTypeOf<Stream.Error<ReturnType<typeof WebhooksClient.failedDeliveries>>>().toEqualTypeOf<
      Errors.FailedDeliveriesError
    >()
    expectTypeOf<
      Extract<
        Stream.Error<ReturnType<typeof WebhooksClient.failedDeliveries>>,
        { _tag: "HttpClientError" | "SchemaError" | "ConfigError" }
      >
    >().toEqualTypeOf<never>()
  })

  it("the endpoint table says which call can be NotFound", () => {
    expectTypeOf<Endpoint.Error<Endpoints["createWebhook"]>>().toEqualTypeOf<Errors.RequestError>()
    expectTypeOf<Endpoint.Error<Endpoints["getWebhook"]>>().toEqualTypeOf<Errors.NotFound | Errors.RequestError>()
    expectTypeOf<Endpoint.Error<Endpoints["deleteWebhook"]>>().toEqualTypeOf<
      Errors.NotFound | Errors.RequestError
    >()
    expectTypeOf<Endpoint.Error<Endpoints["listWebhooks"]>>().toEqualTypeOf<Errors.RequestError>()
    expectTypeOf<Endpoint.Error<Endpoints["listAttempts"]>>().toEqualTypeOf<
      Errors.NotFound | Errors.RequestError
    >()
    expectTypeOf<Endpoint.Success<Endpoints["deleteWebhook"]>>().toEqualTypeOf<Option.Option<Webhook.Webhook>>()
  })

  it("the secret is Redacted on a created webhook, and nullable elsewhere", () => {
    expectTypeOf<Webhook.CreatedWebhook["secret"]>().toEqualTypeOf<Redacted.Redacted<string>>()
    expectTypeOf<Webhook.Webhook["secret"]>().toEqualTypeOf<Redacted.Redacted<string> | null>()
  })

  it("parameters take only known event types (or ones read from the API), and failedDeliveries needs since", () => {
    // @ts-expect-error: not an event type
    void WebhooksClient.createWebhook({ events: ["webset.done"], url: "https://example.com" })
    // @ts-expect-error: since is required
    void WebhooksClient.failedDeliveries("w", {})
  })
})
