/**
 * The URL a create or an update sends: the schema's rule (`Webhook.WebhookUrl`) and the client's "https, or plain
 * http to loopback" agree. A text that parsers read differently (`http://127.0.0.1\@evil.example/`: host 127.0.0.1
 * to WHATWG, evil.example to others) is refused before the loopback check could let it through, and a password in
 * the URL never reaches the reason.
 */
import { Exa, WebhooksClient } from "@effect-exa/client"
import { Fixtures } from "@effect-exa/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

// A server that records each request's body and answers with a webhook.
const recording = () => {
  const sent: Array<string> = []
  const client = HttpClient.make((request) => {
    sent.push(request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "")
    return Effect.succeed(
      HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify({ ...Fixtures.webhook, secret: "whsec_0123456789abcdef" }), {
          status: 201,
          headers: { "content-type": "application/json" }
        })
      )
    )
  })
  const layer = Exa.layer({ apiKey: Redacted.make("k-url"), retry: false }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { sent, layer }
}

const refused: ReadonlyArray<readonly [string, string]> = [
  ["http://127.0.0.1\\@evil.example/", "must not contain a backslash"],
  ["http://localhost\\@evil.example/exa", "must not contain a backslash"],
  ["https://user:hunter2@hooks.example.com/", "must not carry a user name or password"],
  ["http://user:hunter2@evil.example/", "must not carry a user name or password"],
  ["http://evil.example@127.0.0.1/", "must not carry a user name or password"],
  ["https://hooks.exa\tmple.com/", "whitespace or control characters"],
  ["https:hooks.example.com/", "must start with http:// or https://"],
  [`https://e.com/${"a".repeat(2049)}`, "at most 2048 characters"],
  // The client's own rule still applies after the schema's.
  ["http://hooks.example.com/", "must be an https URL"]
]

describe("createWebhook and updateWebhook: the webhook URL", () => {
  it.effect("refuses what parsers read differently or what carries a password, before anything is sent", () =>
    Effect.gen(function*() {
      for (const [url, reason] of refused) {
        const server = recording()
        const create = yield* Effect.flip(
          WebhooksClient.createWebhook({ events: ["webset.idle"], url }).pipe(Effect.provide(server.layer))
        )
        const update = yield* Effect.flip(
          WebhooksClient.updateWebhook("webhook_1", { url }).pipe(Effect.provide(server.layer))
        )
        for (const [error, name] of [[create, "createWebhook.url"], [update, "updateWebhook.url"]] as const) {
          assert(error._tag === "InvalidRequest", `${JSON.stringify(url)}: ${error._tag}`)
          expect(error.reason, JSON.stringify(url)).toContain(reason)
          expect(error.reason, JSON.stringify(url)).toContain(name)
          expect(String(error) + JSON.stringify(error), url).not.toContain("hunter2")
        }
        expect(server.sent, JSON.stringify(url)).toEqual([])
      }
    }))

  it.effect("sends https URLs and plain http to loopback as given", () =>
    Effect.gen(function*() {
      for (
        const url of [
          "https://hooks.example.com/exa?x=1",
          "http://127.0.0.1:3000/hook",
          "http://[::1]:8080/",
          "http://localhost/a@b"
        ]
      ) {
        const server = recording()
        yield* WebhooksClient.createWebhook({ events: ["webset.idle"], url }).pipe(Effect.provide(server.layer))
        expect(server.sent.map((body) => JSON.parse(body).url)).toEqual([url])
      }
    }))
})
