/**
 * A monitor that re-runs a search on a schedule: `data` of `monitor.created|updated|deleted`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Entity } from "./Entity.js"
import { Metadata } from "./Metadata.js"
import { MonitorRun } from "./MonitorRun.js"
import { NullableTimestamp, Timestamp } from "./Timestamp.js"
import { WebsetSearchBehavior } from "./WebsetSearch.js"

/**
 * Whether a monitor runs: `enabled` or `disabled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorStatus: Schema.Literals<["enabled", "disabled"]> = Schema.Literals(["enabled", "disabled"])

/**
 * The type the `MonitorStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type MonitorStatus = typeof MonitorStatus.Type

/**
 * When the monitor runs: a 5-field Unix cron expression (at most daily) in an IANA time zone
 * (`Etc/UTC` when absent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorCadence = Schema.Struct({
  cron: Schema.String,
  timezone: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "MonitorCadence" })

/**
 * What each run does: a search with the given configuration; omitted parameters reuse the last search's.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorBehavior = Schema.Struct({
  type: Schema.Literal("search"),
  config: Schema.Struct({
    query: Schema.optionalKey(Schema.String),
    criteria: Schema.optionalKey(Schema.Array(Schema.Struct({ description: Schema.String }))),
    entity: Schema.optionalKey(Entity),
    count: Schema.Finite,
    behavior: Schema.optionalKey(WebsetSearchBehavior)
  })
}).annotate({ identifier: "MonitorBehavior" })

const Monitor_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("monitor"),
  status: MonitorStatus,
  websetId: Schema.String,
  cadence: MonitorCadence,
  behavior: MonitorBehavior,
  lastRun: Schema.NullOr(MonitorRun),
  nextRunAt: NullableTimestamp,
  metadata: Metadata,
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * A monitor.
 *
 * @since 0.1.0
 * @category models
 */
export interface Monitor extends Schema.Schema.Type<typeof Monitor_> {}

/**
 * The JSON form of a {@link Monitor}.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonitorEncoded extends Schema.Codec.Encoded<typeof Monitor_> {}

/**
 * The `Monitor` schema: decodes the API's JSON to a `Monitor`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Monitor: Schema.Codec<Monitor, MonitorEncoded> = Monitor_.annotate({ identifier: "Monitor" })
