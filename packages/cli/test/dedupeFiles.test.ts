/**
 * The file-system Dedupe store against a tampered directory: files it did not write are not taken for its own.
 */
import * as Dedupe from "@effect-exa/client/Dedupe"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

describe("Dedupe.layerFileSystem on a tampered directory", () => {
  it.live("a stray record named 00 beside the store's own is ignored, and the id is claimed normally", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-exa-dedupe-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      fs.mkdirSync(path.join(dir, "ev_1"))
      fs.writeFileSync(path.join(dir, "ev_1", "00"), JSON.stringify({ state: "done", until: Date.now() + 1e9 }))
      // Bounded: before the fix this spun for ever at full CPU.
      const outcome = yield* Effect.timeout(Dedupe.tryOnce("ev_1", Effect.succeed(1)), "20 seconds").pipe(
        Effect.provide(Dedupe.layerFileSystem(dir).pipe(Layer.provide(NodeContext.layer)))
      )
      expect(outcome._tag).toBe("Ran")
    }).pipe(Effect.scoped))
})
