// pipelines/strategies/noop.ts
import { InvalidStateError } from "../errors.js";
var Noop = class {
  closed = false;
  submit(_message) {
    if (this.closed) throw new InvalidStateError("Noop: submit after close");
  }
  poll() {
  }
  close() {
    this.closed = true;
  }
  async join() {
  }
  terminate() {
    this.closed = true;
  }
};
export {
  Noop
};
//# sourceMappingURL=noop.js.map
