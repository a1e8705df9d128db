/**
 * `pnpm bench replicas`: consumers on many replicas over PostgreSQL, with real processes (see replicas/run.ts): a
 * poll run with the lease holder killed (SIGKILL) and stopped (SIGTERM) at random moments, a poll-path throughput
 * run with a 30 s lookback, an inbox drain, and a webhook run behind a round-robin proxy with handlers slower than
 * the delivery timeout. Each table says its settings and the machine's load.
 */
import * as Effect from "effect/Effect"
import { fmt, table } from "./harness.js"
import * as Replicas from "./replicas/run.js"

const ms = (values: ReadonlyArray<number>, q: number) =>
  values.length === 0 ? "—" : fmt(Replicas.quantile(values, q), 0)

// The acknowledgements of receivers that had been taking deliveries for a second or more, apart from those of a
// receiver just started (its first deliveries also load Node's fetch classes and warm the JIT: about 25 ms more).
const warm = (hooks: Replicas.Result): string => {
  const ok = hooks.acks.filter((a) => a.status >= 200 && a.status < 300)
  const settled = ok.filter((a) => a.servingMs !== null && a.servingMs >= 1000).map((a) => a.ms)
  const fresh = ok.filter((a) => a.servingMs === null || a.servingMs < 1000).map((a) => a.ms)
  return `Acknowledgements of receivers serving for 1 s or more: ${fmt(settled.length)}, p50 ${
    ms(settled, 0.5)
  } ms, p99 ${ms(settled, 0.99)} ms, max ${ms(settled, 1)} ms; in a receiver's first second: ${
    fmt(fresh.length)
  }, max ${ms(fresh, 1)} ms.`
}

export const runReplicas = async (): Promise<string> => {
  const base = {
    replicas: 3,
    workers: 2,
    leaseMs: 2000,
    renewMs: 500,
    retryMs: 200,
    pollMs: 200,
    drainTimeoutMs: 60_000
  }
  const kills = await Effect.runPromise(
    Replicas.run({ ...base, rate: 50, seconds: 45, kills: 6, terms: 4, lookbackMs: 30_000, batchSize: 25 })
  )
  const throughput = await Effect.runPromise(
    Replicas.run({ ...base, rate: 600, seconds: 15, kills: 0, terms: 0, pollMs: 100, lookbackMs: 30_000 })
  )
  const drained = await Effect.runPromise(Replicas.drain({ replicas: 3, workers: 2, events: 20_000, batchSize: 100 }))
  // The same with a handler that writes nothing to the database: no savepoint is set for it.
  const drainedNoSql = await Effect.runPromise(
    Replicas.drain({ replicas: 3, workers: 2, events: 20_000, batchSize: 100, sqlWrite: false })
  )
  // One replica process with the same two workers each: on 2 cores, fewer processes compete for them.
  const drainedOne = await Effect.runPromise(
    Replicas.drain({ replicas: 1, workers: 2, events: 20_000, batchSize: 100 })
  )
  const hooks = await Effect.runPromise(Replicas.run({
    ...base,
    rate: 20,
    seconds: 15,
    kills: 2,
    terms: 0,
    lookbackMs: 30_000,
    webhooks: { deliveryTimeoutMs: 2000, slowEvery: 10, slowMs: 2500 }
  }))
  return [
    "## Replicas: 3 processes on the Postgres inbox, 2 workers each, lease 2 s renewed every 0.5 s",
    "",
    table([
      "run",
      "events",
      "lost",
      "duplicate transactional writes",
      "duplicate external effects",
      "unreadable positions",
      "load (1/5/15 min)"
    ], [
      [
        `50 events/s for 45 s, leader killed ×${kills.kills} (SIGKILL) and stopped ×4 (SIGTERM)`,
        fmt(kills.events),
        fmt(kills.lost),
        fmt(kills.transactionalDuplicates),
        `${fmt(kills.externalDuplicates)} (batch 25)`,
        fmt(kills.unreadablePositions),
        kills.load
      ],
      [
        "600 events/s for 15 s, no kill, lookback 30 s, poll every 100 ms",
        fmt(throughput.events),
        fmt(throughput.lost),
        fmt(throughput.transactionalDuplicates),
        fmt(throughput.externalDuplicates),
        fmt(throughput.unreadablePositions),
        throughput.load
      ],
      [
        `webhooks: 20 events/s for 15 s via a round-robin proxy, every 10th handler 2.5 s (delivery timeout 2 s), a receiver killed ×${hooks.kills}`,
        fmt(hooks.events),
        fmt(hooks.lost),
        fmt(hooks.transactionalDuplicates),
        fmt(hooks.externalDuplicates),
        "—",
        hooks.load
      ]
    ]),
    "",
    table(["measure", "p50", "p95", "max", "goal"], [
      [
        `failover after SIGKILL of the leader (ms to the next event stored; ${kills.failoverMs.length} measured, ${kills.overlapped} overlapped by the next disruption left out)`,
        ms(kills.failoverMs, 0.5),
        ms(kills.failoverMs, 0.95),
        ms(kills.failoverMs, 1),
        "p95 ≤ 3,000"
      ],
      [
        "hand-over after SIGTERM of the leader (ms)",
        ms(kills.handOverMs, 0.5),
        ms(kills.handOverMs, 0.95),
        ms(kills.handOverMs, 1),
        "≤ 500"
      ],
      [
        "webhook acknowledgement, 2xx answers (ms, at the proxy)",
        ms(hooks.ackMs, 0.5),
        ms(hooks.ackMs, 0.99) + " (p99)",
        ms(hooks.ackMs, 1),
        "p99 ≤ 50"
      ]
    ]),
    "",
    table(["throughput", "events/s", "goal"], [
      ["poll path: events stored per second, 600/s offered, lookback 30 s", fmt(throughput.ingestPerSecond), "≥ 500"],
      [
        `inbox drain: 20,000 rows, 3 replicas × 2 workers, batches of 100 (${fmt(drained.handled)} handled, ${
          fmt(drained.duplicates)
        } duplicates; load ${drained.load})`,
        fmt(drained.perSecond),
        "≥ 2,000"
      ],
      [
        `the same, a handler with no database write (${fmt(drainedNoSql.handled)} handled, ${
          fmt(drainedNoSql.duplicates)
        } duplicate external effects; load ${drainedNoSql.load})`,
        fmt(drainedNoSql.perSecond),
        "—"
      ],
      [
        `inbox drain: 20,000 rows, 1 replica × 2 workers, batches of 100 (${fmt(drainedOne.handled)} handled, ${
          fmt(drainedOne.duplicates)
        } duplicates; load ${drainedOne.load})`,
        fmt(drainedOne.perSecond),
        "≥ 2,000"
      ]
    ]),
    "",
    `Webhook deliveries: ${fmt(hooks.deliveries)} answers passed on by the proxy, ${
      fmt(hooks.firstTry204)
    } of them 204. ${warm(hooks)}`,
    ""
  ].join("\n")
}
