/** The package version (the client sends it in the `user-agent` header); a test checks it against package.json. */
export const version = "1.0.0-next.0"
