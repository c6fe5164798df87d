// pipelines/deque.ts
var Deque = class {
  items = [];
  head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(item) {
    this.items.push(item);
  }
  /** The oldest item, or undefined when empty. */
  peek() {
    return this.head < this.items.length ? this.items[this.head] : void 0;
  }
  /** The newest item, or undefined when empty. */
  peekLast() {
    return this.head < this.items.length ? this.items[this.items.length - 1] : void 0;
  }
  shift() {
    if (this.head >= this.items.length) return void 0;
    const item = this.items[this.head];
    this.items[this.head] = void 0;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  clear() {
    this.items = [];
    this.head = 0;
  }
  *[Symbol.iterator]() {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }
};
export {
  Deque
};
//# sourceMappingURL=deque.js.map
