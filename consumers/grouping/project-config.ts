import type { ProjectConfigSource, ProjectSettings } from "../../config/projects.ts";

// What grouping needs from a project's settings (specs/grouping.md §1): the config id
// (`sentry:grouping_config`) and the project's own stack-trace and fingerprint rules
// (`sentry:grouping_enhancements`, `sentry:fingerprinting_rules`). The sources live in
// config/ because relay-intake reads the same projects: `StaticProjectConfigSource`
// (projects.yaml, for `ingest dev` and tests) and `createRedisProjectConfigSource`
// (production, `<prefix>project:<id>` hashes behind a short cache).

export { createRedisProjectConfigSource, ProjectConfigError } from "../../config/project-source-redis.ts";
export type { ProjectConfigSource, ProjectSettings } from "../../config/projects.ts";
export { StaticProjectConfigSource } from "../../config/projects.ts";

export interface GroupingSettings {
  readonly projectId: number;
  readonly organizationId: number;
  readonly groupingConfig: string;
  readonly stackTraceRules: string;
  readonly fingerprintRules: string;
}

export function groupingSettingsOf(project: ProjectSettings): GroupingSettings {
  return {
    projectId: project.id,
    organizationId: project.organizationId,
    groupingConfig: project.groupingConfig,
    stackTraceRules: project.stackTraceRules,
    fingerprintRules: project.fingerprintRules,
  };
}

/**
 * The grouping settings of `projectId`, or `undefined` for a project that does not
 * exist (the consumer dead-letters its events). Lookup failures throw (retryable
 * `StateUnavailableError`, or `ProjectConfigError` for a malformed stored project).
 */
export async function groupingSettingsFor(
  source: ProjectConfigSource,
  projectId: number,
): Promise<GroupingSettings | undefined> {
  const project = await source.get(projectId);
  return project === undefined ? undefined : groupingSettingsOf(project);
}
