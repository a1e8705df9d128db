/**
 * The kind of entity a search, import or monitor looks for.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The entity of a webset of companies.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyEntity = Schema.Struct({ type: Schema.Literal("company") }).annotations({
  identifier: "CompanyEntity"
})

/**
 * The entity of a webset of people.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PersonEntity = Schema.Struct({ type: Schema.Literal("person") }).annotations({
  identifier: "PersonEntity"
})

/**
 * The entity of a webset of articles.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ArticleEntity = Schema.Struct({ type: Schema.Literal("article") }).annotations({
  identifier: "ArticleEntity"
})

/**
 * The entity of a webset of research papers.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResearchPaperEntity = Schema.Struct({ type: Schema.Literal("research_paper") }).annotations({
  identifier: "ResearchPaperEntity"
})

/**
 * A custom entity, described in 2 to 200 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CustomEntity = Schema.Struct({
  type: Schema.Literal("custom"),
  description: Schema.String
}).annotations({ identifier: "CustomEntity" })

/**
 * One of the five entity kinds, discriminated by `type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entity: Schema.Union<
  [typeof CompanyEntity, typeof PersonEntity, typeof ArticleEntity, typeof ResearchPaperEntity, typeof CustomEntity]
> = Schema.Union(CompanyEntity, PersonEntity, ArticleEntity, ResearchPaperEntity, CustomEntity).annotations({
  identifier: "Entity"
})

/**
 * The type the `Entity` schema decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type Entity = typeof Entity.Type

/**
 * The entity type strings: `company`, `person`, `article`, `research_paper`, `custom`.
 *
 * @since 0.1.0
 * @category models
 */
export type EntityType = Entity["type"]
