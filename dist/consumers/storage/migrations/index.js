// consumers/storage/migrations/index.ts
import { createErrors } from "./0001_create_errors.js";
import { createGroups } from "./0002_create_groups.js";
var CLICKHOUSE_MIGRATIONS = [createErrors, createGroups];
export {
  CLICKHOUSE_MIGRATIONS
};
//# sourceMappingURL=index.js.map
