/** A problem with how the command was called: exit code 2 and a one-line reason. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses a positive integer flag value, or reports a usage error naming the flag. */
export function positiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`${flag}: expected a positive integer, got ${value}`);
    return n;
  };
}

export function nonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new UsageError(`${flag}: expected a non-negative integer, got ${value}`);
    return n;
  };
}
