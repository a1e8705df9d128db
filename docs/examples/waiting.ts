// #region wait
import { Tail } from "@effect-exa/client"
import { DateTime, Effect, Option } from "effect"

// Start enriching, then wait for the webset to go idle: at most 30 minutes, polling, never busy.
export const untilIdle = (websetId: string) =>
  Tail.awaitIdle(websetId, { timeout: "30 minutes" }).pipe(
    Effect.map(Option.match({
      onNone: () => `webset ${websetId} is still running after 30 minutes`,
      onSome: (event) => `webset ${websetId} went idle at ${DateTime.formatIso(event.createdAt)}`
    }))
  )
// #endregion
