/**
 * The old name of `NodeTransport`, which had `@effect/platform`'s module name with another shape.
 *
 * @deprecated Use `NodeTransport` (`NodeTransport.layer`, a value, or `NodeTransport.layerWith(options)`).
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Layer from "effect/Layer"
import * as NodeTransport from "./NodeTransport.js"

/**
 * @deprecated Use `NodeTransport.Options`.
 * @since 0.1.0
 * @category models
 */
export type Options = NodeTransport.Options

/**
 * @deprecated Use `NodeTransport.make`.
 * @since 0.1.0
 * @category constructors
 */
export const make: typeof NodeTransport.make = NodeTransport.make

/**
 * @deprecated Use `NodeTransport.layer` (a value) or `NodeTransport.layerWith(options)`.
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  NodeTransport.layerWith(options)
