import { defineConfig } from "vitest/config"

// Workspace packages resolve to their TypeScript sources through the custom `source` export condition, so tests
// need no build. Vitest runs in Vite's server environment, hence `ssr.resolve.conditions`; setting it replaces
// Vite's defaults, which are listed again.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
  // Generous budgets: no test may depend on how fast the (busy, 2-core) machine is today (a busy CI run takes
  // several times a quiet one).
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 }
})
