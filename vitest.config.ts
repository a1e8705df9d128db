import { defineConfig } from "vitest/config"
import projects from "./vitest.workspace.js"

export default defineConfig({
  test: {
    projects,
    // Most test files wait on subprocesses, sockets and real-time process tests rather than on the CPU; vitest's
    // default of one worker per core less one ran them one at a time on a 2-core machine (15 minutes). Four
    // workers overlap the waits; CPU-heavy files (type-checking the docs) still get a core each.
    maxWorkers: 4,
    minWorkers: 1,
    // The JSON report is what `.ci/run` reads to print its `N passed, N failed` line.
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]]
  }
})
