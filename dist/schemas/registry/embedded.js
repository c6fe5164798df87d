// schemas/registry/embedded.ts
import { DEFAULT_SCHEMAS_DIR, loadSchemaManifest, parseAvroSchema } from "./manifest.js";
import { SchemaIncompatibleError } from "./types.js";
var EmbeddedSchemaRegistry = class _EmbeddedSchemaRegistry {
  kind = "embedded";
  subjects = /* @__PURE__ */ new Map();
  byId = /* @__PURE__ */ new Map();
  constructor(manifest) {
    for (const [subject, entry] of manifest.subjects) {
      const versions = entry.versions.map((v) => ({
        id: v.id,
        version: v.version,
        text: v.text,
        type: v.type
      }));
      this.subjects.set(subject, versions);
      for (const v of versions) this.byId.set(v.id, v);
    }
  }
  static fromDirectory(dir = DEFAULT_SCHEMAS_DIR) {
    return new _EmbeddedSchemaRegistry(loadSchemaManifest(dir));
  }
  async register(subject, schema) {
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
          `cannot read version ${older.version}: ${error instanceof Error ? error.message : error}`
        );
      }
    }
    const id = Math.max(0, ...this.byId.keys()) + 1;
    const entry = { id, version: versions.length + 1, text: schema, type };
    this.subjects.set(subject, [...versions, entry]);
    this.byId.set(id, entry);
    return id;
  }
  async getSchema(id) {
    return this.byId.get(id)?.text;
  }
  async latest(subject) {
    const versions = this.subjects.get(subject);
    const newest = versions?.[versions.length - 1];
    return newest ? { id: newest.id, version: newest.version, schema: newest.text } : void 0;
  }
};
export {
  EmbeddedSchemaRegistry
};
//# sourceMappingURL=embedded.js.map
