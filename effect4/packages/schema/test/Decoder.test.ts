import { Event, ListEventsResponse, Webhook, WebhookAttempt } from "@effect-exa/schema"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Fixtures from "./Fixtures.js"

// A payload whose `type` getter throws: what a hostile or broken caller can hand to a decoder.
const throwing = (field: string) => {
  const json: Record<string, unknown> = { ...Fixtures.events["webset.idle"] }
  Object.defineProperty(json, field, {
    enumerable: true,
    get() {
      throw new Error("boom")
    }
  })
  return json
}

describe("the package's decoders", () => {
  it("give Effect Schema's answer on every fixture, valid or not", () => {
    for (const json of Fixtures.allEvents) {
      const ours = Event.decodeResult(json)
      const theirs = Schema.decodeUnknownResult(Event.Event)(json)
      assert(Result.isSuccess(ours) && Result.isSuccess(theirs))
      expect(ours.success).toStrictEqual(theirs.success)
    }
    const bad = { ...Fixtures.events["webset.idle"], createdAt: "soon" }
    const ours = Event.decodeResult(bad)
    const theirs = Schema.decodeUnknownResult(Event.Event)(bad)
    assert(Result.isFailure(ours) && Result.isFailure(theirs))
    expect(ours.failure.message).toBe(theirs.failure.message)
    expect(ours.failure.message).toContain("RFC 3339")
  })

  it("an input that throws while being read is a SchemaError from every form, never a defect", () => {
    for (const field of ["type", "object", "data"]) {
      const json = throwing(field)
      const result = Event.decodeResult(json)
      assert(Result.isFailure(result))
      expect(Schema.isSchemaError(result.failure)).toBe(true)
      expect(result.failure.message).toContain("could not be read")
      expect(() => Event.decodeSync(json)).toThrow(Schema.SchemaError)
      const exit = Effect.runSyncExit(Event.decode(json))
      assert(Exit.isFailure(exit))
      const error = Cause.findErrorOption(exit.cause)
      expect(error._tag === "Some" && Schema.isSchemaError(error.value)).toBe(true)
      const page = ListEventsResponse.decodeResult({ data: [json], hasMore: false, nextCursor: null })
      expect(Result.isFailure(page)).toBe(true)
    }
    expect(Result.isFailure(Webhook.decodeResult(throwing("url")))).toBe(true)
    expect(
      Result.isFailure(WebhookAttempt.decodeListResult({ data: [throwing("id")], hasMore: false, nextCursor: null }))
    )
      .toBe(true)
  })

  it("a discriminator that cannot be turned into a string is refused like any other", () => {
    for (const field of ["type", "object"]) {
      const json = JSON.parse(JSON.stringify({ ...Fixtures.events["webset.idle"], [field]: { toString: false } }))
      expect(Result.isFailure(Event.decodeResult(json))).toBe(true)
    }
  })

  it("pass parse options through", () => {
    const json = { ...Fixtures.events["monitor.run.completed"], extra: true }
    expect(Result.isSuccess(Event.decodeResult(json))).toBe(true)
    expect(Result.isFailure(Event.decodeResult(json, { onExcessProperty: "error" }))).toBe(true)
  })
})
