/**
 * Decode cost: JSON text to validated events, against `JSON.parse` alone, plain Effect Schema and zod 4, in one
 * interleaved run.
 */
import { Event, ListEventsResponse } from "@effect-exa/schema"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { z } from "zod"
import { type Case, fmt, measureSync, table } from "./harness.js"
import { pageSample, samples } from "./samples.js"
import { zodCoerce, zodIso } from "./zod.js"

const decodeEvent = Schema.decodeUnknownSync(Event.Event)
const decodeFast = Event.decodeSync
const zodCoercePage = z.object({ data: z.array(zodCoerce), hasMore: z.boolean(), nextCursor: z.string().nullable() })
const zodIsoPage = z.object({ data: z.array(zodIso), hasMore: z.boolean(), nextCursor: z.string().nullable() })
const decodePage = Schema.decodeUnknownSync(ListEventsResponse.ListEventsResponse)
const decodePageFast = (u: unknown) => Either.getOrThrow(ListEventsResponse.decodeEither(u))

const render = (
  title: string,
  results: ReadonlyArray<{ name: string; medianNs: number; p25Ns: number; p75Ns: number }>
) => {
  const parse = results[0]!
  return [
    title,
    "",
    table(
      ["decoder", "ns/op (median)", "p25..p75 ns", "ops/s", "x JSON.parse"],
      results.map((r) => [
        r.name,
        fmt(r.medianNs),
        `${fmt(r.p25Ns)}..${fmt(r.p75Ns)}`,
        fmt(1e9 / r.medianNs),
        fmt(r.medianNs / parse.medianNs, 2)
      ])
    ),
    ""
  ]
}

const cases = (
  text: string,
  plain: (u: unknown) => unknown,
  ours: (u: unknown) => unknown,
  coerce: z.ZodType,
  iso: z.ZodType
): Array<Case> => [
  { name: "JSON.parse only (the limit)", run: () => JSON.parse(text) },
  { name: "JSON.parse + plain Effect Schema (decodeUnknownSync)", run: () => plain(JSON.parse(text)) },
  { name: "JSON.parse + zod 4, dates z.coerce.date()", run: () => coerce.parse(JSON.parse(text)) },
  { name: "JSON.parse + zod 4, dates z.iso.datetime -> Date", run: () => iso.parse(JSON.parse(text)) },
  { name: "JSON.parse + effect-exa (dates -> DateTime.Utc)", run: () => ours(JSON.parse(text)) }
]

export const runDecode = (): string => {
  const out: Array<string> = ["## Decode: JSON text -> validated events (medians of interleaved 40 ms batches)", ""]
  for (const sample of samples) {
    const kib = fmt(sample.text.length / 1024, 1)
    const results = measureSync(cases(sample.text, decodeEvent, decodeFast, zodCoerce, zodIso))
    out.push(...render(`### ${sample.name}: ${sample.type}, ${kib} KiB`, results))
    out.push(`ours vs zod (coerce), ${sample.name}: ${fmt(results[4]!.medianNs / results[2]!.medianNs, 2)}x`, "")
  }
  const kib = fmt(pageSample.text.length / 1024, 1)
  const results = measureSync(cases(pageSample.text, decodePage, decodePageFast, zodCoercePage, zodIsoPage))
  out.push(...render(`### ${pageSample.name}: ListEventsResponse, ${kib} KiB`, results))
  out.push(`ours vs zod (coerce), ${pageSample.name}: ${fmt(results[4]!.medianNs / results[2]!.medianNs, 2)}x`, "")
  return out.join("\n")
}
