import { describe, expect, it } from "vitest";
import { mapGroupRow, mergeGroupRows } from "../../../consumers/storage/group-row.ts";
import { RowMappingError } from "../../../consumers/storage/row-errors.ts";
import { insertBody } from "./helpers.ts";

const grouped = insertBody(
  { group_id: 124, primary_hash: "7956a3c218a27566572b64cad9f2b3e7" },
  {
    hashes: ["7956a3c218a27566572b64cad9f2b3e7", "507662f072d47719837844a6f3f579c4"],
    title: "Exception: Some exception.",
    culprit: "MainActivity.capture_exception",
    metadata: { type: "Exception", value: "Some exception." },
    level: "fatal",
  },
);

describe("mapGroupRow", () => {
  it("takes the grouping output Sentry puts on the insert body", () => {
    expect(mapGroupRow(grouped)).toEqual({
      project_id: 1,
      group_id: 124,
      primary_hash: "7956a3c218a27566572b64cad9f2b3e7",
      hashes: ["7956a3c218a27566572b64cad9f2b3e7", "507662f072d47719837844a6f3f579c4"],
      first_seen: 1677512412,
      last_seen: 1677512412,
      times_seen: 1,
      title: "Exception: Some exception.",
      culprit: "MainActivity.capture_exception",
      level: "fatal",
      metadata: '{"type":"Exception","value":"Some exception."}',
      version: 1677512412223,
    });
  });

  it("uses group_first_seen, adds the primary hash to hashes and falls back to the level tag", () => {
    const row = mapGroupRow(
      insertBody({ group_first_seen: "2023-01-01T00:00:00.000000Z" }, { tags: [["level", "warning"]] }),
    );
    expect([row.first_seen, row.hashes, row.level]).toEqual([
      1672531200,
      ["061cf02b26374d108694d6643a7a2f4e"],
      "warning",
    ]);
    expect(mapGroupRow(insertBody()).level).toBe("error");
  });

  it("rejects a body without group_id", () => {
    expect(() => mapGroupRow({ ...insertBody(), group_id: undefined })).toThrow(RowMappingError);
  });
});

describe("mergeGroupRows", () => {
  const base = mapGroupRow(grouped);
  const later = {
    ...base,
    last_seen: base.last_seen + 60,
    first_seen: base.last_seen + 60,
    title: "New title",
    hashes: ["h3"],
    version: base.version + 60_000,
  };
  const earlier = {
    ...base,
    last_seen: base.last_seen - 60,
    first_seen: base.last_seen - 60,
    title: "Old title",
    version: base.version - 60_000,
  };

  it("widens first/last seen, adds counts, unites hashes and keeps the latest display fields", () => {
    const merged = mergeGroupRows(undefined, [base, later, earlier]);
    expect(merged).toMatchObject({
      first_seen: base.first_seen - 60,
      last_seen: base.last_seen + 60,
      times_seen: 3,
      title: "New title",
      hashes: [...base.hashes, "h3"],
      version: later.version,
    });
  });

  it("keeps the stored primary hash and always outranks the stored version", () => {
    const stored = { ...later, primary_hash: "stored", times_seen: 10 };
    const merged = mergeGroupRows(stored, [earlier]);
    expect([merged.primary_hash, merged.times_seen, merged.title, merged.version]).toEqual([
      "stored",
      11,
      "New title",
      later.version + 1,
    ]);
  });
});
