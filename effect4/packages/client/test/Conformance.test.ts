/**
 * The conformance suite (`conformance.ts`) over this line's `fetch` transports: Effect 4's `FetchHttpClient` and this
 * package's `FetchTransport`.
 */
import { FetchTransport } from "@effect-exa/client"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { suite } from "./conformance.js"

suite([
  ["effect/http FetchHttpClient", FetchHttpClient.layer],
  ["FetchTransport", FetchTransport.layer]
])
