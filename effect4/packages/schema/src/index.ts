/**
 * Effect Schema models of the Exa Websets Events API.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Entity from "./Entity.js"
/** @since 0.1.0 */
export * as Event from "./Event.js"
/** @since 0.1.0 */
export * as EventType from "./EventType.js"
/** @since 0.1.0 */
export * as Import from "./Import.js"
/** @since 0.1.0 */
export * as ListEventsResponse from "./ListEventsResponse.js"
/** @since 0.1.0 */
export * as Metadata from "./Metadata.js"
/** @since 0.1.0 */
export * as Monitor from "./Monitor.js"
/** @since 0.1.0 */
export * as MonitorRun from "./MonitorRun.js"
/** @since 0.1.0 */
export * as SourceRef from "./SourceRef.js"
/** @since 0.1.0 */
export * as Timestamp from "./Timestamp.js"
/** @since 0.2.0 */
export * as Webhook from "./Webhook.js"
/** @since 0.2.0 */
export * as WebhookAttempt from "./WebhookAttempt.js"
/** @since 0.1.0 */
export * as Webset from "./Webset.js"
/** @since 0.1.0 */
export * as WebsetEnrichment from "./WebsetEnrichment.js"
/** @since 0.1.0 */
export * as WebsetItem from "./WebsetItem.js"
/** @since 0.1.0 */
export * as WebsetSearch from "./WebsetSearch.js"
