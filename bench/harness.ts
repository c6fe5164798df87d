// What every benchmark shares: timing loops with warmup, and `report`, which prints a
// readable line plus the one JSON line per figure that tools collect:
//   {"bench","metric","value","unit","baseline","ratio"}
// A figure is compared against a floor or a peer measured in the same run (same machine,
// same load), never against a number remembered from elsewhere. ratio = value / baseline.
//
// BENCH_SECONDS (default 1) is the measuring time per figure, BENCH_ROUNDS (default 3) the
// number of timed rounds it is split into; the best round counts, because on a shared
// machine the fastest round is the one least disturbed by other processes.

export interface FigureInput {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The floor or peer measured in the same run, in the same unit. */
  readonly baseline?: number;
  /** Free text for the readable line only (sizes, counts, settings). */
  readonly note?: string;
}

export interface Figure {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly ratio?: number;
}

export interface Rate {
  /** Operations per second of the best round. */
  readonly opsPerSecond: number;
  /** Nanoseconds per operation of the best round. */
  readonly nsPerOp: number;
  /** Operations per second of every round, in order. */
  readonly rounds: ReadonlyArray<number>;
}

export interface MeasureOptions {
  /** Total timed seconds, split over the rounds. */
  readonly seconds?: number;
  readonly rounds?: number;
  /** Seconds of untimed calls first, so the JIT has compiled the hot path. */
  readonly warmupSeconds?: number;
}

function positiveNumberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

export function benchSeconds(): number {
  return positiveNumberFromEnv("BENCH_SECONDS", 1);
}

export function benchRounds(): number {
  return Math.round(positiveNumberFromEnv("BENCH_ROUNDS", 3));
}

// Results are stored where the engine cannot prove them unused, so it cannot drop the
// measured call as dead code.
const sink: { last: unknown } = { last: undefined };
function consume(result: unknown): void {
  sink.last = result;
}

/**
 * Calls `work` in a tight loop (batches of `batch`) for the configured time and returns
 * its rate. `work` gets the call index, e.g. to pick the next input.
 */
export function measure(work: (index: number) => unknown, options: MeasureOptions = {}, batch = 64): Rate {
  const seconds = options.seconds ?? benchSeconds();
  const rounds = options.rounds ?? benchRounds();
  const warmupSeconds = options.warmupSeconds ?? Math.min(0.5, seconds / 4);
  let index = 0;
  const runFor = (nanoseconds: number): number => {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(nanoseconds));
    let now = start;
    let calls = 0;
    while (now < deadline) {
      for (let i = 0; i < batch; i++) consume(work(index++));
      calls += batch;
      now = process.hrtime.bigint();
    }
    return calls / (Number(now - start) / 1e9);
  };
  runFor(warmupSeconds * 1e9);
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) rates.push(runFor((seconds * 1e9) / rounds));
  return toRate(rates);
}

/** Like `measure` for asynchronous work, awaited one call at a time. */
export async function measureAsync(
  work: (index: number) => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Rate> {
  const seconds = options.seconds ?? benchSeconds();
  const rounds = options.rounds ?? benchRounds();
  const warmupSeconds = options.warmupSeconds ?? Math.min(0.5, seconds / 4);
  let index = 0;
  const runFor = async (nanoseconds: number): Promise<number> => {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(nanoseconds));
    let now = start;
    let calls = 0;
    while (now < deadline) {
      consume(await work(index++));
      calls += 1;
      now = process.hrtime.bigint();
    }
    return calls / (Number(now - start) / 1e9);
  };
  await runFor(warmupSeconds * 1e9);
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) rates.push(await runFor((seconds * 1e9) / rounds));
  return toRate(rates);
}

function toRate(rates: ReadonlyArray<number>): Rate {
  const best = Math.max(...rates);
  return { opsPerSecond: best, nsPerOp: 1e9 / best, rounds: rates };
}

/** Milliseconds one call of `work` takes (for whole-run benchmarks that time a full pass). */
export async function timeMs(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export function median(values: ReadonlyArray<number>): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Rounds to 3 significant digits for display and JSON; benchmarks are not more exact. */
function significant(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(3));
}

function readable(value: number): string {
  return significant(value).toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** Prints the readable line and the JSON line of one figure, and returns the figure. */
export function report(input: FigureInput): Figure {
  const value = significant(input.value);
  const figure: Figure =
    input.baseline === undefined
      ? { bench: input.bench, metric: input.metric, value, unit: input.unit }
      : {
          bench: input.bench,
          metric: input.metric,
          value,
          unit: input.unit,
          baseline: significant(input.baseline),
          ratio: Number((input.value / input.baseline).toFixed(3)),
        };
  const parts = [
    `${input.bench} ${input.metric}:`.padEnd(48),
    `${readable(input.value)} ${input.unit}`.padStart(22),
  ];
  if (figure.baseline !== undefined) {
    parts.push(`  baseline ${readable(figure.baseline)} ${input.unit}`, `  ratio ${figure.ratio}`);
  }
  if (input.note) parts.push(`  (${input.note})`);
  console.log(parts.join(""));
  console.log(JSON.stringify(figure));
  return figure;
}
