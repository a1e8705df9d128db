/**
 * One run of a monitor: `data` of the `monitor.run.*` events, and `Monitor.lastRun`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NullableTimestamp, Timestamp } from "./Timestamp.js"

/**
 * A monitor run's status: `created`, `running`, `completed`, `canceled` or `failed`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorRunStatus: Schema.Literals<["created", "running", "completed", "canceled", "failed"]> = Schema
  .Literals(["created", "running", "completed", "canceled", "failed"])

/**
 * The type the `MonitorRunStatus` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type MonitorRunStatus = typeof MonitorRunStatus.Type

/**
 * What a monitor run does: `search` or `refresh`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorRunType: Schema.Literals<["search", "refresh"]> = Schema.Literals(["search", "refresh"])

/**
 * The type the `MonitorRunType` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type MonitorRunType = typeof MonitorRunType.Type

const MonitorRun_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("monitor_run"),
  status: MonitorRunStatus,
  monitorId: Schema.String,
  type: MonitorRunType,
  completedAt: NullableTimestamp,
  failedAt: NullableTimestamp,
  // Free text, not an enum.
  failedReason: Schema.NullOr(Schema.String),
  canceledAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * A monitor run.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonitorRun extends Schema.Schema.Type<typeof MonitorRun_> {}

/**
 * The JSON form of a {@link MonitorRun}.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonitorRunEncoded extends Schema.Codec.Encoded<typeof MonitorRun_> {}

/**
 * The `MonitorRun` schema: decodes the API's JSON to a `MonitorRun`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonitorRun: Schema.Codec<MonitorRun, MonitorRunEncoded> = MonitorRun_.annotate({
  identifier: "MonitorRun"
})
