// #region webhook-server
import { WebhookSignature } from "@effect-exa/client"
import { Event } from "@effect-exa/schema"
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Console, Effect, type Redacted } from "effect"
import { createServer } from "node:http"

// What to do with each genuine event.
export const handle = (event: Event.Event): Effect.Effect<void> =>
  Event.match(event, {
    "webset.item.enriched": (e) => Console.log(`enriched ${e.data.id}`),
    "webset.search.completed": (e) => Console.log(`search ${e.data.id} found ${e.data.progress.found}`),
    orElse: (e) => Console.log(`ignored ${e.type}`)
  })

// The endpoint: verify the signature over the raw body, decode, handle. 401 for a forged or replayed delivery,
// 413 for a body over 10 MiB (never read whole), 400 for a body that is not an event.
export const endpoint = (secret: Redacted.Redacted<string>, onEvent = handle) =>
  WebhookSignature.verifyRequest({ secret }).pipe(
    Effect.flatMap(onEvent),
    Effect.as(HttpServerResponse.empty({ status: 204 })),
    Effect.catchTags({
      SignatureMissing: () => HttpServerResponse.text("missing signature", { status: 401 }),
      SignatureMalformed: () => HttpServerResponse.text("malformed signature", { status: 401 }),
      SignatureMismatch: () => HttpServerResponse.text("bad signature", { status: 401 }),
      TimestampOutOfTolerance: () => HttpServerResponse.text("stale delivery", { status: 401 }),
      DeliveryTooLarge: () => HttpServerResponse.text("too large", { status: 413 }),
      Decode: (e) => HttpServerResponse.text(`not an event: ${e.reason}`, { status: 400 }),
      Transport: () => HttpServerResponse.text("could not read the body", { status: 400 })
    })
  )

// A web handler `(Request) => Promise<Response>`: serve it as it is on Bun, Deno or an edge runtime…
export const webHandler = (secret: Redacted.Redacted<string>, onEvent = handle) =>
  HttpApp.toWebHandler(endpoint(secret, onEvent))

// …or on Node's http module (or use @effect/platform-node's NodeHttpServer).
export const listen = (handler: (request: Request) => Promise<Response>, port = 0) =>
  new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = createServer(async (req, res) => {
      const chunks: Array<Buffer> = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const response = await handler(
        new Request(`http://localhost${req.url}`, {
          method: req.method ?? "POST",
          headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])),
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {})
        })
      )
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    })
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      const actual = typeof address === "object" && address !== null ? address.port : port
      resolve({ url: `http://127.0.0.1:${actual}/exa/webhook`, close: () => server.close() })
    })
  })

// listen(webHandler(Redacted.make(process.env.EXA_WEBHOOK_SECRET!)), 8080)
// #endregion webhook-server
