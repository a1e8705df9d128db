#!/usr/bin/env node
// The `effect-exa` command. The program is compiled to dist/; in a checkout, `corepack pnpm install` builds it.
import("../dist/effect-exa.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/effect-exa.js")) {
    process.stderr.write("effect-exa is not built yet: run `corepack pnpm build` in the checkout.\n")
  } else {
    process.stderr.write(`effect-exa could not start: ${error && error.message}\n`)
  }
  process.exitCode = 70
})
