import { defineConfig, defineProject, mergeConfig } from "vitest/config"
import shared from "./vitest.shared.js"

// One project per package, and `docs` for test/ here (the Effect 4 line's examples, type-checked).
export default defineConfig({
  test: { projects: ["packages/*", mergeConfig(shared, defineProject({ test: { name: "docs" } }))] }
})
