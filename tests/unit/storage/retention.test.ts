import { describe, expect, it } from "vitest";
import { expiredPartitions } from "../../../consumers/storage/retention.ts";

describe("expiredPartitions", () => {
  const now = Date.UTC(2024, 3, 1, 12); // Monday 2024-04-01

  it("expires a partition once its week plus its retention is over", () => {
    const parts = ["(30,'2024-02-19')", "(30,'2024-02-26')", "(90,'2024-01-01')", "(90,'2023-12-25')"];
    // 2024-02-19 + 7 + 30 days = 2024-03-27 < 2024-04-01; 2024-02-26 + 37 = 2024-04-03 is not.
    // 2023-12-25 + 97 = 2024-03-31 < today; 2024-01-01 + 97 = 2024-04-07 is not.
    expect(expiredPartitions(parts, now)).toEqual([
      { retentionDays: 30, monday: "2024-02-19" },
      { retentionDays: 90, monday: "2023-12-25" },
    ]);
  });

  it("ignores partition ids it does not recognise", () => {
    expect(expiredPartitions(["tuple()", "201901", "(30, '2000-01-03')"], now)).toEqual([
      { retentionDays: 30, monday: "2000-01-03" },
    ]);
  });
});
