/**
 * Events of three sizes for the benchmarks, built from the testing fixtures: a bare webset (about 0.4 KiB), a
 * webset with nested searches, imports, enrichments and a monitor (about 4 KiB), and an enriched company item with
 * a long page text and many enrichment results (about 46 KiB).
 */
import { Fixtures } from "@effect-exa/testing"

const small = Fixtures.make("webset.idle", {
  data: { searches: [], imports: [], enrichments: [], monitors: [], excludes: [], metadata: {} }
})

const medium = Fixtures.make("webset.created", {
  data: {
    searches: [Fixtures.search, { ...Fixtures.search, id: "ws_2", status: "running" }]
  }
})

const paragraph =
  "Ledgerly builds real-time reconciliation software for European mid-market finance teams, connecting banks, " +
  "payment providers and ERPs so that month-end close takes hours instead of weeks. "

const large = Fixtures.make("webset.item.enriched", {
  data: {
    properties: {
      ...(Fixtures.companyItem.properties as any),
      content: paragraph.repeat(110)
    },
    evaluations: Array.from({ length: 12 }, (_, i) => ({
      criterion: `Criterion ${i}: ${paragraph.slice(0, 60)}`,
      reasoning: paragraph.repeat(2),
      satisfied: "yes" as const,
      references: [{ title: `Source ${i}`, snippet: paragraph.slice(0, 120), url: `https://example.com/${i}` }]
    })),
    enrichments: Array.from({ length: 40 }, (_, i) => ({
      object: "enrichment_result" as const,
      status: "completed" as const,
      format: "text" as const,
      result: [paragraph.slice(0, 80 + i)],
      reasoning: paragraph,
      references: [{ title: null, snippet: paragraph.slice(0, 100), url: `https://news.example.com/${i}` }],
      enrichmentId: `wenrich_${i}`
    }))
  }
})

export const samples = [
  { name: "small", type: small.type, text: JSON.stringify(small) },
  { name: "medium", type: medium.type, text: JSON.stringify(medium) },
  { name: "large", type: large.type, text: JSON.stringify(large) }
] as const

// A full list page, the case users hit most: 200 events cycling through every published type (the fixtures'
// payloads, each with its own id), as `GET /websets/v0/events?limit=200` returns them.
const page = {
  data: Array.from({ length: 200 }, (_, i) => {
    const event = Fixtures.allEvents[i % Fixtures.allEvents.length]!
    return { ...event, id: `${event.id}_${i}` }
  }),
  hasMore: true,
  nextCursor: "cursor_200"
}

/** A 200-event list page as JSON text. */
export const pageSample = { name: "page of 200", text: JSON.stringify(page) } as const
