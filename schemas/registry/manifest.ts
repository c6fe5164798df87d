import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";
import { z } from "zod";

// schemas/manifest.json: which .avsc file is which version of which subject, and the id the
// embedded registry serves it under. Loading it parses every schema with avsc, so a broken
// file fails here with its name rather than later inside a codec.

/** The schemas/ folder of this checkout. */
export const DEFAULT_SCHEMAS_DIR = fileURLToPath(new URL("../", import.meta.url));

const manifestSchema = z.object({
  $comment: z.string().optional(),
  subjects: z.record(
    z.string().min(1),
    z.object({
      schema: z.string().min(1),
      versions: z
        .array(
          z.object({
            version: z.number().int().positive(),
            id: z.number().int().positive(),
            file: z.string().min(1),
          }),
        )
        .min(1),
    }),
  ),
});

export type ManifestFile = z.infer<typeof manifestSchema>;

export interface ManifestVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** Path relative to the schemas folder, e.g. `avro/events-raw.v1.avsc`. */
  readonly file: string;
  /** The file's text, as registered. */
  readonly text: string;
  readonly type: avro.Type;
}

export interface ManifestSubject {
  readonly subject: string;
  /** Schema family name, the `schema:` key of avro topics in topology.yaml. */
  readonly schema: string;
  /** Ascending by version. */
  readonly versions: ReadonlyArray<ManifestVersion>;
}

export interface SchemaManifest {
  readonly dir: string;
  readonly subjects: ReadonlyMap<string, ManifestSubject>;
  readonly byId: ReadonlyMap<number, ManifestVersion>;
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ReadonlyArray<string>,
  ) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "ManifestError";
  }
}

/** Options for every avsc type built from our schemas, in one place. */
export function parseAvroSchema(text: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(text) as avro.Schema, { wrapUnions: "auto" });
}

/**
 * Reads and checks the manifest: unique ids, versions 1..n in order, files present and valid
 * Avro. Throws `ManifestError` listing every problem.
 */
export function loadSchemaManifest(dir: string = DEFAULT_SCHEMAS_DIR): SchemaManifest {
  const file = path.join(dir, "manifest.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ManifestError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ManifestError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const subjects = new Map<string, ManifestSubject>();
  const byId = new Map<number, ManifestVersion>();
  for (const [subject, entry] of Object.entries(parsed.data.subjects)) {
    const versions: ManifestVersion[] = [];
    entry.versions.forEach((v, index) => {
      if (v.version !== index + 1) {
        problems.push(
          `${subject}: versions must be 1, 2, 3... in order; entry ${index} is version ${v.version}`,
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
      let type: avro.Type;
      try {
        type = parseAvroSchema(text);
      } catch (error) {
        problems.push(
          `${v.file}: not a valid Avro schema: ${error instanceof Error ? error.message : error}`,
        );
        return;
      }
      const version: ManifestVersion = { subject, version: v.version, id: v.id, file: v.file, text, type };
      versions.push(version);
      if (!taken) byId.set(v.id, version);
    });
    subjects.set(subject, { subject, schema: entry.schema, versions });
  }
  if (problems.length > 0) throw new ManifestError(file, problems);
  return { dir, subjects, byId };
}
