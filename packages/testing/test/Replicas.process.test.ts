/**
 * The honesty check of the Postgres inbox, with real processes: a throwaway PostgreSQL cluster, the emulator in a
 * process of its own adding events at a fixed rate, three replica processes consuming, the lease holder killed with
 * SIGKILL (and stopped with SIGTERM) at random moments; then a webhook run with three receivers behind a round-robin
 * proxy, deliveries retried by the emulator, some handlers slower than the delivery timeout. Counted against the
 * emulator's ground truth. The programs run from the bench's build (`tsc -b` builds it before the tests).
 * Nothing here is timed: the bounds are on counts; waits are generous and bounded.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Replicas from "../bench/src/replicas/run.js"

const base = {
  replicas: 3,
  workers: 2,
  leaseMs: 2000,
  renewMs: 500,
  retryMs: 200,
  pollMs: 200,
  lookbackMs: 30_000,
  drainTimeoutMs: 90_000
}

describe("replicas on the Postgres inbox, as processes", () => {
  it.live(
    "leader killed with SIGKILL at random moments: nothing lost, no duplicate transactional write, the position readable",
    () =>
      Effect.gen(function*() {
        const batchSize = 10
        // A lease of 4 s: a leader stopped with SIGTERM hands it back, so another replica gets it long before then.
        const result = yield* Replicas.run({
          ...base,
          leaseMs: 4000,
          rate: 30,
          seconds: 14,
          kills: 2,
          terms: 1,
          batchSize
        })
        // 30 a second for 14 s at least (more when a busy machine made a disruption late: events follow each).
        expect(result.events).toBeGreaterThanOrEqual(420)
        expect(result.kills).toBe(2)
        expect(result.lost).toBe(0)
        expect(result.transactionalDuplicates).toBe(0)
        expect(result.unreadablePositions).toBe(0)
        // An external effect may run again only for what a killed replica had in flight: a batch per worker.
        expect(result.externalDuplicates).toBeLessThanOrEqual(result.kills * base.workers * batchSize)
        // Every disruption was followed by events stored by another replica.
        expect(result.disruptions.every((d) => d.gapMs !== null)).toBe(true)
        // The stopped leader handed its lease back: granted to another before the lease could have run out.
        const stopped = result.disruptions.filter((d) => d.signal === "SIGTERM")
        expect(stopped).toHaveLength(1)
        expect(stopped[0]!.grantMs).not.toBeNull()
        expect(stopped[0]!.grantMs!).toBeLessThan(4000)
      }),
    { timeout: 240_000 }
  )

  it.live(
    "webhooks through a round-robin proxy to three receivers, slow handlers, a receiver killed: each event stored and handled once",
    () =>
      Effect.gen(function*() {
        const result = yield* Replicas.run({
          ...base,
          rate: 15,
          seconds: 8,
          kills: 1,
          terms: 0,
          webhooks: { deliveryTimeoutMs: 2000, slowEvery: 10, slowMs: 2500 }
        })
        expect(result.events).toBeGreaterThanOrEqual(120)
        expect(result.lost).toBe(0)
        expect(result.transactionalDuplicates).toBe(0)
        // Receivers answer once the event is stored, whatever the handler takes: most deliveries are a first-try 204.
        expect(result.firstTry204).toBeGreaterThanOrEqual(result.events)
      }),
    { timeout: 240_000 }
  )
})
