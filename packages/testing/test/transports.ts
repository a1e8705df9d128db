/**
 * The transports every behaviour suite runs over, with identical expectations: the in-memory emulator, and the
 * emulator served on loopback HTTP through `@effect/platform`'s `FetchHttpClient` (attempts forked), and through
 * this package's `FetchHttpClient` and `NodeHttpClient` (which honour `TransportContract` deadlines).
 */
import type { EventsClient, WebhooksClient } from "@effect-exa/client"
import * as FetchHttpClient from "@effect-exa/client/FetchHttpClient"
import * as NodeHttpClient from "@effect-exa/client/NodeHttpClient"
import { ExaApi, ExaApiServer } from "@effect-exa/testing"
import type * as Layer from "effect/Layer"

export type ClientOptions = Omit<EventsClient.Options, "apiKey" | "baseUrl">

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
    name: "loopback HTTP with effect-exa's FetchHttpClient",
    http: true,
    layer: (options, client) => ExaApiServer.layerClient({ ...options, client, httpClient: FetchHttpClient.layer() })
  },
  {
    name: "loopback HTTP with NodeHttpClient",
    http: true,
    layer: (options, client) => ExaApiServer.layerClient({ ...options, client, httpClient: NodeHttpClient.layer() })
  }
]
