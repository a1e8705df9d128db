import { defineConfig } from "vitest/config"
import projects from "./vitest.workspace.js"

export default defineConfig({
  test: {
    projects,
    // Most test files wait on subprocesses, sockets and real-time process tests rather than on the CPU; vitest's
    // default of one worker per core less one ran them one at a time on a 2-core machine (15 minutes). Four
    // workers overlap the waits; CPU-heavy files (type-checking the docs) still get a core each.
    maxWorkers: 4,
    // One module graph per worker instead of one per test file: importing Effect and the packages again for every
    // file was about half of the client package's CPU (118 s of CPU for its suite, 44 s without). What a file can
    // leave behind on vitest's shared objects is reset by vitest.setup.ts. The pool is held at its size: vitest 3
    // without isolation ends the run early ("Terminating worker thread") when it shrinks an idle pool mid-run.
    isolate: false,
    minWorkers: 4,
    // The JSON report is what `.ci/run` reads to print its `N passed, N failed` line.
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]]
  }
})
