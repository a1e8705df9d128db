/**
 * The same event model in zod 4, for the decode comparison.
 *
 * Built by walking our Effect Schema's AST, so both validate the same shape: the same fields, optional and
 * nullable where ours are, the same enums and literals, a discriminated union on `type`, unknown keys stripped.
 * Differences all favour zod: refinements (`filter`s) are left out, and timestamps use the variant named in the
 * row (`z.coerce.date()` accepts any input `new Date` takes; `z.iso.datetime` checks the RFC 3339 shape first).
 */
import { Event } from "@effect-exa/schema"
import * as AST from "effect/SchemaAST"
import { z } from "zod"

type Dates = "coerce" | "iso"

const identifier = (ast: AST.AST): string | undefined =>
  AST.getIdentifierAnnotation(ast).pipe((o) => (o._tag === "Some" ? o.value : undefined))

const convert = (ast: AST.AST, dates: Dates, seen: Map<AST.AST, z.ZodType>): z.ZodType => {
  const cached = seen.get(ast)
  if (cached !== undefined) return cached
  const out = build(ast, dates, seen)
  seen.set(ast, out)
  return out
}

const build = (ast: AST.AST, dates: Dates, seen: Map<AST.AST, z.ZodType>): z.ZodType => {
  const go = (a: AST.AST) => convert(a, dates, seen)
  if (identifier(ast) === "Timestamp") {
    return dates === "coerce" ? z.coerce.date() : z.iso.datetime({ offset: true }).transform((s) => new Date(s))
  }
  if (identifier(ast) === "Metadata") return z.record(z.string(), z.string())
  switch (ast._tag) {
    case "StringKeyword":
      return z.string()
    case "NumberKeyword":
      return z.number()
    case "BooleanKeyword":
      return z.boolean()
    case "UnknownKeyword":
    case "AnyKeyword":
      return z.unknown()
    case "Literal":
      return ast.literal === null ? z.null() : z.literal(ast.literal as string | number | boolean)
    case "Refinement":
      return go(ast.from)
    case "Transformation":
      // Classes and other transformations: validate the encoded side, as zod has no class construction.
      return go(ast.from)
    case "Declaration":
      return z.unknown()
    case "TupleType":
      return z.array(go(ast.rest[0]!.type))
    case "TypeLiteral": {
      const shape: Record<string, z.ZodType> = {}
      for (const ps of ast.propertySignatures) {
        const t = go(ps.type)
        shape[String(ps.name)] = ps.isOptional ? t.optional() : t
      }
      if (ast.indexSignatures.length > 0) return z.record(z.string(), go(ast.indexSignatures[0]!.type))
      return z.object(shape)
    }
    case "Union": {
      const members = ast.types
      if (members.every((m) => m._tag === "Literal" && typeof m.literal === "string")) {
        return z.enum(members.map((m) => (m as AST.Literal).literal as string) as [string, ...Array<string>])
      }
      const nonNull = members.filter((m) => !(m._tag === "Literal" && m.literal === null))
      if (nonNull.length === members.length - 1 && nonNull.length === 1) return go(nonNull[0]!).nullable()
      const converted = nonNull.map(go)
      const union = z.union(converted as [z.ZodType, z.ZodType, ...Array<z.ZodType>])
      return nonNull.length < members.length ? union.nullable() : union
    }
    default:
      throw new Error(`zod model: unhandled ${ast._tag}`)
  }
}

// The event union: a discriminated union of the 17 known variants on `type`, falling back to the unknown event.
const eventModel = (dates: Dates): z.ZodType => {
  const seen = new Map<AST.AST, z.ZodType>()
  const known = Event.KnownEvent.members.map((m) => convert(m.ast, dates, seen)) as Array<z.ZodObject>
  const unknown = convert(Event.UnknownEvent.ast, dates, seen)
  return z.union([z.discriminatedUnion("type", known as [z.ZodObject, ...Array<z.ZodObject>]), unknown])
}

/** zod 4, timestamps through `z.coerce.date()`. */
export const zodCoerce = eventModel("coerce")
/** zod 4, timestamps through `z.iso.datetime({ offset: true })` then `new Date`. */
export const zodIso = eventModel("iso")
