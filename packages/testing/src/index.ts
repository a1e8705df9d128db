/**
 * Test helpers for `@effect-exa/client`: an in-memory Exa Events API, fixtures and generators.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Fixtures from "./Fixtures.js"
/** @since 0.1.0 */
export * as ExaApi from "./ExaApi.js"
/** @since 0.1.0 */
export * as ExaApiServer from "./ExaApiServer.js"
/** @since 0.1.0 */
export * as Arbitraries from "./Arbitraries.js"
/** @since 0.1.0 */
export * as Webhooks from "./Webhooks.js"
