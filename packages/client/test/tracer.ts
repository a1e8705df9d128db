/** A tracer that keeps every span with its attributes, events, kind, parent and end, to check what tracing exports. */
import * as Tracer from "effect/Tracer"

export interface Recorded {
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  readonly events: Array<unknown>
  readonly parent: string | undefined
  readonly exit: Array<unknown>
}

export const recordingTracer = () => {
  const spans: Array<Recorded> = []
  let n = 0
  const tracer = Tracer.make({
    context: (f) => f(),
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const events: Array<unknown> = []
      const exit: Array<unknown> = []
      spans.push({
        name,
        kind,
        attributes,
        events,
        parent: parent._tag === "Some" && parent.value._tag === "Span" ? parent.value.name : undefined,
        exit
      })
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: String(++n),
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: (_, result) => void exit.push(result),
        attribute: (key, value) => void attributes.set(key, value),
        event: (name, _time, attrs) => void events.push([name, attrs]),
        addLinks: () => {}
      }
      return span
    }
  })
  return { spans, tracer }
}
