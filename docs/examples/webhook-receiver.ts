// #region ready-receiver
import { Dedupe, Handlers, WebhookReceiver } from "@effect-exa/client"
import { Console, Effect, Redacted } from "effect"

// What to do per event type: each handler gets its narrowed event, and orElse takes the rest (without orElse, the
// compiler asks for every type).
export const handle = Handlers.make({
  "webset.item.enriched": (event) => Console.log(`store item ${event.data.id}`),
  "webset.idle": (event) => Console.log(`webset ${event.data.id} is idle`),
  orElse: () => Effect.void
})

// A web handler (`Request → Response`) for Workers, Deno, Bun or a Next.js route. It verifies the signature, skips
// an event already handled, runs `handle`, and answers 204; 200 for a duplicate; 401 or 400 for a delivery that
// never reaches `handle`; 500 when `handle` fails, so that Exa delivers the event again.
export const { dispose, handler } = WebhookReceiver.webHandler(
  { secret: Redacted.make(process.env.EXA_WEBHOOK_SECRET ?? "whsec_dev"), handle, dedupe: true },
  Dedupe.layerMemory
)
// Bun.serve({ fetch: handler }) · Deno.serve(handler) · export const POST = handler (a Next.js route)
// #endregion
