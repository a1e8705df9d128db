/**
 * Test helpers for `@effect-exa/client` on Effect 4: an in-memory Websets API (events and webhooks, with real
 * deliveries), also served on loopback HTTP (`ExaApiServer`), fixtures, generators and signed webhook deliveries.
 * `PostgresCluster` is imported by its own path (`@effect-exa/testing/PostgresCluster`), as it needs the optional
 * `@effect/sql-pg`.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Fixtures from "./Fixtures.js"
/** @since 0.1.0 */
export * as ExaApi from "./ExaApi.js"
/** @since 1.0.0 */
export * as ExaApiServer from "./ExaApiServer.js"
/** @since 0.1.0 */
export * as Arbitraries from "./Arbitraries.js"
/** @since 0.1.0 */
export * as Webhooks from "./Webhooks.js"
