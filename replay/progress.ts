import { performance } from "node:perf_hooks";
import { Presets, SingleBar } from "cli-progress";

// Progress for `ingest dump` and `ingest replay`: a cli-progress bar when stderr is a
// terminal, nothing while running otherwise (logs and CI output stay clean). Either way the
// command ends with one summary line built by `summaryLine`.

export interface Progress {
  /** Counts `n` more messages done. */
  advance(n?: number): void;
  /** The work turned out smaller or larger than first thought (compacted topics, --max-messages). */
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

class NoProgress implements Progress {
  advance(): void {}
  setTotal(): void {}
  stop(): void {}
}

class BarProgress implements Progress {
  private readonly bar: SingleBar;
  private value = 0;
  private readonly started = performance.now();

  constructor(label: string, total: number, stream: NodeJS.WritableStream) {
    this.bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        stream,
        hideCursor: null,
        clearOnComplete: false,
        etaBuffer: 100,
      },
      Presets.shades_classic,
    );
    this.bar.start(Math.max(total, 1), 0, { rate: 0 });
  }

  advance(n = 1): void {
    this.value += n;
    const seconds = (performance.now() - this.started) / 1000;
    this.bar.update(this.value, { rate: seconds > 0 ? Math.round(this.value / seconds) : 0 });
  }

  setTotal(total: number): void {
    this.bar.setTotal(Math.max(total, 1));
  }

  stop(): void {
    this.bar.stop();
  }
}

/** A bar on a TTY `stream` (stderr by default), nothing elsewhere. */
export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WritableStream & ProgressTarget = process.stderr,
): Progress {
  return stream.isTTY === true ? new BarProgress(label, total, stream) : new NoProgress();
}

/** `ingest replay: read 10, produced 9, skipped 1, failed 0 in 1.2 s (8.3/s)` */
export function summaryLine(
  command: string,
  counts: Readonly<Record<string, number>>,
  elapsedMs: number,
  rateOf?: number,
): string {
  const parts = Object.entries(counts).map(([name, value]) => `${name} ${value}`);
  const seconds = elapsedMs / 1000;
  const rate = rateOf !== undefined && seconds > 0 ? ` (${(rateOf / seconds).toFixed(1)}/s)` : "";
  return `${command}: ${parts.join(", ")} in ${seconds.toFixed(1)} s${rate}`;
}
