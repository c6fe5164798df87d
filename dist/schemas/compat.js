// schemas/compat.ts
import { readdirSync } from "node:fs";
import path from "node:path";
import {
  DEFAULT_SCHEMAS_DIR,
  loadSchemaManifest,
  ManifestError
} from "./registry/manifest.js";
import { valueSubject } from "./registry/types.js";
var VERSIONED_FILE = /^(.+)\.v(\d+)\.avsc$/;
function checkSchemas(dir = DEFAULT_SCHEMAS_DIR, topics = []) {
  let manifest;
  try {
    manifest = loadSchemaManifest(dir);
  } catch (error) {
    if (error instanceof ManifestError) {
      return {
        problems: error.problems.map((message) => ({ where: "manifest.json", message })),
        versions: 0
      };
    }
    throw error;
  }
  const problems = [];
  let versions = 0;
  for (const subject of manifest.subjects.values()) {
    for (const [index, newer] of subject.versions.entries()) {
      versions++;
      const expectedFile = `avro/${subject.schema}.v${newer.version}.avsc`;
      if (newer.file !== expectedFile) {
        problems.push({
          where: subject.subject,
          message: `v${newer.version} is ${newer.file}, expected ${expectedFile}`
        });
      }
      for (const older of subject.versions.slice(0, index)) {
        try {
          newer.type.createResolver(older.type);
        } catch (error) {
          problems.push({
            where: `${subject.subject} (${newer.file})`,
            message: `not backward compatible: v${newer.version} cannot read data written with v${older.version}: ${error instanceof Error ? error.message : error}`
          });
        }
      }
    }
  }
  const listed = new Set([...manifest.byId.values()].map((v) => v.file));
  for (const file of listAvsc(path.join(dir, "avro"))) {
    if (!listed.has(`avro/${file}`)) {
      problems.push({
        where: `avro/${file}`,
        message: "not listed in manifest.json (a version nobody can register)"
      });
    }
    if (!VERSIONED_FILE.test(file)) {
      problems.push({ where: `avro/${file}`, message: "name is not <schema>.v<N>.avsc" });
    }
  }
  for (const topic of topics) {
    if (topic.codec !== "avro") continue;
    const subject = valueSubject(topic.name);
    const entry = manifest.subjects.get(subject);
    if (!topic.schema) {
      problems.push({ where: `topology ${topic.name}`, message: "avro topic without a schema: key" });
    } else if (!entry) {
      problems.push({ where: `topology ${topic.name}`, message: `manifest.json has no subject ${subject}` });
    } else if (entry.schema !== topic.schema) {
      problems.push({
        where: `topology ${topic.name}`,
        message: `schema ${topic.schema}, but manifest subject ${subject} is schema ${entry.schema}`
      });
    }
  }
  return { problems, versions, manifest };
}
function listAvsc(dir) {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".avsc"));
  } catch (error) {
    if (error.code === "ENOENT") return [];
    throw error;
  }
}
export {
  checkSchemas
};
//# sourceMappingURL=compat.js.map
