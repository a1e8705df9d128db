/**
 * An Effect-native client for the Exa Websets Events API, for Effect 4 (a partial port of the Effect 3 line: see
 * the package's README).
 *
 * @since 1.0.0
 */

/** @since 1.0.0 */
export * as Checkpoint from "./Checkpoint.js"
/** @since 1.0.0 */
export * as Dedupe from "./Dedupe.js"
/** @since 1.0.0 */
export * as Endpoint from "./Endpoint.js"
/** @since 1.0.0 */
export * as Errors from "./Errors.js"
/** @since 1.0.0 */
export * as EventsClient from "./EventsClient.js"
/** @since 1.0.0 */
export * as Exa from "./Exa.js"
/** @since 1.0.0 */
export * as ExaClient from "./ExaClient.js"
/** @since 1.0.0 */
export * as FetchTransport from "./FetchTransport.js"
/** @since 1.0.0 */
export * as Handlers from "./Handlers.js"
/** @since 1.0.0 */
export * as Retry from "./Retry.js"
/** @since 1.0.0 */
export * as Tail from "./Tail.js"
/** @since 1.0.0 */
export * as WebhooksClient from "./WebhooksClient.js"
/** @since 1.0.0 */
export * as WebhookReceiver from "./WebhookReceiver.js"
/** @since 1.0.0 */
export * as WebhookSignature from "./WebhookSignature.js"
