// pipelines/clock.ts
import { setTimeout as delay } from "node:timers/promises";
var realSleep = (ms) => delay(ms);
var ManualClock = class {
  constructor(current = 0) {
    this.current = current;
  }
  current;
  now() {
    return this.current;
  }
  advance(ms) {
    this.current += ms;
  }
  set(ms) {
    this.current = ms;
  }
  sleep = (ms) => {
    this.current += ms;
    return Promise.resolve();
  };
};
function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}
export {
  ManualClock,
  realSleep,
  yieldToEventLoop
};
//# sourceMappingURL=clock.js.map
