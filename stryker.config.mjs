// Mutation testing (`corepack pnpm mutate`): the modules where a silent mistake costs most, against the packages'
// test suites. Not in CI: on 2 cores a full run takes long. Scores are recorded in docs/quality.md.
//
// In place, not in a sandbox: a sandbox links node_modules back to this checkout, where the other packages' suites
// would import the unmutated sources of `@effect-exa/client` and never see a mutant. Stryker restores every file
// when it ends; run it on a clean tree, and if it is killed, `git checkout -- packages` restores the sources.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: (process.env.MUTATE ?? [
    "packages/client/src/internal/request.ts",
    "packages/client/src/internal/attempt.ts",
    "packages/client/src/internal/response.ts",
    "packages/client/src/internal/classify.ts",
    "packages/client/src/Retry.ts",
    "packages/client/src/WebhookSignature.ts",
    "packages/client/src/WebhookReceiver.ts",
    "packages/schema/src/internal/compile.ts"
  ].join(",")).split(","),
  inPlace: true,
  // Vitest does not type-check, so no file needs Stryker's \`// @ts-nocheck\`: only the mutated files are touched,
  // and the rest of the tree can be edited while a run goes on.
  disableTypeChecks: false,
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: ".stryker/report.json" },
  tempDirName: ".stryker/tmp",
  cleanTempDir: "always",
  concurrency: 2,
  timeoutMS: 20000
}
