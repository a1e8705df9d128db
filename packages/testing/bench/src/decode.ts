/**
 * Decode cost: JSON text to a validated `Event`, against `JSON.parse` alone.
 */
import { Event } from "@effect-exa/schema"
import * as Schema from "effect/Schema"
import { fmt, measureSync, table } from "./harness.js"
import { samples } from "./samples.js"

const decodeEvent = Schema.decodeUnknownSync(Event.Event)
const decodeFast = Event.decodeSync

export const runDecode = (): string => {
  const out: Array<string> = ["## Decode: JSON text -> Event (medians of interleaved 40 ms batches)", ""]
  for (const sample of samples) {
    const [parse, plain, full] = measureSync([
      { name: "JSON.parse only (the limit)", run: () => JSON.parse(sample.text) },
      { name: "JSON.parse + Schema.decodeUnknownSync(Event) (plain Effect Schema)", run: () => decodeEvent(JSON.parse(sample.text)) },
      { name: "JSON.parse + Event.decodeSync (ours, dates -> DateTime.Utc)", run: () => decodeFast(JSON.parse(sample.text)) }
    ])
    const kib = fmt(sample.text.length / 1024, 1)
    out.push(`### ${sample.name}: ${sample.type}, ${kib} KiB`, "")
    out.push(
      table(["decoder", "ns/op (median)", "p25..p75 ns", "events/s", "x JSON.parse"], [parse!, plain!, full!].map((r) => [
        r.name,
        fmt(r.medianNs),
        `${fmt(r.p25Ns)}..${fmt(r.p75Ns)}`,
        fmt(1e9 / r.medianNs),
        fmt(r.medianNs / parse!.medianNs, 2)
      ]))
    )
    out.push("", `ratio (parse + decode vs parse alone, ${sample.name}): ${fmt(full!.medianNs / parse!.medianNs, 2)}x`, "")
  }
  return out.join("\n")
}
