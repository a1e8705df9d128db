import { defineConfig } from "vitest/config"

// Sibling packages resolve to their TypeScript sources through the custom `source` export condition, so tests
// need no build. Vitest runs in Vite's server environment, hence `ssr.resolve.conditions`; setting it replaces
// Vite's defaults, which are listed again.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
  test: { include: ["test/**/*.test.ts"] }
})
