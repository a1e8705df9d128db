// #region consume
import { Checkpoint, Handlers, Tail } from "@effect-exa/client"
import { Console, Effect } from "effect"

// What to do per event type (each handler gets its narrowed event).
export const handle = Handlers.make({
  "webset.item.enriched": (event) => Console.log(`store item ${event.data.id}`),
  "webset.idle": (event) => Console.log(`webset ${event.data.id} is idle: tell the team`),
  orElse: () => Effect.void
})

// Polls every 5 seconds, runs `handle` on each new event, and records the position under "enrichment-sync" as
// pages are handled: started again (after a crash, a deploy), it resumes where it left off.
export const consumer = Tail.consume("enrichment-sync", handle, { types: ["webset.item.enriched", "webset.idle"] })

// Positions in files under ./.checkpoints, one per name, written so that a crash at any moment leaves a readable
// position (needs a FileSystem and a Path, e.g. NodeContext.layer from @effect/platform-node).
export const CheckpointsOnDisk = Checkpoint.layerFileSystem(".checkpoints")
// #endregion
