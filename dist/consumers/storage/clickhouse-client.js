// consumers/storage/clickhouse-client.ts
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
function createStorageClickHouseClient(options, overrides = {}) {
  return createClient({
    url: options.clickhouseUrl,
    username: options.clickhouseUser,
    password: options.clickhousePassword,
    request_timeout: overrides.requestTimeoutMs,
    max_open_connections: overrides.maxOpenConnections,
    log: { level: ClickHouseLogLevel.OFF },
    // 18.16 quotes 64-bit integers in JSON output, current servers do not by default; our
    // row types say string, and an unquoted hash or id above 2^53 would lose digits.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 }
  });
}
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
var InvalidDatabaseNameError = class extends Error {
  constructor(database) {
    super(`ClickHouse database name must be a plain identifier, got ${JSON.stringify(database)}`);
    this.database = database;
    this.name = "InvalidDatabaseNameError";
  }
  database;
};
function checkDatabaseName(database) {
  if (!IDENTIFIER.test(database)) throw new InvalidDatabaseNameError(database);
  return database;
}
async function queryRows(client, query) {
  const result = await client.query({ query, format: "JSONEachRow" });
  return result.json();
}
export {
  InvalidDatabaseNameError,
  checkDatabaseName,
  createStorageClickHouseClient,
  queryRows
};
//# sourceMappingURL=clickhouse-client.js.map
