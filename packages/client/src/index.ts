/**
 * An Effect-native client for the Exa Websets Events API.
 *
 * @since 0.1.0
 */

/** @since 0.2.0 */
export * as Checkpoint from "./Checkpoint.js"
/** @since 0.2.0 */
export * as Dedupe from "./Dedupe.js"
/** @since 0.1.0 */
export * as Errors from "./Errors.js"
/** @since 0.3.0 */
export * as Endpoint from "./Endpoint.js"
/** @since 0.1.0 */
export * as EventsClient from "./EventsClient.js"
/** @since 0.3.0 */
export * as Exa from "./Exa.js"
/** @since 0.3.0 */
export * as ExaClient from "./ExaClient.js"
/** @since 0.3.0 */
export * as FetchTransport from "./FetchTransport.js"
/** @since 0.2.0 */
export * as Handlers from "./Handlers.js"
/** @since 0.1.0 */
export * as Retry from "./Retry.js"
/** @since 0.2.0 */
export * as Tail from "./Tail.js"
/** @since 0.3.0 */
export * as TransportContract from "./TransportContract.js"
/** @since 0.3.0 */
export * as WebhookReceiver from "./WebhookReceiver.js"
/** @since 0.3.0 */
export * as WebhookSignature from "./WebhookSignature.js"
/** @since 0.2.0 */
export * as WebhooksClient from "./WebhooksClient.js"
