// replay/progress.ts
import { performance } from "node:perf_hooks";
import { Presets, SingleBar } from "cli-progress";
var NoProgress = class {
  advance() {
  }
  setTotal() {
  }
  stop() {
  }
};
var BarProgress = class {
  bar;
  value = 0;
  started = performance.now();
  constructor(label, total, stream) {
    this.bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        stream,
        hideCursor: null,
        clearOnComplete: false,
        etaBuffer: 100
      },
      Presets.shades_classic
    );
    this.bar.start(Math.max(total, 1), 0, { rate: 0 });
  }
  advance(n = 1) {
    this.value += n;
    const seconds = (performance.now() - this.started) / 1e3;
    this.bar.update(this.value, { rate: seconds > 0 ? Math.round(this.value / seconds) : 0 });
  }
  setTotal(total) {
    this.bar.setTotal(Math.max(total, 1));
  }
  stop() {
    this.bar.stop();
  }
};
function createProgress(label, total, stream = process.stderr) {
  return stream.isTTY === true ? new BarProgress(label, total, stream) : new NoProgress();
}
function summaryLine(command, counts, elapsedMs, rateOf) {
  const parts = Object.entries(counts).map(([name, value]) => `${name} ${value}`);
  const seconds = elapsedMs / 1e3;
  const rate = rateOf !== void 0 && seconds > 0 ? ` (${(rateOf / seconds).toFixed(1)}/s)` : "";
  return `${command}: ${parts.join(", ")} in ${seconds.toFixed(1)} s${rate}`;
}
export {
  createProgress,
  summaryLine
};
//# sourceMappingURL=progress.js.map
