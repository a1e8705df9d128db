/**
 * Realistic sample events for every one of the 19 event types, as the API sends them (JSON), with builders; and a
 * sample webhook and delivery attempt. The same payloads as the Effect 3 line's `Fixtures`, typed with this line's
 * `@effect-exa/schema`.
 *
 * @since 0.1.0
 */
import * as Event from "@effect-exa/schema/Event"
import type * as EventType from "@effect-exa/schema/EventType"
import type { ImportEncoded } from "@effect-exa/schema/Import"
import type { MonitorEncoded } from "@effect-exa/schema/Monitor"
import type { MonitorRunEncoded } from "@effect-exa/schema/MonitorRun"
import type { WebhookEncoded } from "@effect-exa/schema/Webhook"
import type { WebhookAttemptEncoded } from "@effect-exa/schema/WebhookAttempt"
import type { WebsetEncoded } from "@effect-exa/schema/Webset"
import type { WebsetEnrichmentEncoded } from "@effect-exa/schema/WebsetEnrichment"
import type { WebsetItemEncoded } from "@effect-exa/schema/WebsetItem"
import type { WebsetSearchEncoded } from "@effect-exa/schema/WebsetSearch"

const WEBSET_ID = "webset_01jx4m8a5x9vq0c3z2k7r6t1bd"
const SEARCH_ID = "ws_01jx4m8b2qf6y7w8e9r0t1y2u3"
const IMPORT_ID = "import_01jx4m9c3d4e5f6g7h8j9k0l1m"
const MONITOR_ID = "monitor_01jx4ma1b2c3d4e5f6g7h8j9k0"
const RUN_ID = "mrun_01jx4mb2c3d4e5f6g7h8j9k0l1"
const ENRICHMENT_ID = "wenrich_01jx4mc3d4e5f6g7h8j9k0l1m2"

/**
 * A completed search with criteria, recall, scope and exclusions.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const search: WebsetSearchEncoded = {
  id: SEARCH_ID,
  object: "webset_search",
  status: "completed",
  websetId: WEBSET_ID,
  query: "Series A fintech startups in Europe founded after 2019 with a remote-first engineering team",
  entity: { type: "company" },
  criteria: [
    { description: "Headquartered in Europe", successRate: 92.5 },
    { description: "Raised a Series A round", successRate: 61 },
    { description: "Founded after 2019", successRate: 78.3 }
  ],
  count: 50,
  maxPeoplePerCompany: null,
  behavior: "override",
  exclude: [{ source: "import", id: IMPORT_ID }],
  scope: [],
  progress: { found: 50, analyzed: 412, completion: 100, timeLeft: null },
  recall: {
    expected: { total: 340, confidence: "medium", bounds: { min: 210, max: 520 } },
    reasoning: "Public funding databases list roughly 300 European fintech Series A rounds since 2020."
  },
  metadata: { campaign: "q3-outbound" },
  canceledAt: null,
  canceledReason: null,
  createdAt: "2025-11-12T21:40:02.118Z",
  updatedAt: "2025-11-12T21:50:51.207Z"
}

/**
 * A completed CSV import.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const importData: ImportEncoded = {
  id: IMPORT_ID,
  object: "import",
  status: "completed",
  format: "csv",
  entity: { type: "company" },
  title: "Existing customers (CRM export)",
  count: 1250,
  metadata: { owner: "revops" },
  failedReason: null,
  failedAt: null,
  failedMessage: null,
  createdAt: "2025-11-10T09:12:44.501Z",
  updatedAt: "2025-11-10T09:14:03.877Z"
}

/**
 * A monitor run that completed.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const monitorRun: MonitorRunEncoded = {
  id: RUN_ID,
  object: "monitor_run",
  status: "completed",
  monitorId: MONITOR_ID,
  type: "search",
  completedAt: "2025-11-13T08:03:12.640Z",
  failedAt: null,
  failedReason: null,
  canceledAt: null,
  createdAt: "2025-11-13T08:00:00.012Z",
  updatedAt: "2025-11-13T08:03:12.640Z"
}

/**
 * A daily search monitor with its last run.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const monitor: MonitorEncoded = {
  id: MONITOR_ID,
  object: "monitor",
  status: "enabled",
  websetId: WEBSET_ID,
  cadence: { cron: "0 8 * * *", timezone: "Europe/Berlin" },
  behavior: {
    type: "search",
    config: {
      query: "European fintech startups that announced a Series A this week",
      criteria: [{ description: "Announced a Series A round in the last 7 days" }],
      entity: { type: "company" },
      count: 10,
      behavior: "append"
    }
  },
  lastRun: monitorRun,
  nextRunAt: "2025-11-14T07:00:00.000Z",
  metadata: {},
  createdAt: "2025-11-12T22:01:15.330Z",
  updatedAt: "2025-11-13T08:03:12.640Z"
}

/**
 * An enrichment with options.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const enrichment: WebsetEnrichmentEncoded = {
  id: ENRICHMENT_ID,
  object: "webset_enrichment",
  status: "completed",
  websetId: WEBSET_ID,
  title: "Funding stage",
  description: "The company's latest funding stage",
  format: "options",
  options: [{ label: "Seed" }, { label: "Series A" }, { label: "Series B+" }],
  instructions: null,
  metadata: {},
  createdAt: "2025-11-12T21:41:10.004Z",
  updatedAt: "2025-11-12T21:55:32.918Z"
}

/**
 * A webset with a search, an import, two enrichments and a monitor.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const webset: WebsetEncoded = {
  id: WEBSET_ID,
  object: "webset",
  status: "idle",
  externalId: "crm-segment-4411",
  title: "European fintech Series A",
  searches: [search],
  imports: [importData],
  enrichments: [
    enrichment,
    {
      ...enrichment,
      id: "wenrich_01jx4mc3d4e5f6g7h8j9k0l1m3",
      title: null,
      description: "Annual revenue in USD",
      format: "number",
      options: null,
      instructions: "Use the most recent public figure."
    }
  ],
  monitors: [monitor],
  excludes: [{ source: "import", id: IMPORT_ID }],
  metadata: { team: "growth" },
  dashboardUrl: `https://websets.exa.ai/${WEBSET_ID}`,
  createdAt: "2025-11-12T21:40:01.733Z",
  updatedAt: "2025-11-12T21:55:32.918Z"
}

/**
 * A company item with evaluations and enrichment results.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const companyItem: WebsetItemEncoded = {
  id: "witem_01jx4md4e5f6g7h8j9k0l1m2n3",
  object: "webset_item",
  source: "search",
  sourceId: SEARCH_ID,
  websetId: WEBSET_ID,
  properties: {
    type: "company",
    url: "https://ledgerly.example.com",
    description: "Ledgerly builds real-time reconciliation software for European mid-market finance teams.",
    content: "Ledgerly — close your books in hours, not weeks. Trusted by 400 finance teams across Europe.",
    company: {
      name: "Ledgerly",
      location: "Berlin, Germany",
      employees: 84,
      industry: "Financial Software",
      about: "Real-time reconciliation for mid-market finance teams.",
      logoUrl: "https://ledgerly.example.com/logo.png",
      foundedYear: 2020,
      headquarters: {
        address: "Torstraße 49",
        city: "Berlin",
        state: null,
        postalCode: "10119",
        country: "Germany",
        countryCode: "DE"
      },
      financials: {
        revenueAnnual: 12500000,
        fundingTotal: 31000000,
        fundingLatestRound: { name: "Series A", date: "2024-02", amount: 24000000 }
      },
      webTraffic: { visitsMonthly: 182000, uniqueVisitors: 96000 }
    }
  },
  evaluations: [
    {
      criterion: "Headquartered in Europe",
      reasoning: "The company lists its headquarters in Berlin, Germany.",
      satisfied: "yes",
      references: [
        { title: "About Ledgerly", snippet: "Headquartered in Berlin", url: "https://ledgerly.example.com/about" }
      ]
    },
    {
      criterion: "Raised a Series A round",
      reasoning: "A February 2024 press release announces a €22M Series A.",
      satisfied: "yes",
      references: []
    },
    { criterion: "Founded after 2019", reasoning: "Founded in 2020.", satisfied: "yes" }
  ],
  enrichments: [
    {
      object: "enrichment_result",
      status: "completed",
      format: "options",
      result: ["Series A"],
      reasoning: "The latest announced round is a Series A.",
      references: [{ title: null, snippet: null, url: "https://news.example.com/ledgerly-series-a" }],
      enrichmentId: ENRICHMENT_ID
    },
    {
      object: "enrichment_result",
      status: "completed",
      format: "number",
      result: ["12500000"],
      reasoning: null,
      references: [],
      enrichmentId: "wenrich_01jx4mc3d4e5f6g7h8j9k0l1m3"
    }
  ],
  createdAt: "2025-11-12T21:44:18.250Z",
  updatedAt: "2025-11-12T21:55:40.771Z"
}

/**
 * A person item imported from a CSV, with work and education history.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const personItem: WebsetItemEncoded = {
  id: "witem_01jx4me5f6g7h8j9k0l1m2n3p4",
  object: "webset_item",
  source: "import",
  sourceId: IMPORT_ID,
  sourceEntityId: "maria.keller@example.com",
  websetId: WEBSET_ID,
  properties: {
    type: "person",
    url: "https://www.linkedin.com/in/maria-keller-example",
    description: "VP Engineering at Ledgerly, previously engineering lead at a payments scale-up.",
    person: {
      name: "Maria Keller",
      location: "Berlin, Germany",
      position: "VP Engineering",
      company: { name: "Ledgerly", location: "Berlin, Germany" },
      pictureUrl: null,
      workHistory: [
        {
          title: "VP Engineering",
          location: "Berlin",
          dates: { from: "2022-03", to: null },
          company: { id: "c_7781", name: "Ledgerly", linkedinUrl: "https://www.linkedin.com/company/ledgerly-example" }
        },
        { title: "Engineering Lead", location: null, dates: { from: "2017", to: "2022" }, company: null }
      ],
      educationHistory: [
        {
          degree: "MSc Computer Science",
          dates: { from: "2011", to: "2013" },
          institution: { id: null, name: "TU München", linkedinUrl: null }
        }
      ]
    }
  },
  evaluations: [
    { criterion: "Works at a fintech company", reasoning: "Ledgerly is a fintech.", satisfied: "yes", references: [] }
  ],
  enrichments: null,
  createdAt: "2025-11-10T09:13:10.000Z",
  updatedAt: "2025-11-10T09:13:10.000Z"
}

/**
 * An article item as first found, before enrichment (results pending).
 *
 * @since 0.1.0
 * @category fixtures
 */
export const articleItem: WebsetItemEncoded = {
  id: "witem_01jx4mf6g7h8j9k0l1m2n3p4q5",
  object: "webset_item",
  source: "search",
  sourceId: SEARCH_ID,
  scopeId: IMPORT_ID,
  websetId: WEBSET_ID,
  properties: {
    type: "article",
    url: "https://news.example.com/ledgerly-series-a",
    description: "Ledgerly raises a €22M Series A to automate month-end close.",
    content: null,
    article: { title: "Ledgerly raises €22M", author: "J. Doe", publishedAt: "2024-02-14" }
  },
  evaluations: [
    { criterion: "Raised a Series A round", reasoning: "The article reports it.", satisfied: "unclear" }
  ],
  enrichments: [
    {
      object: "enrichment_result",
      status: "pending",
      format: "text",
      result: null,
      reasoning: null,
      references: [],
      enrichmentId: ENRICHMENT_ID
    }
  ],
  createdAt: "2025-11-12T21:45:00.500Z",
  updatedAt: "2025-11-12T21:45:00.500Z"
}

type EncodedEvent<T extends string, D> = {
  readonly id: string
  readonly object: "event"
  readonly type: T
  readonly data: D
  readonly createdAt: string
}

/**
 * The JSON form of an event of type `T`; `data` is `unknown` for the two types without a published payload.
 *
 * @since 0.1.0
 * @category models
 */
export type EncodedOf<T extends EventType.EventType> = T extends EventType.KnownEventType
  ? Extract<Event.Encoded, { readonly type: T }>
  : EncodedEvent<T, unknown>

const envelope = <T extends EventType.EventType, D>(
  type: T,
  n: number,
  data: D,
  createdAt: string
): EncodedEvent<T, D> => ({
  id: `ev_01jx4n${String(n).padStart(2, "0")}k3w5q7r9t1y3u5i7o9p`,
  object: "event",
  type,
  data,
  createdAt
})

/**
 * One sample event per type, as the API sends it.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const events: { readonly [T in EventType.EventType]: EncodedOf<T> } = {
  "webset.created": envelope("webset.created", 1, { ...webset, status: "pending" }, "2025-11-12T21:40:01.800Z"),
  "webset.deleted": envelope("webset.deleted", 2, webset, "2025-11-20T10:00:00.000Z"),
  "webset.idle": envelope("webset.idle", 3, webset, "2025-11-12T21:55:33.001Z"),
  "webset.paused": envelope("webset.paused", 4, { ...webset, status: "paused" }, "2025-11-15T12:30:00.250Z"),
  "webset.item.created": envelope("webset.item.created", 5, articleItem, "2025-11-12T21:45:00.620Z"),
  "webset.item.enriched": envelope("webset.item.enriched", 6, companyItem, "2025-11-12T21:55:40.900Z"),
  "webset.search.created": envelope(
    "webset.search.created",
    7,
    {
      ...search,
      status: "created",
      progress: { found: 0, analyzed: 0, completion: 0, timeLeft: null },
      recall: null,
      updatedAt: search.createdAt
    },
    "2025-11-12T21:40:02.200Z"
  ),
  "webset.search.updated": envelope(
    "webset.search.updated",
    8,
    { ...search, status: "running", progress: { found: 23, analyzed: 190, completion: 46.5, timeLeft: 240 } },
    "2025-11-12T21:45:30.000Z"
  ),
  "webset.search.canceled": envelope(
    "webset.search.canceled",
    9,
    {
      ...search,
      status: "canceled",
      entity: { type: "custom", description: "Fintech engineering blogs" },
      maxPeoplePerCompany: 3,
      canceledAt: "2025-11-12T21:47:12.345Z",
      canceledReason: "out_of_credits"
    },
    "2025-11-12T21:47:12.400Z"
  ),
  "webset.search.completed": envelope("webset.search.completed", 10, search, "2025-11-12T21:50:51.300Z"),
  "import.created": envelope(
    "import.created",
    11,
    { ...importData, status: "pending", count: 0, entity: null, updatedAt: importData.createdAt },
    "2025-11-10T09:12:44.600Z"
  ),
  "import.completed": envelope(
    "import.completed",
    12,
    {
      ...importData,
      status: "failed",
      failedReason: "missing_identifier",
      failedAt: "2025-11-10T09:14:03.877Z",
      failedMessage: "Row 17 has no URL or email column"
    },
    "2025-11-10T09:14:04.000Z"
  ),
  "monitor.created": envelope(
    "monitor.created",
    13,
    { ...monitor, lastRun: null, updatedAt: monitor.createdAt },
    "2025-11-12T22:01:15.400Z"
  ),
  "monitor.updated": envelope("monitor.updated", 14, monitor, "2025-11-13T08:03:12.700Z"),
  "monitor.deleted": envelope(
    "monitor.deleted",
    15,
    { ...monitor, status: "disabled", nextRunAt: null },
    "2025-11-21T16:20:00.000Z"
  ),
  "monitor.run.created": envelope(
    "monitor.run.created",
    16,
    { ...monitorRun, status: "created", completedAt: null, updatedAt: monitorRun.createdAt },
    "2025-11-13T08:00:00.100Z"
  ),
  "monitor.run.completed": envelope("monitor.run.completed", 17, monitorRun, "2025-11-13T08:03:12.700Z"),
  "webset.export.created": envelope(
    "webset.export.created",
    18,
    { id: "export_01jx4mg7h8j9k0l1m2n3p4q5r6", object: "webset_export", status: "pending", format: "csv" },
    "2025-11-14T10:00:00.000Z"
  ),
  "webset.export.completed": envelope(
    "webset.export.completed",
    19,
    {
      id: "export_01jx4mg7h8j9k0l1m2n3p4q5r6",
      object: "webset_export",
      status: "completed",
      format: "csv",
      downloadUrl: "https://exports.example.com/export_01jx4mg7h8j9k0l1m2n3p4q5r6.csv"
    },
    "2025-11-14T10:02:30.000Z"
  )
}

/**
 * Every sample event, in `EventType` order.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const allEvents: ReadonlyArray<Event.Encoded> = Object.values(events) as ReadonlyArray<Event.Encoded>

/**
 * Overrides for a built event: envelope fields, and `data` fields merged over the sample's `data`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Overrides<T extends EventType.EventType> {
  readonly id?: string | undefined
  readonly createdAt?: string | undefined
  readonly data?: Partial<EncodedOf<T>["data"]> | undefined
}

/**
 * Builds the JSON of an event of the given type from its sample, with overrides.
 *
 * @example
 * ```ts
 * import { Fixtures } from "@effect-exa/testing"
 *
 * const json = Fixtures.make("webset.item.enriched", { id: "ev_1", data: { websetId: "webset_mine" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <T extends EventType.EventType>(type: T, overrides: Overrides<T> = {}): EncodedOf<T> => {
  const sample = events[type] as EncodedEvent<T, unknown>
  const data = overrides.data === undefined ? sample.data : { ...(sample.data as object), ...overrides.data }
  return {
    ...sample,
    ...(overrides.id === undefined ? {} : { id: overrides.id }),
    ...(overrides.createdAt === undefined ? {} : { createdAt: overrides.createdAt }),
    data
  } as EncodedOf<T>
}

/**
 * Builds a decoded event of the given type from its sample, with overrides.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEvent = <T extends EventType.EventType>(
  type: T,
  overrides: Overrides<T> = {}
): T extends EventType.KnownEventType ? Event.ByType<T> : Event.UnknownEvent =>
  Event.decodeSync(make(type, overrides)) as any

/**
 * A webhook as `GET /v0/webhooks/{id}` returns it (no secret: the API shows it only on create).
 *
 * @since 0.2.0
 * @category fixtures
 */
export const webhook: WebhookEncoded = {
  id: "webhook_01jx4mf5g6h7j8k9l0m1n2p3q4",
  object: "webhook",
  status: "active",
  events: ["webset.item.enriched", "webset.idle"],
  url: "https://hooks.example.com/exa",
  secret: null,
  metadata: { team: "growth" },
  createdAt: "2025-11-12T21:30:00.000Z",
  updatedAt: "2025-11-12T21:30:00.000Z"
}

/**
 * A failed delivery attempt of the sample `webset.item.enriched` event to the sample webhook.
 *
 * @since 0.2.0
 * @category fixtures
 */
export const webhookAttempt: WebhookAttemptEncoded = {
  id: "wattempt_01jx4mg6h7j8k9l0m1n2p3q4r5",
  object: "webhook_attempt",
  eventId: events["webset.item.enriched"].id,
  eventType: "webset.item.enriched",
  webhookId: webhook.id,
  url: webhook.url,
  successful: false,
  responseHeaders: { "content-type": "text/plain", "retry-after": "30" },
  responseBody: "Service Unavailable",
  responseStatusCode: 503,
  attempt: 1,
  attemptedAt: "2025-11-13T09:04:11.000Z"
}
