/**
 * Test helpers for `@effect-exa/client` on Effect 4: fixtures and generators (the emulator is not ported yet).
 * `PostgresCluster` is imported by its own path (`@effect-exa/testing/PostgresCluster`), as it needs the optional
 * `@effect/sql-pg`.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Fixtures from "./Fixtures.js"
/** @since 0.1.0 */
export * as Arbitraries from "./Arbitraries.js"
