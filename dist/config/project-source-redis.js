// config/project-source-redis.ts
import { z } from "zod";
import {
  groupingConfigSchema,
  publicKeySchema,
  slugSchema
} from "./projects.js";
import { pipelineResults, projectKeyPart, redisCall } from "./redis.js";
var ProjectConfigError = class extends Error {
  constructor(projectId, detail) {
    super(`project ${projectId}: invalid settings in Redis: ${detail}`);
    this.projectId = projectId;
    this.name = "ProjectConfigError";
  }
  projectId;
  reason = "invalid_project_config";
};
var hashSchema = z.object({
  organization_id: z.coerce.number().int().positive(),
  slug: slugSchema,
  public_keys: z.string().transform((s) => s.split(",").map((k) => k.trim())).pipe(z.array(publicKeySchema).min(1)),
  grouping_config: groupingConfigSchema,
  stack_trace_rules: z.string().default(""),
  fingerprint_rules: z.string().default("")
});
function projectSettingsKey(prefix, projectId) {
  return `${prefix}project:${projectKeyPart(projectId)}`;
}
async function writeProjectSettings(redis, prefix, project) {
  const key = projectSettingsKey(prefix, project.id);
  const results = await redisCall(
    "projects",
    "write",
    () => redis.multi().del(key).hset(key, {
      organization_id: String(project.organizationId),
      slug: project.slug,
      public_keys: project.publicKeys.join(","),
      grouping_config: project.groupingConfig,
      stack_trace_rules: project.stackTraceRules,
      fingerprint_rules: project.fingerprintRules
    }).exec()
  );
  pipelineResults(results, 2, "projects", "write");
}
function redisProjectHashReader(redis, prefix) {
  return async (projectId) => {
    const key = projectSettingsKey(prefix, projectId);
    const fields = await redisCall("projects", "get", () => redis.hgetall(key));
    return Object.keys(fields).length === 0 ? void 0 : fields;
  };
}
var CachedProjectConfigSource = class {
  constructor(read, ttlMs, clock) {
    this.read = read;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }
  read;
  ttlMs;
  clock;
  cache = /* @__PURE__ */ new Map();
  inFlight = /* @__PURE__ */ new Map();
  async get(projectId) {
    projectKeyPart(projectId);
    const cached = this.cache.get(projectId);
    if (cached && cached.expiresAt > this.clock.now()) return cached.settings;
    let pending = this.inFlight.get(projectId);
    if (!pending) {
      pending = this.load(projectId).finally(() => this.inFlight.delete(projectId));
      this.inFlight.set(projectId, pending);
    }
    return pending;
  }
  async load(projectId) {
    const fields = await this.read(projectId);
    const settings = fields === void 0 ? void 0 : parseHash(projectId, fields);
    this.cache.set(projectId, { settings, expiresAt: this.clock.now() + this.ttlMs });
    return settings;
  }
};
function parseHash(projectId, fields) {
  const parsed = hashSchema.safeParse(fields);
  if (!parsed.success) {
    throw new ProjectConfigError(
      projectId,
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")
    );
  }
  const p = parsed.data;
  return Object.freeze({
    id: projectId,
    organizationId: p.organization_id,
    slug: p.slug,
    publicKeys: p.public_keys,
    groupingConfig: p.grouping_config,
    stackTraceRules: p.stack_trace_rules,
    fingerprintRules: p.fingerprint_rules
  });
}
function createRedisProjectConfigSource(redis, options, clock) {
  return new CachedProjectConfigSource(
    redisProjectHashReader(redis, options.redisKeyPrefix),
    options.projectConfigCacheTtlMs,
    clock
  );
}
export {
  CachedProjectConfigSource,
  ProjectConfigError,
  createRedisProjectConfigSource,
  projectSettingsKey,
  redisProjectHashReader,
  writeProjectSettings
};
//# sourceMappingURL=project-source-redis.js.map
