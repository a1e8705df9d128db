/**
 * The conformance scenarios: plain data, the same for every transport and both lines (see `runner.ts`). An
 * expectation names only what every client must agree on: no error message, no `Decode` reason (each line words its
 * schema errors its own way), no `Transport` code (each transport names a reset its own way).
 *
 * @since 0.4.0
 */
import type { EventSetup, Scenario } from "./model.js"

// The 17 types with a modelled payload, then the 2 the API lists without documenting one (they decode to
// `UnknownEvent`). Each has a sample payload in `@effect-exa/testing`'s `Fixtures.events`.
const knownTypes = [
  "webset.created",
  "webset.deleted",
  "webset.idle",
  "webset.paused",
  "webset.item.created",
  "webset.item.enriched",
  "webset.search.created",
  "webset.search.updated",
  "webset.search.canceled",
  "webset.search.completed",
  "import.created",
  "import.completed",
  "monitor.created",
  "monitor.updated",
  "monitor.deleted",
  "monitor.run.created",
  "monitor.run.completed"
]
const opaqueTypes = ["webset.export.created", "webset.export.completed"]

/** `ev_<n>`, created `n` minutes after 2025-11-12T21:00:00.250Z (so a higher `n` is newer). */
const at = (n: number): string => new Date(Date.UTC(2025, 10, 12, 21, n, 0, 250)).toISOString()
const event = (n: number, sample = "webset.idle"): EventSetup => ({ sample, id: `ev_${n}`, createdAt: at(n) })

/** Five events, `ev_1` (oldest) to `ev_5` (newest), of alternating types. */
const five: ReadonlyArray<EventSetup> = [
  event(1, "webset.idle"),
  event(2, "webset.item.enriched"),
  event(3, "webset.idle"),
  event(4, "webset.item.enriched"),
  event(5, "webset.idle")
]

const idle = (n: number) => ({ id: `ev_${n}`, type: "webset.idle", known: true, createdAt: at(n) })

const decoding: ReadonlyArray<Scenario> = [
  ...knownTypes.map((type, i): Scenario => ({
    name: `getEvent: a ${type} event decodes to its variant`,
    setup: { events: [event(i + 10, type)] },
    call: { op: "getEvent", id: `ev_${i + 10}` },
    expect: { ok: { id: `ev_${i + 10}`, type, known: true, createdAt: at(i + 10) } },
    requests: 1
  })),
  ...opaqueTypes.map((type, i): Scenario => ({
    name: `getEvent: a ${type} event (no documented payload) is kept as UnknownEvent`,
    setup: { events: [event(i + 40, type)] },
    call: { op: "getEvent", id: `ev_${i + 40}` },
    expect: { ok: { id: `ev_${i + 40}`, type, known: false, createdAt: at(i + 40) } },
    requests: 1
  })),
  {
    name: "getEvent: an event of a type no client knows is kept as UnknownEvent",
    setup: { events: [{ sample: "webset.idle", id: "ev_new", createdAt: at(1), type: "webset.archived" }] },
    call: { op: "getEvent", id: "ev_new" },
    expect: { ok: { id: "ev_new", type: "webset.archived", known: false, createdAt: at(1) } },
    requests: 1
  },
  {
    name: "getEvent: an event whose payload breaks its schema is Decode, not retried",
    setup: { events: [{ sample: "webset.idle", id: "ev_bad", createdAt: at(1), data: { id: 42 } }] },
    call: { op: "getEvent", id: "ev_bad" },
    expect: { error: { _tag: "Decode", status: 200 } },
    requests: 1
  },
  {
    name: "getEvent: a body that is not JSON is Decode, with the body kept",
    setup: { failures: [{ _tag: "Body", body: "{\"id\": \"ev_1\", " }] },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Decode", status: 200, body: "{\"id\": \"ev_1\", " } },
    requests: 1
  }
]

const answers: ReadonlyArray<Scenario> = [
  {
    name: "getEvent: an id the API does not hold is NotFound",
    setup: { events: [event(1)] },
    call: { op: "getEvent", id: "ev_missing" },
    expect: { error: { _tag: "NotFound", resource: "event", id: "ev_missing" } },
    requests: 1
  },
  {
    name: "getEvent: a key the API refuses is Unauthorized 401, not retried",
    setup: { events: [event(1)] },
    client: { apiKey: "not-the-key" },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Unauthorized", status: 401, apiMessage: "Invalid API key", code: "INVALID_API_KEY" } },
    requests: 1
  },
  {
    name: "getEvent: a 403 is Unauthorized 403, not retried",
    setup: {
      events: [event(1)],
      failures: [{ _tag: "Status", status: 403, body: { error: "Access denied", tag: "ACCESS_DENIED" } }]
    },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Unauthorized", status: 403, apiMessage: "Access denied", code: "ACCESS_DENIED" } },
    requests: 1
  },
  {
    name: "listEvents: a cursor the server does not know is its 400, ApiError, not retried",
    setup: { events: [event(1)] },
    call: { op: "listEvents", params: { cursor: "cur_not-ours" } },
    expect: { error: { _tag: "ApiError", status: 400, apiMessage: "Invalid cursor", code: "INVALID_REQUEST" } },
    requests: 1
  },
  {
    name: "getEvent: a 429 with Retry-After is retried, then the event",
    setup: { events: [event(1)], failures: [{ _tag: "RateLimited", retryAfter: 1_000 }] },
    call: { op: "getEvent", id: "ev_1" },
    expect: { ok: idle(1) },
    requests: 2
  },
  {
    name: "getEvent: 429s past the retries are RateLimited with the server's delay",
    setup: { events: [event(1)], failures: [{ _tag: "RateLimited", retryAfter: 1_000, times: 3 }] },
    // The delay asked for is still reported; the waits are capped short.
    client: { retry: { maxRetryAfter: 10 } },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "RateLimited", retryAfter: 1_000 } },
    requests: 3
  },
  {
    name: "getEvent: a 503 is retried, then the event",
    setup: { events: [event(1)], failures: [{ _tag: "Status", status: 503 }] },
    call: { op: "getEvent", id: "ev_1" },
    expect: { ok: idle(1) },
    requests: 2
  },
  {
    name: "getEvent: 500s past the retries are ApiError 500",
    setup: { events: [event(1)], failures: [{ _tag: "Status", status: 500, times: 3 }] },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "ApiError", status: 500 } },
    requests: 3
  },
  {
    name: "getEvent: with retry off, a 502 is ApiError at once",
    setup: { events: [event(1)], failures: [{ _tag: "Status", status: 502 }] },
    client: { retry: false },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "ApiError", status: 502 } },
    requests: 1
  },
  {
    name: "getEvent: an answer that never comes is Timeout, with the timeout",
    setup: { events: [event(1)], failures: [{ _tag: "Stall" }] },
    client: { retry: false, timeout: 500 },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Timeout", timeout: 500 } },
    requests: 1
  },
  {
    name: "getEvent: timeouts are retried, each attempt timed on its own",
    setup: { events: [event(1)], failures: [{ _tag: "Stall", times: 3 }] },
    client: { timeout: 500 },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Timeout", timeout: 500 } },
    requests: 3
  },
  {
    name: "getEvent: a connection reset is Transport",
    setup: { events: [event(1)], failures: [{ _tag: "Transport" }] },
    client: { retry: false },
    call: { op: "getEvent", id: "ev_1" },
    expect: { error: { _tag: "Transport" } },
    requests: 1
  },
  {
    name: "getEvent: a read after a connection reset is retried, then the event",
    setup: { events: [event(1)], failures: [{ _tag: "Transport" }] },
    call: { op: "getEvent", id: "ev_1" },
    expect: { ok: idle(1) },
    requests: 2
  }
]

const input: ReadonlyArray<Scenario> = [
  {
    name: "getEvent: an empty id is InvalidRequest, and nothing is sent",
    call: { op: "getEvent", id: "" },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  },
  {
    name: "listEvents: limit 0 is InvalidRequest, and nothing is sent",
    call: { op: "listEvents", params: { limit: 0 } },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  },
  {
    name: "listEvents: limit 201 is InvalidRequest, and nothing is sent",
    call: { op: "listEvents", params: { limit: 201 } },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  },
  {
    name: "getWebhook: an empty id is InvalidRequest, and nothing is sent",
    call: { op: "getWebhook", id: "" },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  },
  {
    name: "createWebhook: no events is InvalidRequest, and nothing is sent",
    call: { op: "createWebhook", params: { events: [], url: "https://example.com/hooks" } },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  },
  {
    name: "createWebhook: a plain-http URL off loopback is InvalidRequest, and nothing is sent",
    call: { op: "createWebhook", params: { events: ["webset.idle"], url: "http://example.com/hooks" } },
    expect: { error: { _tag: "InvalidRequest" } },
    requests: 0
  }
]

const listing: ReadonlyArray<Scenario> = [
  {
    name: "listEvents: one page, newest first",
    setup: { events: five },
    call: { op: "listEvents" },
    expect: { ok: { ids: ["ev_5", "ev_4", "ev_3", "ev_2", "ev_1"], hasMore: false, nextCursor: null } },
    requests: 1
  },
  {
    name: "listEvents: a limit cuts the page and gives a cursor",
    setup: { events: five },
    call: { op: "listEvents", params: { limit: 2 } },
    expect: { ok: { ids: ["ev_5", "ev_4"], hasMore: true, nextCursor: "cur_bzI=" } },
    requests: 1
  },
  {
    name: "listEvents: the cursor gives the next page",
    setup: { events: five },
    call: { op: "listEvents", params: { limit: 2, cursor: "cur_bzI=" } },
    expect: { ok: { ids: ["ev_3", "ev_2"], hasMore: true, nextCursor: "cur_bzQ=" } },
    requests: 1
  },
  {
    name: "listEvents: the types filter",
    setup: { events: five },
    call: { op: "listEvents", params: { types: ["webset.item.enriched"] } },
    expect: { ok: { ids: ["ev_4", "ev_2"], hasMore: false, nextCursor: null } },
    requests: 1
  },
  {
    name: "listEvents: createdAfter and createdBefore (both inclusive)",
    setup: { events: five },
    call: { op: "listEvents", params: { createdAfter: at(2), createdBefore: at(4) } },
    expect: { ok: { ids: ["ev_4", "ev_3", "ev_2"], hasMore: false, nextCursor: null } },
    requests: 1
  },
  {
    name: "streamEvents: every page, in order",
    setup: { events: five },
    call: { op: "streamEvents", params: { limit: 2 } },
    expect: { ok: { ids: ["ev_5", "ev_4", "ev_3", "ev_2", "ev_1"] } },
    requests: 3
  },
  {
    name: "streamEvents: taking 3 reads only the pages it needs",
    setup: { events: five },
    call: { op: "streamEvents", params: { limit: 2 }, take: 3 },
    expect: { ok: { ids: ["ev_5", "ev_4", "ev_3"] } },
    requests: 2
  },
  {
    name: "streamEvents: the filters hold on every page",
    setup: { events: five },
    call: { op: "streamEvents", params: { limit: 1, types: ["webset.idle"], createdBefore: at(4) } },
    expect: { ok: { ids: ["ev_3", "ev_1"] } },
    requests: 2
  },
  {
    name: "streamEvents: a page that fails with a 503 is retried",
    setup: { events: five, failures: [{ _tag: "Status", status: 503 }] },
    call: { op: "streamEvents", params: { limit: 2 } },
    expect: { ok: { ids: ["ev_5", "ev_4", "ev_3", "ev_2", "ev_1"] } },
    requests: 4
  }
]

const hooks = "https://example.com/hooks"

const webhooks: ReadonlyArray<Scenario> = [
  {
    name: "createWebhook: the new webhook, with its secret",
    call: {
      op: "createWebhook",
      params: { events: ["webset.idle", "webset.item.enriched"], url: hooks, metadata: { team: "growth" } }
    },
    expect: {
      ok: {
        id: "webhook_00000001",
        status: "active",
        events: ["webset.idle", "webset.item.enriched"],
        url: hooks,
        metadata: { team: "growth" },
        secret: true
      }
    },
    requests: 1
  },
  {
    name: "createWebhook: a connection reset is not retried (the server may have acted)",
    setup: { failures: [{ _tag: "Transport" }] },
    call: { op: "createWebhook", params: { events: ["webset.idle"], url: hooks } },
    expect: { error: { _tag: "Transport" } },
    requests: 1
  },
  {
    name: "getWebhook: the webhook, without its secret",
    setup: { webhooks: [{ events: ["webset.idle"], metadata: { env: "test" } }] },
    call: { op: "getWebhook", id: "webhook_00000001" },
    expect: {
      ok: {
        id: "webhook_00000001",
        status: "active",
        events: ["webset.idle"],
        url: hooks,
        metadata: { env: "test" },
        secret: false
      }
    },
    requests: 1
  },
  {
    name: "getWebhook: an id the API does not hold is NotFound",
    call: { op: "getWebhook", id: "webhook_missing" },
    expect: { error: { _tag: "NotFound", resource: "webhook", id: "webhook_missing" } },
    requests: 1
  },
  {
    name: "listWebhooks: a limit cuts the page, newest first",
    setup: { webhooks: [{ events: ["webset.idle"] }, { events: ["webset.idle"] }, { events: ["webset.idle"] }] },
    call: { op: "listWebhooks", params: { limit: 2 } },
    expect: { ok: { ids: ["webhook_00000003", "webhook_00000002"], hasMore: true, nextCursor: "wcur_bzI=" } },
    requests: 1
  },
  {
    name: "listWebhooks: the cursor gives the next page",
    setup: { webhooks: [{ events: ["webset.idle"] }, { events: ["webset.idle"] }, { events: ["webset.idle"] }] },
    call: { op: "listWebhooks", params: { limit: 2, cursor: "wcur_bzI=" } },
    expect: { ok: { ids: ["webhook_00000001"], hasMore: false, nextCursor: null } },
    requests: 1
  },
  {
    name: "updateWebhook: the events and metadata replaced",
    setup: { webhooks: [{ events: ["webset.idle"], metadata: { env: "test" } }] },
    call: {
      op: "updateWebhook",
      id: "webhook_00000001",
      params: { events: ["monitor.run.completed"], metadata: { env: "prod" } }
    },
    expect: {
      ok: {
        id: "webhook_00000001",
        status: "active",
        events: ["monitor.run.completed"],
        url: hooks,
        metadata: { env: "prod" },
        secret: false
      }
    },
    requests: 1
  },
  {
    name: "deleteWebhook: the deleted webhook",
    setup: { webhooks: [{ events: ["webset.idle"] }] },
    call: { op: "deleteWebhook", id: "webhook_00000001" },
    expect: {
      ok: { id: "webhook_00000001", status: "active", events: ["webset.idle"], url: hooks, metadata: {}, secret: false }
    },
    requests: 1
  },
  {
    name: "deleteWebhook: an id the API does not hold is NotFound",
    call: { op: "deleteWebhook", id: "webhook_missing" },
    expect: { error: { _tag: "NotFound", resource: "webhook", id: "webhook_missing" } },
    requests: 1
  },
  {
    name: "listAttempts: each delivery to a receiver on loopback, newest first",
    setup: { webhooks: [{ events: ["webset.idle"], receiver: 200 }], delivered: [event(1), event(2)] },
    call: { op: "listAttempts", id: "webhook_00000001" },
    expect: {
      ok: {
        attempts: [
          { eventId: "ev_2", eventType: "webset.idle", successful: true, status: 200, attempt: 1 },
          { eventId: "ev_1", eventType: "webset.idle", successful: true, status: 200, attempt: 1 }
        ],
        hasMore: false,
        nextCursor: null
      }
    },
    requests: 1
  },
  {
    name: "listAttempts: the failed ones only, from a receiver answering 500",
    setup: {
      webhooks: [{ events: ["webset.idle", "webset.item.enriched"], receiver: 500 }],
      delivered: [event(1), event(2, "webset.item.enriched")]
    },
    call: { op: "listAttempts", id: "webhook_00000001", params: { successful: false, eventType: "webset.idle" } },
    expect: {
      ok: {
        attempts: [{ eventId: "ev_1", eventType: "webset.idle", successful: false, status: 500, attempt: 1 }],
        hasMore: false,
        nextCursor: null
      }
    },
    requests: 1
  },
  {
    name: "listAttempts: a receiver that is down is recorded with status 0",
    setup: { webhooks: [{ events: ["webset.idle"], receiver: "down" }], delivered: [event(1)] },
    call: { op: "listAttempts", id: "webhook_00000001" },
    expect: {
      ok: {
        attempts: [{ eventId: "ev_1", eventType: "webset.idle", successful: false, status: 0, attempt: 1 }],
        hasMore: false,
        nextCursor: null
      }
    },
    requests: 1
  }
]

/**
 * Every scenario, each name unique.
 *
 * @since 0.4.0
 * @category scenarios
 */
export const scenarios: ReadonlyArray<Scenario> = [...decoding, ...answers, ...input, ...listing, ...webhooks]
