// pipelines/strategies/healthcheck.ts
import { closeSync, openSync } from "node:fs";
import { InvalidStateError } from "../errors.js";
import {
  systemClock
} from "../types.js";
var TOUCH_INTERVAL_MS = 1e3;
var Healthcheck = class {
  constructor(file, next, options = {}) {
    this.file = file;
    this.next = next;
    this.clock = options.clock ?? systemClock;
    this.instrumentation = options.instrumentation;
  }
  file;
  next;
  lastTouch = Number.NEGATIVE_INFINITY;
  closed = false;
  clock;
  instrumentation;
  submit(message) {
    if (this.closed) throw new InvalidStateError("Healthcheck: submit after close");
    this.next.submit(message);
  }
  poll() {
    this.next.poll();
    const now = this.clock.now();
    if (now - this.lastTouch < TOUCH_INTERVAL_MS) return;
    this.lastTouch = now;
    closeSync(openSync(this.file, "w"));
    const i = this.instrumentation;
    if (i !== void 0) i.metrics.healthcheckTouches.inc({ consumer: i.consumer });
  }
  close() {
    this.closed = true;
    this.next.close();
  }
  join(timeoutMs) {
    return this.next.join(timeoutMs);
  }
  terminate() {
    this.next.terminate();
  }
};
export {
  Healthcheck
};
//# sourceMappingURL=healthcheck.js.map
