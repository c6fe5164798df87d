// cli/usage.ts
var UsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};
function positiveInt(flag) {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`${flag}: expected a positive integer, got ${value}`);
    return n;
  };
}
function nonNegativeInt(flag) {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new UsageError(`${flag}: expected a non-negative integer, got ${value}`);
    return n;
  };
}
export {
  UsageError,
  nonNegativeInt,
  positiveInt
};
//# sourceMappingURL=usage.js.map
