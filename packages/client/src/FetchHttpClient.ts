/**
 * The old name of `FetchTransport`, which had `@effect/platform`'s module name with another shape.
 *
 * @deprecated Use `FetchTransport` (`FetchTransport.layer`, a value, or `FetchTransport.layerWith(options)`).
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Layer from "effect/Layer"
import * as FetchTransport from "./FetchTransport.js"

/**
 * @deprecated Use `FetchTransport.Options`.
 * @since 0.1.0
 * @category models
 */
export type Options = FetchTransport.Options

/**
 * @deprecated Use `FetchTransport.make`.
 * @since 0.1.0
 * @category constructors
 */
export const make: typeof FetchTransport.make = FetchTransport.make

/**
 * @deprecated Use `FetchTransport.layer` (a value) or `FetchTransport.layerWith(options)`.
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  FetchTransport.layerWith(options)
