import { defineConfig } from "vitest/config"

// Sibling packages resolve to their TypeScript sources through the custom `source` export condition, so tests
// need no build. Vitest runs in Vite's server environment, hence `ssr.resolve.conditions`; setting it replaces
// Vite's defaults, which are listed again.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
  // No test may depend on how fast the machine is today: the default budget is generous (a run of CI beside other
  // work took 20-30 s for tests that take 5-17 s on a quiet machine: the command line run as processes, killed
  // writers, the quickstart), and the heaviest tests (property tests, type-checking the docs, the replicas) set
  // larger ones of their own.
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The suite runs without per-file isolation (see vitest.config.ts): this resets what a file could leave behind.
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname]
  }
})
