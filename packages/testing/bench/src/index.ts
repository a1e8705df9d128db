/**
 * `pnpm bench [decode|roundtrip|ratelimit|webhook|consume|replicas|bundle]`: the benchmarks, printed as Markdown tables.
 */
import { runBundle } from "./bundle.js"
import { runConsume } from "./consume.js"
import { runDecode } from "./decode.js"
import { runRateLimit } from "./ratelimit.js"
import { runReplicas } from "./replicas.js"
import { runRoundTrip } from "./roundtrip.js"
import { runWebhook } from "./webhook.js"

const only = process.argv[2]
if (only === undefined || only === "decode") console.log(runDecode())
if (only === undefined || only === "roundtrip") console.log(await runRoundTrip())
if (only === undefined || only === "ratelimit") console.log(await runRateLimit())
if (only === undefined || only === "webhook") console.log(await runWebhook())
if (only === undefined || only === "consume") console.log(await runConsume())
if (only === undefined || only === "replicas") console.log(await runReplicas())
if (only === undefined || only === "bundle") console.log(await runBundle())
process.exit(0)
