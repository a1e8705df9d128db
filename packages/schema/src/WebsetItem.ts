/**
 * An item found by a search or brought by an import: `data` of `webset.item.created|enriched`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Timestamp } from "./Timestamp.js"
import { WebsetEnrichmentFormat } from "./WebsetEnrichment.js"

const NullableString = Schema.NullOr(Schema.String)
const NullableNumber = Schema.NullOr(Schema.Finite)

/**
 * A source backing an evaluation or an enrichment result.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reference = Schema.Struct({
  title: NullableString,
  snippet: NullableString,
  url: Schema.String
}).annotations({ identifier: "Reference" })

/**
 * The type the `Reference` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type Reference = typeof Reference.Type

/**
 * A free-form `from`/`to` pair (`"2019-03"`, `"2021"`, `"Present"`): not parsed as dates.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DateRange = Schema.Struct({ from: NullableString, to: NullableString }).annotations({
  identifier: "DateRange"
})

/**
 * A reference to a company or school in a person's history.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OrganizationRef = Schema.Struct({
  id: NullableString,
  name: NullableString,
  linkedinUrl: NullableString
}).annotations({ identifier: "OrganizationRef" })

/**
 * One position in a person's work history.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkHistoryEntry = Schema.Struct({
  title: NullableString,
  location: NullableString,
  dates: Schema.NullOr(DateRange),
  company: Schema.NullOr(OrganizationRef)
}).annotations({ identifier: "WorkHistoryEntry" })

/**
 * One school in a person's education history.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EducationHistoryEntry = Schema.Struct({
  degree: NullableString,
  dates: Schema.NullOr(DateRange),
  institution: Schema.NullOr(OrganizationRef)
}).annotations({ identifier: "EducationHistoryEntry" })

/**
 * The properties of a person item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PersonProperties = Schema.Struct({
  type: Schema.Literal("person"),
  url: Schema.String,
  description: Schema.String,
  person: Schema.Struct({
    name: Schema.String,
    location: NullableString,
    position: NullableString,
    company: Schema.NullOr(Schema.Struct({ name: Schema.String, location: NullableString })),
    pictureUrl: NullableString,
    // Required since 2026; items stored before then lack them.
    workHistory: Schema.optionalWith(Schema.Array(WorkHistoryEntry), { exact: true }),
    educationHistory: Schema.optionalWith(Schema.Array(EducationHistoryEntry), { exact: true })
  })
}).annotations({ identifier: "PersonProperties" })

/**
 * A company's headquarters address; every part may be unknown.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyHeadquarters = Schema.Struct({
  address: NullableString,
  city: NullableString,
  state: NullableString,
  postalCode: NullableString,
  country: NullableString,
  countryCode: NullableString
}).annotations({ identifier: "CompanyHeadquarters" })

/**
 * A company's financials, in USD. `fundingLatestRound.date` is a free-form string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyFinancials = Schema.Struct({
  revenueAnnual: NullableNumber,
  fundingTotal: NullableNumber,
  fundingLatestRound: Schema.NullOr(
    Schema.Struct({ name: NullableString, date: NullableString, amount: NullableNumber })
  )
}).annotations({ identifier: "CompanyFinancials" })

/**
 * A company's web traffic.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyWebTraffic = Schema.Struct({
  visitsMonthly: NullableNumber,
  uniqueVisitors: NullableNumber
}).annotations({ identifier: "CompanyWebTraffic" })

/**
 * The properties of a company item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyProperties = Schema.Struct({
  type: Schema.Literal("company"),
  url: Schema.String,
  description: Schema.String,
  content: NullableString,
  company: Schema.Struct({
    name: Schema.String,
    location: NullableString,
    employees: Schema.NullOr(Schema.Int),
    industry: NullableString,
    about: NullableString,
    logoUrl: NullableString,
    // Required (and nullable) since 2026; items stored before then lack them.
    foundedYear: Schema.optionalWith(NullableNumber, { exact: true }),
    headquarters: Schema.optionalWith(Schema.NullOr(CompanyHeadquarters), { exact: true }),
    financials: Schema.optionalWith(Schema.NullOr(CompanyFinancials), { exact: true }),
    webTraffic: Schema.optionalWith(Schema.NullOr(CompanyWebTraffic), { exact: true })
  })
}).annotations({ identifier: "CompanyProperties" })

/**
 * Title, author and publication date of an article, paper or custom item; `publishedAt` is free-form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PublicationFields = Schema.Struct({
  title: NullableString,
  author: NullableString,
  publishedAt: NullableString
}).annotations({ identifier: "PublicationFields" })

/**
 * The properties of an article item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ArticleProperties = Schema.Struct({
  type: Schema.Literal("article"),
  url: Schema.String,
  description: Schema.String,
  content: NullableString,
  article: PublicationFields
}).annotations({ identifier: "ArticleProperties" })

/**
 * The properties of a research paper item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResearchPaperProperties = Schema.Struct({
  type: Schema.Literal("research_paper"),
  url: Schema.String,
  description: Schema.String,
  content: NullableString,
  researchPaper: PublicationFields
}).annotations({ identifier: "ResearchPaperProperties" })

/**
 * The properties of a custom item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CustomProperties = Schema.Struct({
  type: Schema.Literal("custom"),
  url: Schema.String,
  description: Schema.String,
  content: NullableString,
  custom: PublicationFields
}).annotations({ identifier: "CustomProperties" })

/**
 * An item's properties, discriminated by `type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetItemProperties: Schema.Union<[
  typeof PersonProperties,
  typeof CompanyProperties,
  typeof ArticleProperties,
  typeof ResearchPaperProperties,
  typeof CustomProperties
]> = Schema.Union(PersonProperties, CompanyProperties, ArticleProperties, ResearchPaperProperties, CustomProperties)
  .annotations({ identifier: "WebsetItemProperties" })

/**
 * The type the `WebsetItemProperties` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetItemProperties = typeof WebsetItemProperties.Type

/**
 * Whether an item satisfies a criterion.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetItemEvaluation = Schema.Struct({
  criterion: Schema.String,
  reasoning: Schema.String,
  satisfied: Schema.Literal("yes", "no", "unclear"),
  references: Schema.optionalWith(Schema.Array(Reference), { exact: true })
}).annotations({ identifier: "WebsetItemEvaluation" })

/**
 * The type the `WebsetItemEvaluation` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type WebsetItemEvaluation = typeof WebsetItemEvaluation.Type

/**
 * The status of one enrichment's result on an item: `pending`, `completed` or `canceled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnrichmentResultStatus: Schema.Literal<["pending", "completed", "canceled"]> = Schema.Literal(
  "pending",
  "completed",
  "canceled"
)

/**
 * The result of one enrichment on one item. `result` is always strings, whatever the format
 * (`["18000000"]` for a number).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnrichmentResult = Schema.Struct({
  object: Schema.Literal("enrichment_result"),
  status: EnrichmentResultStatus,
  format: WebsetEnrichmentFormat,
  result: Schema.NullOr(Schema.Array(Schema.String)),
  reasoning: NullableString,
  references: Schema.Array(Reference),
  enrichmentId: Schema.String
}).annotations({ identifier: "EnrichmentResult" })

/**
 * The type the `EnrichmentResult` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type EnrichmentResult = typeof EnrichmentResult.Type

const WebsetItem_ = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("webset_item"),
  source: Schema.Literal("search", "import"),
  sourceId: Schema.String,
  sourceEntityId: Schema.optionalWith(Schema.String, { exact: true }),
  scopeId: Schema.optionalWith(Schema.String, { exact: true }),
  websetId: Schema.String,
  properties: WebsetItemProperties,
  evaluations: Schema.Array(WebsetItemEvaluation),
  enrichments: Schema.NullOr(Schema.Array(EnrichmentResult)),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

/**
 * A webset item.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetItem extends Schema.Schema.Type<typeof WebsetItem_> {}

/**
 * The JSON form of a {@link WebsetItem}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebsetItemEncoded extends Schema.Schema.Encoded<typeof WebsetItem_> {}

/**
 * The `WebsetItem` schema: decodes the API's JSON to a `WebsetItem`, and encodes one back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebsetItem: Schema.Schema<WebsetItem, WebsetItemEncoded> = WebsetItem_.annotations({
  identifier: "WebsetItem"
})
