/**
 * The pipeline runs an endpoint's attempts under the call's span without capturing a stack trace for it: one would
 * only point at the client's own request code, and it costs a `new Error()` per call.
 */
import { EventsClient, ExaClient } from "@effect-exa/client"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { json, stub } from "./stub.js"

describe("the call's span", () => {
  it.effect("a failed call's cause names the span, with no location in the client's own code", () =>
    Effect.gen(function*() {
      const api = stub(() => json(404, { error: "not found" }))
      const layer = EventsClient.Default.pipe(
        Layer.provide(ExaClient.layer({ apiKey: Redacted.make("key-for-stack-tests"), retry: false })),
        Layer.provide(api.layer)
      )
      const exit = yield* Effect.exit(EventsClient.getEvent("ev_missing").pipe(Effect.provide(layer)))
      expect(Exit.isFailure(exit)).toBe(true)
      const pretty = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
      expect(pretty).toContain("NotFound")
      // The span's frame: its name alone, where a captured stack would add the client's file and line.
      const frame = pretty.split("\n").map((line) => line.trim()).filter((line) =>
        line.includes("EventsClient.getEvent")
      )
      expect(frame).toStrictEqual(["at EventsClient.getEvent"])
    }))
})
