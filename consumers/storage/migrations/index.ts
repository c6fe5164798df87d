import { createErrors } from "./0001_create_errors.ts";
import { createGroups } from "./0002_create_groups.ts";
import type { ClickHouseMigration } from "./types.ts";

/** Every ClickHouse migration, in version order. Append only; never edit an applied one. */
export const CLICKHOUSE_MIGRATIONS: readonly ClickHouseMigration[] = [createErrors, createGroups];
