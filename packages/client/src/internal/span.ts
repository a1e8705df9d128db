/**
 * The client's spans, made only when someone can see them.
 *
 * Effect's default tracer keeps its spans nowhere: they cannot be exported, and nothing of ours runs inside them
 * that could read them. Making one anyway (ids from 48 `Math.random` calls, a `BigInt` clock reading, a context
 * and fiber-ref update, an exit finalizer) costs about a third of a whole `getEvent` over a fast connection. So a
 * span is made when another tracer is installed (`@effect/opentelemetry`, `Effect.withTracer`), and skipped
 * otherwise. The span is passed to the body, which sets attributes on it directly rather than through
 * `Effect.annotateCurrentSpan`.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"

/** The tracer every Effect runtime starts with. */
export const nativeTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

export const traced = <A, E>(
  name: string,
  attributes: Record<string, unknown>,
  body: (span: Tracer.Span | undefined) => Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  // The tracer read off the fiber (as `Effect.tracer` does), in one step instead of three.
  Effect.withFiberRuntime((fiber) =>
    Context.get(fiber.currentDefaultServices, Tracer.Tracer) === nativeTracer
      ? body(undefined)
      : Effect.useSpan(name, { attributes, captureStackTrace: false }, (span) => Effect.withParentSpan(body(span), span)))
