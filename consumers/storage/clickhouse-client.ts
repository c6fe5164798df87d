import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { Options } from "../../config/options.ts";

export type ClickHouseConnectionOptions = Pick<
  Options,
  "clickhouseUrl" | "clickhouseUser" | "clickhousePassword"
>;

/**
 * A client bound to no database: storage SQL always names `db`.`table`, so the same
 * client can create the database it then writes to. The client's own console logger is
 * off; the sink logs failures with their context through pino.
 */
export function createStorageClickHouseClient(
  options: ClickHouseConnectionOptions,
  overrides: { readonly requestTimeoutMs?: number; readonly maxOpenConnections?: number } = {},
): ClickHouseClient {
  return createClient({
    url: options.clickhouseUrl,
    username: options.clickhouseUser,
    password: options.clickhousePassword,
    request_timeout: overrides.requestTimeoutMs,
    max_open_connections: overrides.maxOpenConnections,
    log: { level: ClickHouseLogLevel.OFF },
    // 18.16 quotes 64-bit integers in JSON output, current servers do not by default; our
    // row types say string, and an unquoted hash or id above 2^53 would lose digits.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class InvalidDatabaseNameError extends Error {
  constructor(readonly database: string) {
    super(`ClickHouse database name must be a plain identifier, got ${JSON.stringify(database)}`);
    this.name = "InvalidDatabaseNameError";
  }
}

/** Database names are spliced into SQL text, so only plain identifiers are accepted. */
export function checkDatabaseName(database: string): string {
  if (!IDENTIFIER.test(database)) throw new InvalidDatabaseNameError(database);
  return database;
}

export async function queryRows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const result = await client.query({ query, format: "JSONEachRow" });
  return result.json<T>();
}
