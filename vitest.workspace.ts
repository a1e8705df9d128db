import type { TestProjectConfiguration } from "vitest/config"

/** The vitest projects: one per package, and the docs examples. */
const projects: Array<TestProjectConfiguration> = ["packages/*", "docs"]

export default projects
