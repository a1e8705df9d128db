/** A tracer that keeps every span with its attributes, kind, parent and end, to check what tracing exports. */
import * as Tracer from "effect/Tracer"

export interface Recorded {
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  readonly parent: string | undefined
  readonly exit: Array<unknown>
}

export const recordingTracer = () => {
  const spans: Array<Recorded> = []
  let n = 0
  const tracer = Tracer.make({
    span: ({ annotations, kind, links, name, parent, sampled, startTime }) => {
      const attributes = new Map<string, unknown>()
      const exit: Array<unknown> = []
      spans.push({
        name,
        kind,
        attributes,
        parent: parent._tag === "Some" && parent.value._tag === "Span" ? parent.value.name : undefined,
        exit
      })
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: String(++n),
        traceId: "trace",
        parent,
        annotations,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled,
        kind,
        end: (_, result) => void exit.push(result),
        attribute: (key, value) => void attributes.set(key, value),
        event: () => {},
        addLinks: () => {}
      }
      return span
    }
  })
  return { spans, tracer }
}
