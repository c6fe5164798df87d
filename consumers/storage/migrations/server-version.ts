// What the connected ClickHouse can do, from `SELECT version()`. The dev machine runs
// 18.16.1, which lacks several features Snuba's errors table uses (formats.md §5.1); on a
// newer server the migrations use them. Every feature below is gated at 20.3 (an LTS),
// a deliberately safe line: by then none of them needs an experimental setting. The exact
// releases that introduced them (19.x for most) were not verified here.

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

export interface ServerCapabilities {
  /** `LowCardinality(...)` without `allow_experimental_low_cardinality_type`. */
  readonly lowCardinality: boolean;
  /** Column `CODEC(...)` clauses. */
  readonly codecs: boolean;
  /** Table `TTL` and the `ttl_only_drop_parts` setting; without it a janitor drops partitions. */
  readonly ttl: boolean;
  /** Data-skipping `INDEX ... TYPE bloom_filter|minmax` without an experimental setting. */
  readonly skipIndexes: boolean;
}

export class ServerVersionError extends Error {
  constructor(readonly text: string) {
    super(`cannot read a ClickHouse version from ${JSON.stringify(text)}`);
    this.name = "ServerVersionError";
  }
}

export function parseServerVersion(text: string): ServerVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) throw new ServerVersionError(text);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    text: text.trim(),
  };
}

function atLeast(version: ServerVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function capabilitiesOf(version: ServerVersion): ServerCapabilities {
  const modern = atLeast(version, 20, 3);
  return { lowCardinality: modern, codecs: modern, ttl: modern, skipIndexes: modern };
}
