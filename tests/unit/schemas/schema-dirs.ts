import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EventNormalizedRecord, EventRawRecord } from "../../../schemas/avro/types.ts";
import { DEFAULT_SCHEMAS_DIR } from "../../../schemas/registry/manifest.ts";

// Temporary schemas folders (manifest.json + avro/*.avsc) for evolution tests.

export interface TempVersion {
  readonly subject: string;
  readonly schema: string;
  readonly version: number;
  readonly id: number;
  /** Avro schema as an object; written to avro/<schema>.v<version>.avsc. */
  readonly avro: unknown;
  /** Override the file name written into the manifest. */
  readonly file?: string;
}

export function writeSchemasDir(
  versions: ReadonlyArray<TempVersion>,
  extraFiles: Record<string, string> = {},
): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ingest-schemas-"));
  mkdirSync(path.join(dir, "avro"));
  const subjects: Record<
    string,
    { schema: string; versions: Array<{ version: number; id: number; file: string }> }
  > = {};
  for (const v of versions) {
    const file = v.file ?? `avro/${v.schema}.v${v.version}.avsc`;
    writeFileSync(path.join(dir, file), JSON.stringify(v.avro, null, 2));
    subjects[v.subject] ??= { schema: v.schema, versions: [] };
    subjects[v.subject]!.versions.push({ version: v.version, id: v.id, file });
  }
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ subjects }, null, 2));
  return dir;
}

/** The committed events-raw v1 schema as an object, to derive variants from. */
export function committedSchema(
  file: string,
): { fields: Array<Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(DEFAULT_SCHEMAS_DIR, "avro", file), "utf8"));
}

export function sampleRaw(overrides: Partial<EventRawRecord> = {}): EventRawRecord {
  return {
    kind: "event",
    event_id: "2107c4e968514c8690d3a3a24570c40d",
    project_id: 3,
    organization_id: null,
    source_topic: "ingest-events",
    start_time: 1709691573,
    received: 1709691573.415304,
    ingested_at_ms: 1709691573500,
    remote_addr: "172.18.0.1",
    client: "sentry.python/1.40.6",
    attachments: [
      {
        id: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        name: "screenshot.png",
        content_type: "application/png",
        attachment_type: "event.attachment",
        size: 100,
        chunks: 1,
        rate_limited: false,
        stored_key: "3/2107c4e968514c8690d3a3a24570c40d/bbbb",
        missing: false,
      },
    ],
    processing_errors: [{ type: "attachment_missing_chunks", name: "x.dmp", detail: null }],
    payload: '{"event_id":"2107c4e968514c8690d3a3a24570c40d","level":"info"}',
    ...overrides,
  };
}

export function sampleNormalized(overrides: Partial<EventNormalizedRecord> = {}): EventNormalizedRecord {
  const { attachments, processing_errors, ...raw } = sampleRaw();
  return {
    ...raw,
    platform: "python",
    type: "default",
    level: "info",
    timestamp: 1709691573.27258,
    release: null,
    environment: "production",
    retention_days: 90,
    attachments,
    processing_errors,
    ...overrides,
  };
}
