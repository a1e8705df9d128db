/**
 * `pnpm bench`: every benchmark, printed as Markdown tables.
 */
import { runDecode } from "./decode.js"

const only = process.argv[2]
if (only === undefined || only === "decode") console.log(runDecode())
