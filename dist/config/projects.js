// config/projects.ts
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigFileError, parseYamlWithSchema } from "./yaml-errors.js";
var DEFAULT_GROUPING_CONFIG = "newstyle:2023-01-11";
var projectIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
var publicKeySchema = z.string().regex(/^[0-9a-f]{32}$/, "expected 32 lowercase hex characters");
var slugSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "expected a slug: lowercase letters, digits, - and _, at most 50");
var groupingConfigSchema = z.string().regex(/^[a-z][a-z0-9_]*:\d{4}-\d{2}-\d{2}$/, "expected a grouping config id like newstyle:2023-01-11");
var projectSchema = z.strictObject({
  id: projectIdSchema,
  organizationId: projectIdSchema,
  slug: slugSchema,
  publicKeys: z.array(publicKeySchema).min(1, "a project needs at least one public key"),
  groupingConfig: groupingConfigSchema.default(DEFAULT_GROUPING_CONFIG),
  stackTraceRules: z.string().default(""),
  fingerprintRules: z.string().default("")
});
var fileSchema = z.strictObject({
  version: z.literal(1),
  projects: z.array(projectSchema).min(1, "at least one project is required")
}).superRefine((file, ctx) => {
  const ids = /* @__PURE__ */ new Map();
  const keys = /* @__PURE__ */ new Map();
  const slugs = /* @__PURE__ */ new Map();
  file.projects.forEach((project, index) => {
    const seenId = ids.get(project.id);
    if (seenId !== void 0) {
      ctx.addIssue({
        code: "custom",
        path: ["projects", index, "id"],
        message: `duplicate project id ${project.id} (also projects[${seenId}])`
      });
    } else ids.set(project.id, index);
    const slugKey = `${project.organizationId}/${project.slug}`;
    const seenSlug = slugs.get(slugKey);
    if (seenSlug !== void 0) {
      ctx.addIssue({
        code: "custom",
        path: ["projects", index, "slug"],
        message: `duplicate slug in organization ${project.organizationId} (also projects[${seenSlug}])`
      });
    } else slugs.set(slugKey, index);
    project.publicKeys.forEach((key, keyIndex) => {
      const owner = keys.get(key);
      if (owner !== void 0) {
        ctx.addIssue({
          code: "custom",
          path: ["projects", index, "publicKeys", keyIndex],
          message: `public key already belongs to projects[${owner}]`
        });
      } else keys.set(key, index);
    });
  });
});
var ProjectsFile = class {
  projects;
  keys;
  constructor(projects) {
    const byId = /* @__PURE__ */ new Map();
    const byKey = /* @__PURE__ */ new Map();
    for (const project of projects) {
      byId.set(project.id, project);
      for (const key of project.publicKeys) byKey.set(key, project);
    }
    this.projects = byId;
    this.keys = byKey;
  }
  get(projectId) {
    return this.projects.get(projectId);
  }
  byPublicKey(publicKey) {
    return this.keys.get(publicKey);
  }
};
function parseProjects(text, file) {
  const parsed = parseYamlWithSchema(text, file, fileSchema);
  return new ProjectsFile(parsed.projects.map((p) => Object.freeze({ ...p, publicKeys: [...p.publicKeys] })));
}
async function loadProjectsFile(path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") {
      throw new ConfigFileError(path, [{ path: "", line: 1, column: 1, message: "file not found" }]);
    }
    throw error;
  }
  return parseProjects(text, path);
}
var StaticProjectConfigSource = class {
  constructor(file) {
    this.file = file;
  }
  file;
  async get(projectId) {
    return this.file.get(projectId);
  }
};
export {
  DEFAULT_GROUPING_CONFIG,
  ProjectsFile,
  StaticProjectConfigSource,
  groupingConfigSchema,
  loadProjectsFile,
  parseProjects,
  projectIdSchema,
  projectSchema,
  publicKeySchema,
  slugSchema
};
//# sourceMappingURL=projects.js.map
