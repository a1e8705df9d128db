/**
 * Turning a body that should hold an event (a response, a webhook delivery) into a value, or a readable reason.
 *
 * @internal
 */
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"

/**
 * Parses JSON text and decodes it; on failure, says why: empty, not JSON, or what `describe` makes of the schema
 * error.
 */
export const decodeJsonText = <A>(
  text: string,
  decode: (u: unknown) => Result.Result<A, Schema.SchemaError>,
  describe: (json: unknown, error: Schema.SchemaError) => string
): Result.Result<A, string> => {
  if (text.length === 0) return Result.fail("the body is empty")
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Result.fail(`the body is not valid JSON (${errorMessage(error)})`)
  }
  // Decoding and describing walk the value; JSON nested thousands of levels deep may exhaust the stack there (a
  // RangeError), which must stay a reason, never a defect.
  let decoded: Result.Result<A, Schema.SchemaError>
  try {
    decoded = decode(json)
  } catch (error) {
    return Result.fail(`the body could not be decoded (${errorMessage(error)})`)
  }
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  try {
    return Result.fail(describe(json, decoded.failure))
  } catch (error) {
    return Result.fail(`the body does not match the schema (${errorMessage(error)})`)
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
 * A readable reason for JSON that is not an event. Effect Schema's message names the path and the expectation; for
 * a body with no `type` at all it would only say no variant matched, so that case is summed up instead.
 */
export const describeEventFailure = (json: unknown, error: Schema.SchemaError): string => {
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
  return error.message
}

/** The reason for JSON that is not a page of events: Effect Schema's message. */
export const describePageFailure = (_: unknown, error: Schema.SchemaError): string => error.message
