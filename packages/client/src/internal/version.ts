/** The package version (the client sends it in the `user-agent` header). Written from package.json by scripts/version.mjs. */
export const version = "0.1.0"
