import { Event } from "@effect-exa/schema"
import { expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Fixtures from "./Fixtures.js"

it("smoke", () => {
  for (const json of Fixtures.allEvents) {
    const e = Event.decodeSync(json)
    expect(Schema.encodeSync(Event.Event)(e)).toEqual(json)
  }
})
