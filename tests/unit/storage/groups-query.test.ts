import { describe, expect, it } from "vitest";
import { groupsOfProjectsQuery, QueryValueError } from "../../../consumers/storage/clickhouse-queries.ts";

describe("groupsOfProjectsQuery", () => {
  it("reads the groups of several projects in one query, each scoped by its project", () => {
    const query = groupsOfProjectsQuery(
      "ingest",
      new Map([
        [7, [1, 2]],
        [9, [1]],
      ]),
    );
    expect(query).toContain("FROM `ingest`.`groups` FINAL");
    expect(query).toContain("WHERE (project_id, group_id) IN ((7, 1), (7, 2), (9, 1))");
    expect(query.match(/SELECT/g)).toHaveLength(1);
  });

  it("refuses an id that is not a non-negative safe integer", () => {
    expect(() => groupsOfProjectsQuery("ingest", new Map([[-1, [1]]]))).toThrow(QueryValueError);
    expect(() => groupsOfProjectsQuery("ingest", new Map([[1, [1.5]]]))).toThrow(QueryValueError);
  });
});
