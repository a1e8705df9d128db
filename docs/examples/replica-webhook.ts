// The webhook side of the inbox (docs/replicas.md): receivers store deliveries, workers handle them later.
// #region replica-webhook
import { WebhookReceiver } from "@effect-exa/client"
import * as Inbox from "@effect-exa/client/Inbox"
import { Redacted } from "effect"
import { handle } from "./replica.js"

// Any number of receivers behind a load balancer: each verified delivery goes into the inbox (a redelivery, or an
// event the poller stored too, is one row), and the receiver answers 204 as soon as it is stored. The workers of
// every replica handle it later, with the same handler as the poller's events.
export const receiver = WebhookReceiver.make({
  secret: Redacted.make(process.env.EXA_WEBHOOK_SECRET ?? ""),
  handle: Inbox.enqueue("exa")
})
export const workers = Inbox.work("exa", handle, { workers: 2 })
// #endregion
