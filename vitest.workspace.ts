import type { TestProjectConfiguration } from "vitest/config"

/** The vitest projects: one per package. */
const projects: Array<TestProjectConfiguration> = ["packages/*"]

export default projects
