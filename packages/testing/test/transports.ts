/**
 * The transports every behaviour suite runs over, with identical expectations: the in-memory emulator, and the
 * emulator served on loopback HTTP through `@effect/platform`'s `FetchHttpClient`, and through this package's
 * `FetchTransport` and `NodeTransport` (which also abort at the `TransportContract` deadline themselves).
 */
import type { EventsClient, WebhooksClient } from "@effect-exa/client"
import type * as ExaClient from "@effect-exa/client/ExaClient"
import * as FetchTransport from "@effect-exa/client/FetchTransport"
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { ExaApi, ExaApiServer } from "@effect-exa/testing"
import type * as Layer from "effect/Layer"

export type ClientOptions = Omit<ExaClient.Options, "apiKey" | "baseUrl">

export interface Transport {
  readonly name: string
  /** Whether the emulator is reached over real HTTP. */
  readonly http: boolean
  readonly layer: (
    options: ExaApi.Options,
    client: ClientOptions
  ) => Layer.Layer<EventsClient.EventsClient | WebhooksClient.WebhooksClient | ExaApi.ExaApi>
}

export const transports: ReadonlyArray<Transport> = [
  {
    name: "in-memory",
    http: false,
    layer: (options, client) => ExaApi.layerClient({ ...options, client })
  },
  {
    name: "loopback HTTP",
    http: true,
    layer: (options, client) => ExaApiServer.layerClient({ ...options, client })
  },
  {
    name: "loopback HTTP with FetchTransport",
    http: true,
    layer: (options, client) => ExaApiServer.layerClient({ ...options, client, httpClient: FetchTransport.layer })
  },
  {
    name: "loopback HTTP with NodeTransport",
    http: true,
    layer: (options, client) => ExaApiServer.layerClient({ ...options, client, httpClient: NodeTransport.layer })
  }
]
