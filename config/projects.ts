import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigFileError, parseYamlWithSchema } from "./yaml-errors.ts";

// Projects and their per-project settings, as Sentry keeps them in project options:
// `sentry:grouping_config`, `sentry:grouping_enhancements` (stack-trace rules) and
// `sentry:fingerprinting_rules` (specs/grouping.md §1). `projects.yaml` is the source for
// `ingest dev` and the tests; production reads the same shape from Redis
// (`project-source-redis.ts`). Both consumers need it (relay-intake drops unknown
// projects, grouping needs the rules), so it lives here rather than in a consumer folder.

/** Sentry's default for new projects (specs/grouping.md §1). */
export const DEFAULT_GROUPING_CONFIG = "newstyle:2023-01-11";

export interface ProjectSettings {
  readonly id: number;
  readonly organizationId: number;
  readonly slug: string;
  /** DSN public keys (32 lowercase hex), for the dev HTTP intake's auth check. */
  readonly publicKeys: ReadonlyArray<string>;
  readonly groupingConfig: string;
  /** Project stack-trace rules (enhancements) text, appended to the config's base rules. */
  readonly stackTraceRules: string;
  /** Project fingerprint rules text. */
  readonly fingerprintRules: string;
}

/**
 * Where a consumer looks a project up. `undefined` means "no such project": consumers
 * dead-letter such events, so it must never stand for "could not ask" (that throws).
 */
export interface ProjectConfigSource {
  get(projectId: number): Promise<ProjectSettings | undefined>;
}

export const projectIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const publicKeySchema = z.string().regex(/^[0-9a-f]{32}$/, "expected 32 lowercase hex characters");
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "expected a slug: lowercase letters, digits, - and _, at most 50");
// Sentry's config ids look like `newstyle:2023-01-11` / `legacy:2019-03-12`; which ones
// are implemented is the grouping consumer's business, the file only checks the shape.
export const groupingConfigSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*:\d{4}-\d{2}-\d{2}$/, "expected a grouping config id like newstyle:2023-01-11");

export const projectSchema = z.strictObject({
  id: projectIdSchema,
  organizationId: projectIdSchema,
  slug: slugSchema,
  publicKeys: z.array(publicKeySchema).min(1, "a project needs at least one public key"),
  groupingConfig: groupingConfigSchema.default(DEFAULT_GROUPING_CONFIG),
  stackTraceRules: z.string().default(""),
  fingerprintRules: z.string().default(""),
});

const fileSchema = z
  .strictObject({
    version: z.literal(1),
    projects: z.array(projectSchema).min(1, "at least one project is required"),
  })
  .superRefine((file, ctx) => {
    const ids = new Map<number, number>();
    const keys = new Map<string, number>();
    const slugs = new Map<string, number>();
    file.projects.forEach((project, index) => {
      const seenId = ids.get(project.id);
      if (seenId !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["projects", index, "id"],
          message: `duplicate project id ${project.id} (also projects[${seenId}])`,
        });
      } else ids.set(project.id, index);
      const slugKey = `${project.organizationId}/${project.slug}`;
      const seenSlug = slugs.get(slugKey);
      if (seenSlug !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["projects", index, "slug"],
          message: `duplicate slug in organization ${project.organizationId} (also projects[${seenSlug}])`,
        });
      } else slugs.set(slugKey, index);
      project.publicKeys.forEach((key, keyIndex) => {
        const owner = keys.get(key);
        if (owner !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["projects", index, "publicKeys", keyIndex],
            message: `public key already belongs to projects[${owner}]`,
          });
        } else keys.set(key, index);
      });
    });
  });

/** The validated content of a projects file, indexed the two ways it is looked up. */
export class ProjectsFile {
  readonly projects: ReadonlyMap<number, ProjectSettings>;
  private readonly keys: ReadonlyMap<string, ProjectSettings>;

  constructor(projects: Iterable<ProjectSettings>) {
    const byId = new Map<number, ProjectSettings>();
    const byKey = new Map<string, ProjectSettings>();
    for (const project of projects) {
      byId.set(project.id, project);
      for (const key of project.publicKeys) byKey.set(key, project);
    }
    this.projects = byId;
    this.keys = byKey;
  }

  get(projectId: number): ProjectSettings | undefined {
    return this.projects.get(projectId);
  }

  byPublicKey(publicKey: string): ProjectSettings | undefined {
    return this.keys.get(publicKey);
  }
}

/** Validates projects YAML text; `file` names the source in error messages. */
export function parseProjects(text: string, file: string): ProjectsFile {
  const parsed = parseYamlWithSchema(text, file, fileSchema);
  return new ProjectsFile(parsed.projects.map((p) => Object.freeze({ ...p, publicKeys: [...p.publicKeys] })));
}

/** Reads and validates the projects file (option `projectsFile`). */
export async function loadProjectsFile(path: string): Promise<ProjectsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ConfigFileError(path, [{ path: "", line: 1, column: 1, message: "file not found" }]);
    }
    throw error;
  }
  return parseProjects(text, path);
}

/** Projects from a file: for `ingest dev` and tests. */
export class StaticProjectConfigSource implements ProjectConfigSource {
  constructor(private readonly file: ProjectsFile) {}

  async get(projectId: number): Promise<ProjectSettings | undefined> {
    return this.file.get(projectId);
  }
}
