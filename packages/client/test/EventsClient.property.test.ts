import { Errors, EventsClient } from "@effect-exa/client"
import { ExaApi, Fixtures } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

// Whatever the server sends back (any status, any body, any headers), getEvent ends in a success or in one of the
// client's tagged errors: never a defect, never a thrown exception.
const body = FastCheck.oneof(
  FastCheck.string(),
  FastCheck.jsonValue().map((v) => JSON.stringify(v)),
  FastCheck.constantFrom(...Fixtures.allEvents).map((e) => JSON.stringify(e)),
  FastCheck.constantFrom(...Fixtures.allEvents).map((e) => JSON.stringify(e).slice(0, 100)),
  FastCheck.constantFrom("", "null", "<html></html>", "{\"error\":{}}", "{\"error\":[1]}", "{\"type\":1}")
)
const status = FastCheck.oneof(
  FastCheck.integer({ min: 200, max: 599 }),
  FastCheck.constantFrom(200, 401, 403, 404, 429, 500)
)
const headers = FastCheck.dictionary(
  FastCheck.constantFrom("retry-after", "retry-after-ms", "x-request-id", "content-type"),
  FastCheck.oneof(
    FastCheck.string(),
    FastCheck.constantFrom("5", "-1", "1e400", "Wed, 21 Oct 2015 07:28:00 GMT", "NaN")
  )
)

describe("getEvent never dies", () => {
  it("for any response the server can send", { timeout: 120_000 }, async () => {
    const runtime = ManagedRuntime.make(
      ExaApi.layerClient({ events: Fixtures.allEvents, client: { retry: false } }).pipe(Layer.orDie)
    )
    await FastCheck.assert(
      FastCheck.asyncProperty(status, body, headers, async (status, body, headers) => {
        const exit = await runtime.runPromiseExit(
          Effect.gen(function*() {
            const api = yield* ExaApi.ExaApi
            yield* api.failNext({ _tag: "Status", status, body, headers })
            return yield* EventsClient.getEvent("ev_1")
          })
        )
        if (Exit.isFailure(exit)) {
          const failure = Cause.failureOption(exit.cause)
          expect(Cause.isDie(exit.cause)).toBe(false)
          expect(failure._tag).toBe("Some")
          expect(Errors.isExaError(failure._tag === "Some" ? failure.value : undefined)).toBe(true)
        }
      }),
      { numRuns: 400 }
    )
    await runtime.dispose()
  })
})
