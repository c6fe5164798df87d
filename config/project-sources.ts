import type { Redis } from "ioredis";
import type { Clock } from "../pipelines/types.ts";
import { OptionError, type Options } from "./options.ts";
import { createRedisProjectConfigSource } from "./project-source-redis.ts";
import { loadProjectsFile, type ProjectConfigSource, StaticProjectConfigSource } from "./projects.ts";

// Where a consumer looks projects up (option projectSource): projectsFile, or the
// `<prefix>project:<id>` hashes in the consumer's own Redis. Relay-intake and grouping both
// choose the same way, and a consumer folder may not import another, so the choice is here.

export const PROJECT_SOURCES = ["file", "redis"] as const;
export type ProjectSourceKind = (typeof PROJECT_SOURCES)[number];

export function projectSourceKind(options: Pick<Options, "projectSource">): ProjectSourceKind {
  const kind = options.projectSource;
  if (!(PROJECT_SOURCES as ReadonlyArray<string>).includes(kind)) {
    throw new OptionError(
      "projectSource",
      "INGEST_PROJECT_SOURCE",
      `expected one of ${PROJECT_SOURCES.join(", ")}, got ${JSON.stringify(kind)}`,
    );
  }
  return kind as ProjectSourceKind;
}

/** The projects of `projectsFile`, loaded once. */
export async function fileProjectConfigSource(
  options: Pick<Options, "projectsFile">,
): Promise<ProjectConfigSource> {
  return new StaticProjectConfigSource(await loadProjectsFile(options.projectsFile));
}

/** Builds the project source once the consumer's Redis client exists. */
export type ProjectSourceOpener = (redis: Redis, clock: Clock) => ProjectConfigSource;

/**
 * A production consumer's project source, in two steps so that a bad `projectSource` or
 * projects file fails before the consumer connects to Redis: this checks the option and
 * loads the file; the opener it returns shares the consumer's client with projectSource=redis.
 */
export async function prepareProjectConfigSource(
  options: Pick<Options, "projectSource" | "projectsFile" | "redisKeyPrefix" | "projectConfigCacheTtlMs">,
): Promise<ProjectSourceOpener> {
  if (projectSourceKind(options) === "file") {
    const projects = await fileProjectConfigSource(options);
    return () => projects;
  }
  return (redis, clock) => createRedisProjectConfigSource(redis, options, clock);
}
