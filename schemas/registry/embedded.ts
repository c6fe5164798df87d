import type avro from "avsc";
import { DEFAULT_SCHEMAS_DIR, loadSchemaManifest, parseAvroSchema, type SchemaManifest } from "./manifest.ts";
import { SchemaIncompatibleError, type SchemaRegistry, type SchemaVersion } from "./types.ts";

interface Entry {
  readonly id: number;
  readonly version: number;
  readonly text: string;
  readonly type: avro.Type;
}

/**
 * The registry used when no SCHEMA_REGISTRY_URL is set: the committed schemas with the ids
 * of schemas/manifest.json, so every process of a deployment (and every test) agrees on ids
 * without a server. `register` of a schema the manifest lacks works in memory (next free id,
 * backward-compatibility checked like a Confluent registry in BACKWARD_TRANSITIVE mode) and
 * is gone when the process exits: commit a new .avsc and manifest entry to make it stick.
 */
export class EmbeddedSchemaRegistry implements SchemaRegistry {
  readonly kind = "embedded";
  private readonly subjects = new Map<string, Entry[]>();
  private readonly byId = new Map<number, Entry>();

  constructor(manifest: SchemaManifest) {
    for (const [subject, entry] of manifest.subjects) {
      const versions = entry.versions.map((v) => ({
        id: v.id,
        version: v.version,
        text: v.text,
        type: v.type,
      }));
      this.subjects.set(subject, versions);
      for (const v of versions) this.byId.set(v.id, v);
    }
  }

  static fromDirectory(dir: string = DEFAULT_SCHEMAS_DIR): EmbeddedSchemaRegistry {
    return new EmbeddedSchemaRegistry(loadSchemaManifest(dir));
  }

  async register(subject: string, schema: string): Promise<number> {
    const type = parseAvroSchema(schema);
    const versions = this.subjects.get(subject) ?? [];
    const same = versions.find((v) => v.type.equals(type));
    if (same) return same.id;
    for (const older of versions) {
      try {
        type.createResolver(older.type);
      } catch (error) {
        throw new SchemaIncompatibleError(
          subject,
          `cannot read version ${older.version}: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
    const id = Math.max(0, ...this.byId.keys()) + 1;
    const entry: Entry = { id, version: versions.length + 1, text: schema, type };
    this.subjects.set(subject, [...versions, entry]);
    this.byId.set(id, entry);
    return id;
  }

  async getSchema(id: number): Promise<string | undefined> {
    return this.byId.get(id)?.text;
  }

  async latest(subject: string): Promise<SchemaVersion | undefined> {
    const versions = this.subjects.get(subject);
    const newest = versions?.[versions.length - 1];
    return newest ? { id: newest.id, version: newest.version, schema: newest.text } : undefined;
  }
}
