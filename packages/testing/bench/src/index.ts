/**
 * `pnpm bench [decode|roundtrip]`: the benchmarks, printed as Markdown tables.
 */
import { runDecode } from "./decode.js"
import { runRoundTrip } from "./roundtrip.js"

const only = process.argv[2]
if (only === undefined || only === "decode") console.log(runDecode())
if (only === undefined || only === "roundtrip") console.log(await runRoundTrip())
process.exit(0)
