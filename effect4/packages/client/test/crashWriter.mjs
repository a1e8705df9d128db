// A child process for Checkpoint.crash.test.ts: writes ever larger positions to a Checkpoint.layerFileSystem store in
// a loop, printing each position's number once written, until it is killed. It runs this package's TypeScript
// sources under Node's type stripping (hence the hook mapping a `.js` specifier to its `.ts` source).
import { registerHooks } from "node:module"

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (error) {
      if (specifier.startsWith(".") && specifier.endsWith(".js")) return next(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  }
})

const [directory, mode] = process.argv.slice(2)
const { Checkpoint } = await import("../src/index.ts")
const { Effect } = await import("effect")

const position = (n) => ({
  from: 1_700_000_000_000,
  time: 1_700_000_000_000 + n,
  seen: Array.from({ length: 2000 + (n % 7) * 500 }, (_, i) => [`ev_${n}_${i}`, 1_700_000_000_000 + i])
})
const layer = mode === "file"
  ? Checkpoint.layerFile(`${directory}/checkpoints.json`)
  : Checkpoint.layerFileSystem(directory)
await Effect.runPromise(
  Effect.gen(function*() {
    const store = yield* Checkpoint.Checkpoint
    for (let n = 1;; n++) {
      yield* store.set(mode === "file" ? `c${n % 3}` : "main", position(n))
      process.stdout.write(`${n}\n`)
    }
  }).pipe(Effect.provide(layer))
)
