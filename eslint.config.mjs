// The linter: ESLint's and typescript-eslint's recommended rules, and Effect's rule against importing a barrel in
// library code (deep imports keep what a bundler pulls in small). Formatting is dprint's (dprint.json), not ESLint's.
import effect from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/.tsbuild/**",
      "**/node_modules/**",
      "**/*.d.ts",
      "docs/api/**",
      ".stryker/**",
      "effect4/.node/**"
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@effect": effect },
    rules: {
      // TypeScript checks names (and knows Node's globals); ESLint's own check does not read types.
      "no-undef": "off",
      // The terminal-safety and header checks match control characters on purpose.
      "no-control-regex": "off",
      // `interface X extends Schema.Class…<X> {}` is how Effect names a schema's type.
      "@typescript-eslint/no-empty-object-type": "off",
      // Tests cast hostile inputs on purpose.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", {
        argsIgnorePattern: "^_",
        varsIgnorePattern: "^_",
        caughtErrors: "none"
      }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }]
    }
  },
  {
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" }
  },
  {
    files: ["packages/*/src/**/*.ts", "effect4/packages/*/src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", {
        packageNames: ["effect", "@effect/platform", "@effect/sql"]
      }],
      "no-console": "error"
    }
  }
)
