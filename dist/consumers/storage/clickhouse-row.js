// consumers/storage/clickhouse-row.ts
import { ipv4ToNumber } from "./coerce.js";
function bit(value) {
  return value === null ? null : Number(value);
}
function toClickHouseErrorRow(row) {
  return {
    ...row,
    platform: row.platform ?? "",
    ip_address_v4: row.ip_address_v4 === null ? null : ipv4ToNumber(row.ip_address_v4),
    "exception_frames.in_app": row["exception_frames.in_app"].map(bit),
    exception_main_thread: bit(row.exception_main_thread)
  };
}
export {
  toClickHouseErrorRow
};
//# sourceMappingURL=clickhouse-row.js.map
