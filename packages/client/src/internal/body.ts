/**
 * Turning a body that should hold an event (a response, a webhook delivery) into a value, or a readable reason.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"

/**
 * Parses JSON text and decodes it; on failure, says why: empty, not JSON, or what `describe` makes of the schema
 * error.
 */
export const decodeJsonText = <A>(
  text: string,
  decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
  describe: (json: unknown, error: ParseResult.ParseError) => string
): Either.Either<A, string> => {
  if (text.length === 0) return Either.left("the body is empty")
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Either.left(`the body is not valid JSON (${(error as Error).message})`)
  }
  // Decoding and describing walk the value; JSON nested thousands of levels deep may exhaust the stack there (a
  // RangeError), which must stay a reason, never a defect.
  let decoded: Either.Either<A, ParseResult.ParseError>
  try {
    decoded = decode(json)
  } catch (error) {
    return Either.left(`the body could not be decoded (${errorMessage(error)})`)
  }
  if (Either.isRight(decoded)) return Either.right(decoded.right)
  try {
    return Either.left(describe(json, decoded.left))
  } catch (error) {
    return Either.left(`the body does not match the schema (${errorMessage(error)})`)
  }
}

const errorMessage = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return "unknown error"
  }
}

/**
 * A readable reason for JSON that is not an event. Effect Schema's tree names the path and the expectation; for a
 * body with no `type` at all that tree would list all 18 variants, so it is summed up instead.
 */
export const describeEventFailure = (json: unknown, error: ParseResult.ParseError): string => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return `expected an event object, got ${Array.isArray(json) ? "an array" : json === null ? "null" : typeof json}`
  }
  const record = json as Record<string, unknown>
  if (typeof record.type !== "string") {
    const message = record.error ?? record.message
    return message !== undefined
      ? `the body is an error object, not an event: ${JSON.stringify(message)}`
      : "the body has no string \"type\", so it is not an event"
  }
  return ParseResult.TreeFormatter.formatErrorSync(error)
}

/** The reason for JSON that is not a page of events: Effect Schema's tree. */
export const describePageFailure = (_: unknown, error: ParseResult.ParseError): string =>
  ParseResult.TreeFormatter.formatErrorSync(error)
