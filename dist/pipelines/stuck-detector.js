// pipelines/stuck-detector.ts
var StuckDetector = class {
  constructor(thresholdMs, clock, onStuck, onRecovered) {
    this.thresholdMs = thresholdMs;
    this.clock = clock;
    this.onStuck = onStuck;
    this.onRecovered = onRecovered;
    this.lastProgress = clock.now();
  }
  thresholdMs;
  clock;
  onStuck;
  onRecovered;
  lastProgress;
  isStuck = false;
  timer;
  get stuck() {
    return this.isStuck;
  }
  /** Called by the loop on every iteration (a field write). */
  progress(now) {
    this.lastProgress = now;
    if (this.isStuck) this.check(now);
  }
  start() {
    if (this.timer !== void 0 || this.thresholdMs <= 0) return;
    this.timer = setInterval(
      () => this.check(this.clock.now()),
      Math.min(1e3, Math.max(10, this.thresholdMs / 2))
    );
    this.timer.unref();
  }
  stop() {
    clearInterval(this.timer);
    this.timer = void 0;
  }
  check(now) {
    if (this.thresholdMs <= 0) return;
    const idle = now - this.lastProgress;
    if (!this.isStuck && idle > this.thresholdMs) {
      this.isStuck = true;
      this.onStuck(idle);
    } else if (this.isStuck && idle <= this.thresholdMs) {
      this.isStuck = false;
      this.onRecovered(idle);
    }
  }
};
export {
  StuckDetector
};
//# sourceMappingURL=stuck-detector.js.map
