// consumers/grouping/project-config.ts
import { createRedisProjectConfigSource, ProjectConfigError } from "../../config/project-source-redis.js";
import { StaticProjectConfigSource } from "../../config/projects.js";
function groupingSettingsOf(project) {
  return {
    projectId: project.id,
    organizationId: project.organizationId,
    groupingConfig: project.groupingConfig,
    stackTraceRules: project.stackTraceRules,
    fingerprintRules: project.fingerprintRules
  };
}
async function groupingSettingsFor(source, projectId) {
  const project = await source.get(projectId);
  return project === void 0 ? void 0 : groupingSettingsOf(project);
}
export {
  ProjectConfigError,
  StaticProjectConfigSource,
  createRedisProjectConfigSource,
  groupingSettingsFor,
  groupingSettingsOf
};
//# sourceMappingURL=project-config.js.map
