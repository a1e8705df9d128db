/**
 * The conformance suite's runner, for both lines: the same scenarios (`scenarios.ts`) against the same emulator (the
 * Effect 3 line's `ExaApi`, served on loopback HTTP), with the same expectations. The HTTP boundary is the
 * contract: only strings and JSON cross between the emulator and the client under test.
 *
 * A line plugs in with an `Adapter` (see `model.ts`): `call(call, connection)` builds its client for
 * `connection` (`baseUrl`, `apiKey`, and every option explicit: retry delays and timeout in milliseconds), makes the
 * call named by `call.op` with its arguments and settles with the value or the typed error; four small readers
 * (`millis`, `reveal`, `iso`, `isKnown`) read the line's own `Duration`, `Redacted`, `DateTime` and event classes.
 * Then, in a vitest file of that line:
 *
 * ```ts
 * import { run } from "<path to>/packages/testing/conformance/runner.js"
 * import { scenarios } from "<path to>/packages/testing/conformance/scenarios.js"
 *
 * for (const scenario of scenarios) {
 *   it(scenario.name, async () => {
 *     const { actual, expected } = await run(scenario, adapter)
 *     expect(actual).toEqual(expected)
 *   })
 * }
 * ```
 *
 * `run` builds a fresh emulator per scenario, seeds it, creates its webhooks and delivers to them, scripts the
 * failures, serves it on a free loopback port, lets the adapter make the call, and summarises what came out as JSON
 * beside what was expected. The emulator runs on the Effect 3 line (`emulator.ts`, loaded when a scenario runs): the
 * other line's type-check reads this file, `model.ts` and `scenarios.ts` only, which import nothing.
 *
 * What a value is summarised to, by call:
 * - `getEvent`: `{ id, type, known, createdAt }` (`known`: a modelled variant, not `UnknownEvent`);
 * - `listEvents`: `{ ids, hasMore, nextCursor }`; `streamEvents`: `{ ids }`;
 * - `createWebhook`, `getWebhook`, `updateWebhook`: `{ id, status, events, url, metadata, secret }` (`secret`: whether
 *   a secret came back); `deleteWebhook`: that, or `null` when the client reports the webhook already gone;
 * - `listWebhooks`: `{ ids, hasMore, nextCursor }`;
 * - `listAttempts`: `{ attempts: [{ eventId, eventType, successful, status, attempt }], hasMore, nextCursor }`.
 *
 * An error is summarised to its `_tag` and its fields (durations in milliseconds), cut to the fields the scenario
 * names; a field it names that the error lacks reads `"(absent)"`.
 *
 * @since 0.4.0
 */
import type {
  Adapter,
  Call,
  ClientOptions,
  Expectation,
  Inspect,
  Json,
  RetryOptions,
  Scenario,
  Settled,
  Verdict
} from "./model.js"

/**
 * The retry options every scenario starts from: the client's default policy, with short delays and no jitter.
 *
 * @since 0.4.0
 * @category constants
 */
export const baseRetry: RetryOptions = {
  maxRetries: 2,
  initialDelay: 5,
  maxDelay: 50,
  maxRetryAfter: 2_000,
  jitter: false
}

/**
 * The timeout every scenario starts from, in milliseconds: long, since the machine running the suite may be busy.
 *
 * @since 0.4.0
 * @category constants
 */
export const baseTimeout = 30_000

/**
 * The client options of a scenario: the base ones with its overrides.
 *
 * @since 0.4.0
 * @category constructors
 */
export const clientOptions = (scenario: Scenario): ClientOptions => {
  const retry = scenario.client?.retry
  return {
    retry: retry === false ? false : { ...baseRetry, ...retry },
    timeout: scenario.client?.timeout ?? baseTimeout
  }
}

const get = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined

const text = (value: unknown): Json => (typeof value === "string" ? value : value === undefined ? "(absent)" : null)

const array = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

const strings = (value: unknown): Json => array(value).map(String)

const stringRecord = (value: unknown): Json => {
  const out: Record<string, Json> = {}
  if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) out[key] = text(v)
  }
  return out
}

const event = (value: unknown, inspect: Inspect): Json => ({
  id: text(get(value, "id")),
  type: text(get(value, "type")),
  known: inspect.isKnown(value),
  createdAt: inspect.iso(get(value, "createdAt")) ?? null
})

const webhook = (value: unknown, inspect: Inspect): Json => ({
  id: text(get(value, "id")),
  status: text(get(value, "status")),
  events: strings(get(value, "events")),
  url: text(get(value, "url")),
  metadata: stringRecord(get(value, "metadata")),
  secret: (inspect.reveal(get(value, "secret")) ?? "") !== ""
})

const page = (value: unknown): { readonly hasMore: Json; readonly nextCursor: Json } => {
  const hasMore = get(value, "hasMore")
  const nextCursor = get(value, "nextCursor")
  return { hasMore: typeof hasMore === "boolean" ? hasMore : null, nextCursor: text(nextCursor) }
}

const ids = (value: unknown): Json => array(value).map((item) => text(get(item, "id")))

const attempt = (value: unknown): Json => ({
  eventId: text(get(value, "eventId")),
  eventType: text(get(value, "eventType")),
  successful: get(value, "successful") === true,
  status: Number(get(value, "responseStatusCode")),
  attempt: Number(get(value, "attempt"))
})

/**
 * The JSON summary of a call's value (see the module's description).
 *
 * @since 0.4.0
 * @category summaries
 */
export const summarizeValue = (call: Call, value: unknown, inspect: Inspect): Json => {
  switch (call.op) {
    case "getEvent":
      return event(value, inspect)
    case "listEvents":
      return { ids: ids(get(value, "data")), ...page(value) }
    case "streamEvents":
      return { ids: ids(value) }
    case "createWebhook":
    case "getWebhook":
    case "updateWebhook":
      return webhook(value, inspect)
    case "deleteWebhook":
      return value === null ? null : webhook(value, inspect)
    case "listWebhooks":
      return { ids: ids(get(value, "data")), ...page(value) }
    case "listAttempts":
      return { attempts: array(get(value, "data")).map(attempt), ...page(value) }
  }
}

/**
 * The JSON summary of an error: its `_tag` and every field that is a string, number, boolean or duration (in
 * milliseconds).
 *
 * @since 0.4.0
 * @category summaries
 */
export const summarizeError = (error: unknown, inspect: Inspect): { readonly [field: string]: Json } => {
  if (typeof error !== "object" || error === null || typeof get(error, "_tag") !== "string") {
    return { _tag: `(not a tagged error: ${String(error)})` }
  }
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") out[key] = value
    else {
      const millis = inspect.millis(value)
      if (millis !== undefined) out[key] = millis
    }
  }
  out._tag = get(error, "_tag") as string
  return out
}

/**
 * Compares what a call settled with (and the requests it made) with what its scenario expects: the actual side is
 * cut to the fields the expectation names, so a deep equality of the two is the check.
 *
 * @since 0.4.0
 * @category verdicts
 */
export const verdict = (
  scenario: Scenario,
  settled: Settled | { readonly _tag: "Defect"; readonly defect: unknown },
  requests: number,
  inspect: Inspect
): Verdict => {
  const expected: Record<string, Json> = { ...(scenario.expect as Expectation & Record<string, Json>) }
  const actual: Record<string, Json> = {}
  if (settled._tag === "Success") actual.ok = summarizeValue(scenario.call, settled.value, inspect)
  else if (settled._tag === "Defect") actual.defect = String(settled.defect)
  else {
    const summary = summarizeError(settled.error, inspect)
    const wanted = "error" in scenario.expect ? Object.keys(scenario.expect.error) : ["_tag"]
    const cut: Record<string, Json> = {}
    for (const key of wanted) cut[key] = key in summary ? summary[key]! : "(absent)"
    actual.error = cut
  }
  if (scenario.requests !== undefined) {
    expected.requests = scenario.requests
    actual.requests = requests
  }
  return { expected, actual }
}

/**
 * Runs one scenario: a fresh emulator on a loopback port, set up as the scenario says, and the adapter's call
 * against it. Resolves with the verdict; rejects only when the emulator cannot be set up.
 *
 * @since 0.4.0
 * @category running
 */
export const run = async (scenario: Scenario, adapter: Adapter): Promise<Verdict> => {
  // A specifier TypeScript does not follow: the emulator's sources (Effect 3) stay out of the other line's program,
  // whose type-check would otherwise take in the whole Effect 3 line. `emulator.ts` states the same signature. It
  // names the source file: a specifier known only at run time is not mapped from `.js` to `.ts` by vitest 5.
  const emulator = "./emulator.ts"
  const loaded = (await import(emulator)) as { readonly run: typeof run }
  return loaded.run(scenario, adapter)
}
