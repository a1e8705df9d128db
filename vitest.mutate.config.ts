import { defineConfig } from "vitest/config"

// The tests `corepack pnpm mutate` (StrykerJS) runs against each mutant: the packages' suites, not the docs
// (which spawn the demo and type-check every example: slow, and they test the docs, not these modules).
export default defineConfig({
  test: { projects: ["packages/schema", "packages/client", "packages/testing"] }
})
