import type { ServerCapabilities } from "./server-version.ts";

export interface MigrationContext {
  /** Database the tables live in; already validated as a plain identifier. */
  readonly database: string;
  readonly capabilities: ServerCapabilities;
}

/**
 * A forward-only schema step. Its statements must be safe to run again after a partial run
 * or alongside another process (CREATE ... IF NOT EXISTS, ADD ... IF NOT EXISTS), because
 * ClickHouse has neither transactions nor locks to serialise two migrators.
 */
export interface ClickHouseMigration {
  readonly version: number;
  readonly name: string;
  statements(context: MigrationContext): string[];
}
