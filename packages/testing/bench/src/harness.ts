/**
 * A small interleaved benchmark harness: each case runs in time-boxed batches, rounds alternate between cases so
 * that drift (GC, CPU frequency, the other core) hits all of them alike, and medians are reported.
 */

export interface Case {
  readonly name: string
  readonly run: () => unknown
}

export interface Result {
  readonly name: string
  readonly medianNs: number
  readonly p25Ns: number
  readonly p75Ns: number
}

const quantile = (sorted: ReadonlyArray<number>, q: number): number => sorted[Math.floor((sorted.length - 1) * q)]!

let sink: unknown
/** Keeps results alive so the JIT cannot drop the work. */
export const consume = (value: unknown): void => {
  sink = value
}

export const measureSync = (
  cases: ReadonlyArray<Case>,
  options: { readonly rounds?: number; readonly batchMs?: number } = {}
): Array<Result> => {
  const rounds = options.rounds ?? 15
  const batchMs = options.batchMs ?? 40
  // Warm up every case, and calibrate how many calls fit in one batch.
  const perBatch = cases.map((c) => {
    let n = 0
    const start = performance.now()
    while (performance.now() - start < batchMs) {
      consume(c.run())
      n++
    }
    return Math.max(1, n)
  })
  const samples: Array<Array<number>> = cases.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!
      const n = perBatch[i]!
      const start = process.hrtime.bigint()
      for (let k = 0; k < n; k++) consume(c.run())
      samples[i]!.push(Number(process.hrtime.bigint() - start) / n)
    }
  }
  void sink
  return cases.map((c, i) => {
    const sorted = samples[i]!.sort((a, b) => a - b)
    return {
      name: c.name,
      medianNs: quantile(sorted, 0.5),
      p25Ns: quantile(sorted, 0.25),
      p75Ns: quantile(sorted, 0.75)
    }
  })
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")

/**
 * Like `measureSync`, for asynchronous cases: after `warmup` calls each, rounds of `batchMs` batches, interleaved;
 * the median microseconds per call of each case.
 */
export const measureAsync = async (
  cases: ReadonlyArray<readonly [string, () => Promise<unknown>]>,
  options: { readonly rounds?: number; readonly batchMs?: number; readonly warmup?: number } = {}
): Promise<Array<number>> => {
  const samples = cases.map(() => [] as Array<number>)
  for (const [, run] of cases) for (let i = 0; i < (options.warmup ?? 20); i++) await run()
  for (let round = 0; round < (options.rounds ?? 15); round++) {
    for (const [index, [, run]] of cases.entries()) {
      const start = performance.now()
      let n = 0
      while (performance.now() - start < (options.batchMs ?? 40)) {
        await run()
        n++
      }
      samples[index]!.push(((performance.now() - start) * 1000) / n)
    }
  }
  return samples.map((xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!)
}
