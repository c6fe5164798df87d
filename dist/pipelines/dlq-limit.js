// pipelines/dlq-limit.ts
var DLQ_RATIO_MIN_MESSAGES = 100;
function dlqLimitFromOptions(options) {
  return { maxInvalidRatio: options.dlqMaxInvalidRatio, maxConsecutiveCount: options.dlqMaxConsecutiveCount };
}
var DlqLimitState = class {
  /** `assignment` gives each partition's first offset; counting starts just before it. */
  constructor(limit, assignment = /* @__PURE__ */ new Map()) {
    this.limit = limit;
    this.minMessages = limit.minMessagesForRatio ?? DLQ_RATIO_MIN_MESSAGES;
    for (const [p, offset] of assignment) {
      this.counts.set(p, { valid: 0, invalid: 0, consecutive: 0, lastInvalid: offset - 1 });
    }
  }
  limit;
  counts = /* @__PURE__ */ new Map();
  minMessages;
  /** Counts an invalid record; returns why the limit is exceeded, or null to accept it. */
  recordInvalid(p, offset) {
    let c = this.counts.get(p);
    if (c === void 0) {
      c = { valid: 0, invalid: 1, consecutive: 1, lastInvalid: offset };
      this.counts.set(p, c);
    } else {
      if (offset === c.lastInvalid + 1) {
        c.consecutive += 1;
      } else if (offset > c.lastInvalid) {
        c.valid += offset - c.lastInvalid - 1;
        c.consecutive = 1;
      } else if (c.valid > 0) {
        c.valid -= 1;
      }
      c.invalid += 1;
      c.lastInvalid = Math.max(c.lastInvalid, offset);
    }
    const { maxConsecutiveCount, maxInvalidRatio } = this.limit;
    if (maxConsecutiveCount !== void 0 && c.consecutive > maxConsecutiveCount) {
      return `${c.consecutive} consecutive invalid records (limit ${maxConsecutiveCount})`;
    }
    const seen = c.valid + c.invalid;
    if (maxInvalidRatio !== void 0 && seen >= this.minMessages && c.invalid / seen > maxInvalidRatio) {
      return `${c.invalid} of ${seen} records invalid (limit ${maxInvalidRatio})`;
    }
    return null;
  }
};
export {
  DLQ_RATIO_MIN_MESSAGES,
  DlqLimitState,
  dlqLimitFromOptions
};
//# sourceMappingURL=dlq-limit.js.map
