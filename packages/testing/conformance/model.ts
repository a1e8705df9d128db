/**
 * The shapes of the conformance suite, shared by both lines: plain data, no imports, so the Effect 4 line type-checks
 * them as they are. A scenario says how the emulator is set up, which call the client makes, and what must come out,
 * as JSON; an adapter is what a line supplies to make that call with its own client.
 *
 * @since 0.4.0
 */

/**
 * A JSON value.
 *
 * @since 0.4.0
 * @category models
 */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/**
 * An event as the API sends it.
 *
 * @since 0.4.0
 * @category models
 */
export interface EventJson {
  readonly id: string
  readonly object: "event"
  readonly type: string
  readonly data: { readonly [key: string]: Json }
  readonly createdAt: string
}

/**
 * An event built from the sample of its type in `@effect-exa/testing`'s `Fixtures.events` (the payloads the Effect 4
 * line's `fixtures.json` snapshots), with the id and time the scenario gives; `type` and `data`, when given, replace
 * the sample's (an event type no client models, a payload the schema refuses).
 *
 * @since 0.4.0
 * @category models
 */
export interface SampleEvent {
  /** An event type with a sample (any of the 19 listed types). */
  readonly sample: string
  readonly id: string
  /** RFC 3339, as the API writes it (`2025-11-12T21:40:01.800Z`). */
  readonly createdAt: string
  readonly type?: string | undefined
  readonly data?: { readonly [key: string]: Json } | undefined
}

/**
 * An event the emulator holds: as JSON, or built from a sample.
 *
 * @since 0.4.0
 * @category models
 */
export type EventSetup = EventJson | SampleEvent

/**
 * A failure the emulator plays instead of (or before) its answer: the shape `ExaApi.failNext` takes, with delays
 * in milliseconds, and `times` (default 1) for how many requests in a row get it.
 *
 * @since 0.4.0
 * @category models
 */
export type Failure =
  & (
    /** This status, body (JSON unless a string) and headers. */
    | {
      readonly _tag: "Status"
      readonly status: number
      readonly body?: Json | undefined
      readonly headers?: Readonly<Record<string, string>> | undefined
    }
    /** A 429 with the API's rate-limit body and `Retry-After` in whole seconds (rounded up). */
    | { readonly _tag: "RateLimited"; readonly retryAfter?: number | undefined }
    /** The connection is reset before any answer. */
    | { readonly _tag: "Transport" }
    /** A raw body (default status 200, `application/json`). */
    | {
      readonly _tag: "Body"
      readonly body: string
      readonly status?: number | undefined
      readonly contentType?: string | undefined
      readonly headers?: Readonly<Record<string, string>> | undefined
    }
    /** The normal answer, this many milliseconds late. */
    | { readonly _tag: "Delay"; readonly delay: number }
    /** No answer at all: the request hangs until the client gives up. */
    | { readonly _tag: "Stall" }
  )
  & { readonly times?: number | undefined }

/**
 * A webhook the emulator holds before the call. Webhooks are created in order, so the first is `webhook_00000001`.
 *
 * @since 0.4.0
 * @category models
 */
export interface WebhookSetup {
  readonly events: ReadonlyArray<string>
  /** Default `https://example.com/hooks`. Ignored when `receiver` is given. */
  readonly url?: string | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /**
   * Where deliveries go: a receiver on loopback answering this status, or `"down"` (unreachable: each attempt is
   * recorded with status 0). Required when the scenario has `delivered` events: nothing is sent off the machine.
   */
  readonly receiver?: number | "down" | undefined
}

/**
 * The emulator's state before the call.
 *
 * @since 0.4.0
 * @category models
 */
export interface Setup {
  /** The key the emulator expects; the client is given the same. Default the emulator's own. */
  readonly apiKey?: string | undefined
  /** Events held from the start (no deliveries). */
  readonly events?: ReadonlyArray<EventSetup> | undefined
  /** Webhooks created next, in order. */
  readonly webhooks?: ReadonlyArray<WebhookSetup> | undefined
  /** Events added after the webhooks, and delivered to them (every delivery done before the call). */
  readonly delivered?: ReadonlyArray<EventSetup> | undefined
  /** Failures of the call's requests, in order, then the emulator answers normally. */
  readonly failures?: ReadonlyArray<Failure> | undefined
}

/**
 * The retry options of the client, delays in milliseconds.
 *
 * @since 0.4.0
 * @category models
 */
export interface RetryOptions {
  readonly maxRetries: number
  readonly initialDelay: number
  readonly maxDelay: number
  readonly maxRetryAfter: number
  readonly jitter: boolean
}

/**
 * What a scenario may change in the client's options.
 *
 * @since 0.4.0
 * @category models
 */
export interface ClientOverrides {
  /** A key other than the emulator's, for the client to send. */
  readonly apiKey?: string | undefined
  /** `false` for no retries, or fields replacing those of the suite's retry options. */
  readonly retry?: false | Partial<RetryOptions> | undefined
  /** Milliseconds. */
  readonly timeout?: number | undefined
}

/**
 * The client options a line must apply: every one explicit, so no line's defaults are relied on.
 *
 * @since 0.4.0
 * @category models
 */
export interface ClientOptions {
  readonly retry: false | RetryOptions
  /** Milliseconds. */
  readonly timeout: number
}

/**
 * The parameters of `listEvents` and `streamEvents`.
 *
 * @since 0.4.0
 * @category models
 */
export interface ListEventsParams {
  readonly cursor?: string | undefined
  readonly limit?: number | undefined
  readonly types?: ReadonlyArray<string> | undefined
  /** RFC 3339. */
  readonly createdBefore?: string | undefined
  /** RFC 3339. */
  readonly createdAfter?: string | undefined
}

/**
 * The parameters of `createWebhook` and `updateWebhook`.
 *
 * @since 0.4.0
 * @category models
 */
export interface WebhookParams {
  readonly events?: ReadonlyArray<string> | undefined
  readonly url?: string | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
}

/**
 * The call a scenario makes. Each line calls its own function of that name with these arguments.
 *
 * @since 0.4.0
 * @category models
 */
export type Call =
  | { readonly op: "getEvent"; readonly id: string }
  | { readonly op: "listEvents"; readonly params?: ListEventsParams | undefined }
  /** The stream's first `take` events (all of them when absent), as an array. */
  | { readonly op: "streamEvents"; readonly params?: ListEventsParams | undefined; readonly take?: number | undefined }
  | { readonly op: "createWebhook"; readonly params: WebhookParams & { readonly events: ReadonlyArray<string> } }
  | { readonly op: "getWebhook"; readonly id: string }
  | {
    readonly op: "listWebhooks"
    readonly params?: { readonly cursor?: string | undefined; readonly limit?: number | undefined } | undefined
  }
  | { readonly op: "updateWebhook"; readonly id: string; readonly params: WebhookParams }
  /** Settles with the webhook deleted, or `null` when the client reports it already gone (`Option.none()`). */
  | { readonly op: "deleteWebhook"; readonly id: string }
  | {
    readonly op: "listAttempts"
    readonly id: string
    readonly params?: {
      readonly cursor?: string | undefined
      readonly limit?: number | undefined
      readonly eventType?: string | undefined
      readonly successful?: boolean | undefined
    } | undefined
  }

/**
 * What must come out: the call's value, summarised (see `runner.ts`), or its error: the tag and the fields that must
 * match (durations in milliseconds; fields not named are not compared).
 *
 * @since 0.4.0
 * @category models
 */
export type Expectation =
  | { readonly ok: Json }
  | { readonly error: { readonly _tag: string; readonly [field: string]: Json } }

/**
 * One scenario.
 *
 * @since 0.4.0
 * @category models
 */
export interface Scenario {
  /** Unique; the test's name. */
  readonly name: string
  readonly setup?: Setup | undefined
  readonly client?: ClientOverrides | undefined
  readonly call: Call
  readonly expect: Expectation
  /** How many requests the call made (retries included; 0 when the client refused the input). */
  readonly requests?: number | undefined
}

/**
 * Where a line's client must send its requests.
 *
 * @since 0.4.0
 * @category models
 */
export interface Connection {
  /** The emulator on loopback: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string
  /** The emulator's key, or the scenario's `client.apiKey`. */
  readonly apiKey: string
  readonly options: ClientOptions
}

/**
 * How a call ended: its value (for a stream, the array of its first events) or its typed error.
 *
 * @since 0.4.0
 * @category models
 */
export type Settled =
  | { readonly _tag: "Success"; readonly value: unknown }
  | { readonly _tag: "Failure"; readonly error: unknown }

/**
 * What a line reads of its own values, for the summaries: each returns `undefined` for a value that is not of that
 * kind.
 *
 * @since 0.4.0
 * @category models
 */
export interface Inspect {
  /** The milliseconds of a `Duration`. */
  readonly millis: (value: unknown) => number | undefined
  /** The text of a `Redacted` (a new webhook's secret). */
  readonly reveal: (value: unknown) => string | undefined
  /** The RFC 3339 form of a `DateTime`. */
  readonly iso: (value: unknown) => string | undefined
  /** Whether an event decoded to a modelled variant rather than the `UnknownEvent` fallback. */
  readonly isKnown: (event: unknown) => boolean
}

/**
 * What a line supplies: how to make a call with its client over a connection, and how to read its values.
 * `call` settles with the call's typed failure; it rejects only for a defect (shown as such in the verdict).
 *
 * @since 0.4.0
 * @category models
 */
export interface Adapter extends Inspect {
  readonly call: (call: Call, connection: Connection) => Promise<Settled>
}

/**
 * The outcome of a scenario: compare the two with a deep equality (`expect(actual).toEqual(expected)`).
 *
 * @since 0.4.0
 * @category models
 */
export interface Verdict {
  readonly expected: Json
  readonly actual: Json
}
