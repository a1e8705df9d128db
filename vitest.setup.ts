/**
 * Runs before each test file. The suite runs without per-file isolation (one module graph per worker: importing
 * Effect and the packages again for every file cost most of the suite's CPU), so state one file leaves behind
 * must not reach the next. `@effect/vitest`'s `layer(…)` replaces `it.effect`, `it.scoped`, `it.prop`,
 * `it.flakyTest` and `it.layer` on vitest's shared `it` with versions bound to that file's layer (which may exclude
 * the test services): restore the originals, saved when the first file of the worker started.
 */
import { it } from "@effect/vitest"

const key = Symbol.for("effect-exa/test/it-methods")
const methods = ["effect", "scoped", "prop", "flakyTest", "layer", "live", "scopedLive"] as const
type Saved = Record<(typeof methods)[number], unknown>
const store = globalThis as { [key]?: Saved }
const target = it as unknown as Saved

const saved: Saved = store[key] ??= Object.fromEntries(methods.map((name) => [name, target[name]])) as Saved
for (const name of methods) target[name] = saved[name]
