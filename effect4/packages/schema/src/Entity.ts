/**
 * The kind of entity a search, import or monitor looks for.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const CompanyEntity = Schema.Struct({ type: Schema.Literal("company") }).annotate({
  identifier: "CompanyEntity"
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const PersonEntity = Schema.Struct({ type: Schema.Literal("person") }).annotate({
  identifier: "PersonEntity"
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ArticleEntity = Schema.Struct({ type: Schema.Literal("article") }).annotate({
  identifier: "ArticleEntity"
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ResearchPaperEntity = Schema.Struct({ type: Schema.Literal("research_paper") }).annotate({
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
}).annotate({ identifier: "CustomEntity" })

/**
 * One of the five entity kinds, discriminated by `type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entity: Schema.Union<
  readonly [
    typeof CompanyEntity,
    typeof PersonEntity,
    typeof ArticleEntity,
    typeof ResearchPaperEntity,
    typeof CustomEntity
  ]
> = Schema.Union([CompanyEntity, PersonEntity, ArticleEntity, ResearchPaperEntity, CustomEntity]).annotate({
  identifier: "Entity"
})

/**
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
