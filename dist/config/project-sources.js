// config/project-sources.ts
import { OptionError } from "./options.js";
import { createRedisProjectConfigSource } from "./project-source-redis.js";
import { loadProjectsFile, StaticProjectConfigSource } from "./projects.js";
var PROJECT_SOURCES = ["file", "redis"];
function projectSourceKind(options) {
  const kind = options.projectSource;
  if (!PROJECT_SOURCES.includes(kind)) {
    throw new OptionError(
      "projectSource",
      "INGEST_PROJECT_SOURCE",
      `expected one of ${PROJECT_SOURCES.join(", ")}, got ${JSON.stringify(kind)}`
    );
  }
  return kind;
}
async function fileProjectConfigSource(options) {
  return new StaticProjectConfigSource(await loadProjectsFile(options.projectsFile));
}
async function prepareProjectConfigSource(options) {
  if (projectSourceKind(options) === "file") {
    const projects = await fileProjectConfigSource(options);
    return () => projects;
  }
  return (redis, clock) => createRedisProjectConfigSource(redis, options, clock);
}
export {
  PROJECT_SOURCES,
  fileProjectConfigSource,
  prepareProjectConfigSource,
  projectSourceKind
};
//# sourceMappingURL=project-sources.js.map
