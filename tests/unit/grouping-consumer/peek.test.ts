import { readFileSync } from "node:fs";
import { it } from "vitest";
import { parse as parseLossless } from "lossless-json";
import { prepareEvent } from "../../../consumers/grouping/prepare.ts";
import { insertPayload } from "../../../consumers/grouping/eventstream-output.ts";
import { mapInsertToRow, rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { parseEventStreamMessage } from "../../../schemas/eventstream/codec.ts";
import { recordFor, testOptions } from "./harness.ts";
it("peek", async () => {
  for (const name of ["error-with-threads", "null-tag-keys", "sdk-info-java"]) {
  const fx = JSON.parse(readFileSync(`tests/unit/grouping-consumer/fixtures/${name}.json`, "utf8"));
  const data = fx[2].data; delete data.hashes;
  const rec = recordFor(data, 6036610);
  const p = prepareEvent({ record: rec, project: { projectId: 6036610, organizationId: 123, groupingConfig: "newstyle:2023-01-11", stackTraceRules: "", fingerprintRules: "" }, limits: { maxBytes: 1e7, maxDepth: 64 } });
  const kp = insertPayload(p, { groupId: 124, isNew: false, isNewGroupEnvironment: false, groupFirstSeen: p.timestamp }, { defaultRetentionDays: 90 });
  const m = parseEventStreamMessage(kp.value, { maxBytes: 1e8, maxDepth: 70 });
  const row = mapInsertToRow(m.body, { config: rowMappingConfig(testOptions()), kafka: { partition: 0, offset: 1, timestampMs: 1_706_645_526_000 } }) as any;
  const exp = (parseLossless(readFileSync(`tests/unit/grouping-consumer/fixtures/${name}.row.json`, "utf8"), null, (t: string) => Number.isSafeInteger(Number(t)) || /[.eE]/.test(t) ? Number(t) : t) as any[])[0];
  for (const k of new Set([...Object.keys(row), ...Object.keys(exp)])) {
    if (JSON.stringify(row[k] ?? null) !== JSON.stringify(exp[k] ?? null)) console.log(name, k, JSON.stringify(row[k]).slice(0,300), "| exp", JSON.stringify(exp[k]).slice(0,300));
  }
  console.log(name, "message", p.message);
  }
});
