import type { Redis } from "ioredis";
import { z } from "zod";
import type { Clock } from "../pipelines/types.ts";
import type { Options } from "./options.ts";
import {
  groupingConfigSchema,
  type ProjectConfigSource,
  type ProjectSettings,
  publicKeySchema,
  slugSchema,
} from "./projects.ts";
import { pipelineResults, projectKeyPart, redisCall } from "./redis.ts";

// Production project settings: one Redis hash per project, `<prefix>project:<id>`,
// written by whatever owns projects (a sync job, or `writeProjectSettings` in tests):
//   organization_id     integer
//   slug                string
//   public_keys         comma-separated 32-hex keys
//   grouping_config     e.g. newstyle:2023-01-11
//   stack_trace_rules   text (may be empty)
//   fingerprint_rules   text (may be empty)
// Lookups are cached in process for `projectConfigCacheTtlMs`, absences too: a burst of
// events for an unknown project must not turn into a burst of Redis reads. A settings
// change therefore takes up to one TTL to reach every consumer, as with Relay's
// project config cache.

/** A stored project hash that does not validate. Not retryable: fix the hash. */
export class ProjectConfigError extends Error {
  readonly reason = "invalid_project_config";
  constructor(
    readonly projectId: number,
    detail: string,
  ) {
    super(`project ${projectId}: invalid settings in Redis: ${detail}`);
    this.name = "ProjectConfigError";
  }
}

const hashSchema = z.object({
  organization_id: z.coerce.number().int().positive(),
  slug: slugSchema,
  public_keys: z
    .string()
    .transform((s) => s.split(",").map((k) => k.trim()))
    .pipe(z.array(publicKeySchema).min(1)),
  grouping_config: groupingConfigSchema,
  stack_trace_rules: z.string().default(""),
  fingerprint_rules: z.string().default(""),
});

export function projectSettingsKey(prefix: string, projectId: number): string {
  return `${prefix}project:${projectKeyPart(projectId)}`;
}

/** Writes a project's settings hash (seeding, tests, a future sync command). */
export async function writeProjectSettings(
  redis: Redis,
  prefix: string,
  project: ProjectSettings,
): Promise<void> {
  const key = projectSettingsKey(prefix, project.id);
  // MULTI: a reader never sees the hash between DEL and HSET (an "unknown project").
  const results = await redisCall("projects", "write", () =>
    redis
      .multi()
      .del(key)
      .hset(key, {
        organization_id: String(project.organizationId),
        slug: project.slug,
        public_keys: project.publicKeys.join(","),
        grouping_config: project.groupingConfig,
        stack_trace_rules: project.stackTraceRules,
        fingerprint_rules: project.fingerprintRules,
      })
      .exec(),
  );
  pipelineResults(results, 2, "projects", "write");
}

/** Reads a project hash; `undefined` when the project does not exist. */
export type ProjectHashReader = (projectId: number) => Promise<Record<string, string> | undefined>;

export function redisProjectHashReader(redis: Redis, prefix: string): ProjectHashReader {
  return async (projectId) => {
    const key = projectSettingsKey(prefix, projectId);
    const fields = await redisCall("projects", "get", () => redis.hgetall(key));
    return Object.keys(fields).length === 0 ? undefined : fields;
  };
}

interface CacheEntry {
  readonly settings: ProjectSettings | undefined;
  readonly expiresAt: number;
}

export class CachedProjectConfigSource implements ProjectConfigSource {
  private readonly cache = new Map<number, CacheEntry>();
  private readonly inFlight = new Map<number, Promise<ProjectSettings | undefined>>();

  constructor(
    private readonly read: ProjectHashReader,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(projectId: number): Promise<ProjectSettings | undefined> {
    projectKeyPart(projectId);
    const cached = this.cache.get(projectId);
    if (cached && cached.expiresAt > this.clock.now()) return cached.settings;
    // One read per project at a time: a batch of events for one project shares it.
    let pending = this.inFlight.get(projectId);
    if (!pending) {
      pending = this.load(projectId).finally(() => this.inFlight.delete(projectId));
      this.inFlight.set(projectId, pending);
    }
    return pending;
  }

  private async load(projectId: number): Promise<ProjectSettings | undefined> {
    const fields = await this.read(projectId);
    const settings = fields === undefined ? undefined : parseHash(projectId, fields);
    this.cache.set(projectId, { settings, expiresAt: this.clock.now() + this.ttlMs });
    return settings;
  }
}

function parseHash(projectId: number, fields: Record<string, string>): ProjectSettings {
  const parsed = hashSchema.safeParse(fields);
  if (!parsed.success) {
    throw new ProjectConfigError(
      projectId,
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
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
    fingerprintRules: p.fingerprint_rules,
  });
}

/** The production source: Redis hashes behind a short in-process cache. */
export function createRedisProjectConfigSource(
  redis: Redis,
  options: Pick<Options, "redisKeyPrefix" | "projectConfigCacheTtlMs">,
  clock: Clock,
): CachedProjectConfigSource {
  return new CachedProjectConfigSource(
    redisProjectHashReader(redis, options.redisKeyPrefix),
    options.projectConfigCacheTtlMs,
    clock,
  );
}
