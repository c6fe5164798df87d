// schemas/registry/manifest.ts
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";
import { z } from "zod";
var DEFAULT_SCHEMAS_DIR = fileURLToPath(new URL("../", import.meta.url));
var manifestSchema = z.object({
  $comment: z.string().optional(),
  subjects: z.record(
    z.string().min(1),
    z.object({
      schema: z.string().min(1),
      versions: z.array(
        z.object({
          version: z.number().int().positive(),
          id: z.number().int().positive(),
          file: z.string().min(1)
        })
      ).min(1)
    })
  )
});
var ManifestError = class extends Error {
  constructor(file, problems) {
    super(`${file}: ${problems.join("; ")}`);
    this.file = file;
    this.problems = problems;
    this.name = "ManifestError";
  }
  file;
  problems;
};
function parseAvroSchema(text) {
  return avro.Type.forSchema(JSON.parse(text), { wrapUnions: "auto" });
}
function loadSchemaManifest(dir = DEFAULT_SCHEMAS_DIR) {
  const file = path.join(dir, "manifest.json");
  let raw;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ManifestError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ManifestError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)
    );
  }
  const problems = [];
  const subjects = /* @__PURE__ */ new Map();
  const byId = /* @__PURE__ */ new Map();
  for (const [subject, entry] of Object.entries(parsed.data.subjects)) {
    const versions = [];
    entry.versions.forEach((v, index) => {
      if (v.version !== index + 1) {
        problems.push(
          `${subject}: versions must be 1, 2, 3... in order; entry ${index} is version ${v.version}`
        );
      }
      const taken = byId.get(v.id);
      if (taken)
        problems.push(`${subject} v${v.version}: id ${v.id} is already ${taken.subject} v${taken.version}`);
      const schemaPath = path.join(dir, v.file);
      if (!existsSync(schemaPath)) {
        problems.push(`${subject} v${v.version}: ${v.file} does not exist`);
        return;
      }
      const text = readFileSync(schemaPath, "utf8");
      let type;
      try {
        type = parseAvroSchema(text);
      } catch (error) {
        problems.push(
          `${v.file}: not a valid Avro schema: ${error instanceof Error ? error.message : error}`
        );
        return;
      }
      const version = { subject, version: v.version, id: v.id, file: v.file, text, type };
      versions.push(version);
      if (!taken) byId.set(v.id, version);
    });
    subjects.set(subject, { subject, schema: entry.schema, versions });
  }
  if (problems.length > 0) throw new ManifestError(file, problems);
  return { dir, subjects, byId };
}
export {
  DEFAULT_SCHEMAS_DIR,
  ManifestError,
  loadSchemaManifest,
  parseAvroSchema
};
//# sourceMappingURL=manifest.js.map
