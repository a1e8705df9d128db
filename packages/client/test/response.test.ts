/**
 * Reading what the API sends back, unit by unit: error bodies of every shape, and the retry delay headers.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { parseErrorBody, parseHttpDate, retryAfter } from "../src/internal/response.js"

describe("parseErrorBody", () => {
  it("reads Exa's general error format", () => {
    expect(parseErrorBody(`{"error":"Invalid API key","tag":"INVALID_API_KEY","requestId":"req_1"}`, 401)).toEqual({
      message: "Invalid API key",
      code: "INVALID_API_KEY",
      requestId: "req_1"
    })
  })

  it("reads the structured envelope, its fallbacks in order", () => {
    expect(
      parseErrorBody(
        `{"error":{"type":"invalid_request","code":"BAD_LIMIT","message":"limit too big","detail":"d"},"requestId":"req_2"}`,
        400
      )
    )
      .toEqual({ message: "limit too big", code: "BAD_LIMIT", requestId: "req_2" })
    // No inner message: the outer one, then the detail, then the status.
    expect(parseErrorBody(`{"error":{"type":"t"},"message":"outer"}`, 400)).toEqual({ message: "outer", code: "t" })
    expect(parseErrorBody(`{"error":{"detail":"only detail"}}`, 400)).toEqual({ message: "only detail" })
    expect(parseErrorBody(`{"error":{}}`, 502)).toEqual({ message: "HTTP 502" })
    expect(parseErrorBody(`{"error":{"requestId":"req_in"}}`, 500)).toEqual({
      message: "HTTP 500",
      requestId: "req_in"
    })
    // Empty strings are no values.
    expect(parseErrorBody(`{"error":{"message":"","code":"","detail":"x"},"requestId":""}`, 400)).toEqual({
      message: "x"
    })
  })

  it("reads NestJS-style bodies, joining error and message", () => {
    expect(parseErrorBody(`{"statusCode":404,"message":"Event not found","error":"Not Found"}`, 404)).toEqual({
      message: "Not Found: Event not found"
    })
    expect(parseErrorBody(`{"message":"Forbidden resource"}`, 403)).toEqual({ message: "Forbidden resource" })
    expect(parseErrorBody(`{"error":"Too many","code":"RATE"}`, 429)).toEqual({ message: "Too many", code: "RATE" })
  })

  it("an object with no usable field is shown as a snippet", () => {
    expect(parseErrorBody(`{"error":null,"message":42}`, 500)).toEqual({ message: `{"error":null,"message":42}` })
    expect(parseErrorBody(`{"error":["a"]}`, 500)).toEqual({ message: `{"error":["a"]}` })
  })

  it("anything that is not a JSON object is a whitespace-collapsed, trimmed snippet", () => {
    expect(parseErrorBody("  <html>\n  <body>Bad   gateway</body>\n</html>  ", 502)).toEqual({
      message: "<html> <body>Bad gateway</body> </html>"
    })
    expect(parseErrorBody("null", 500)).toEqual({ message: "null" })
    expect(parseErrorBody("[1,2]", 500)).toEqual({ message: "[1,2]" })
    expect(parseErrorBody(`"just a string"`, 500)).toEqual({ message: `"just a string"` })
    expect(parseErrorBody("{not json", 500)).toEqual({ message: "{not json" })
  })

  it("an empty or blank body says so, with the status", () => {
    expect(parseErrorBody("", 503)).toEqual({ message: "HTTP 503 with an empty body" })
    expect(parseErrorBody("   \n ", 504)).toEqual({ message: "HTTP 504 with an empty body" })
  })

  it("a long body is cut at 300 characters; exactly 300 is kept whole", () => {
    expect(parseErrorBody("x".repeat(300), 500).message).toBe("x".repeat(300))
    expect(parseErrorBody("x".repeat(301), 500).message).toBe(`${"x".repeat(300)}…`)
    // Only the start of a huge body is looked at.
    expect(parseErrorBody(`${" ".repeat(2000)}tail`, 500).message).toBe("HTTP 500 with an empty body")
  })
})

describe("parseHttpDate", () => {
  it("accepts the three HTTP-date forms, and nothing else", () => {
    const instant = Date.UTC(1994, 10, 6, 8, 49, 37)
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(instant)
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(instant)
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(instant)
    for (
      const text of [
        "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37",
        "06 Nov 1994 08:49:37 GMT",
        "tomorrow",
        "",
        "Sun, 6 Nov 1994 08:49:37 GMT"
      ]
    ) {
      expect(parseHttpDate(text), text).toBeUndefined()
    }
  })
})

describe("retryAfter", () => {
  const now = Date.UTC(2026, 0, 1)
  const read = (headers: Record<string, string>) => {
    const delay = retryAfter((name) => headers[name], now)
    return delay === undefined ? undefined : Duration.toMillis(delay)
  }

  it("retry-after-ms first: a non-negative number of milliseconds, spaces around allowed", () => {
    expect(read({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250)
    expect(read({ "retry-after-ms": " 1.5 " })).toBe(1.5)
    expect(read({ "retry-after-ms": "1500.25" })).toBe(1500.25)
    for (const value of ["-1", "1e3", "1.", ".5", "12ms", "1, 2", ""]) {
      expect(read({ "retry-after-ms": value }), value).toBeUndefined()
    }
    // An unreadable retry-after-ms falls back to Retry-After.
    expect(read({ "retry-after-ms": "soon", "retry-after": "2" })).toBe(2000)
  })

  it("Retry-After as whole seconds, spaces around allowed", () => {
    expect(read({ "retry-after": "3" })).toBe(3000)
    expect(read({ "retry-after": " 0 " })).toBe(0)
    for (const value of ["-5", "1.5", "3s", "1, 2", "x3", "", "   "]) {
      expect(read({ "retry-after": value }), value).toBeUndefined()
    }
  })

  it("Retry-After as an HTTP-date, relative to now; a past one means now", () => {
    expect(read({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" })).toBe(10_000)
    expect(read({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" })).toBe(0)
    expect(read({ "retry-after": "2026-01-01T00:00:10Z" })).toBeUndefined()
  })

  it("no header, no delay", () => {
    expect(read({})).toBeUndefined()
  })
})
