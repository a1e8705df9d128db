/**
 * Test helpers for `@effect-exa/client`: an in-memory Exa Events API, fixtures and generators.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Fixtures from "./Fixtures.js"
