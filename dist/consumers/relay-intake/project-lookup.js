// consumers/relay-intake/project-lookup.ts
import { ProjectConfigError } from "../../config/project-source-redis.js";
import { InvalidMessage } from "../../pipelines/errors.js";
import { decodeIntakeRecord, projectIdOf } from "./decode.js";
import { untilStateAvailable } from "./state-retry.js";
async function intakeRecord(record, limits, source, retry) {
  const item = decodeIntakeRecord(record, limits);
  const projectId = projectIdOf(item);
  let project;
  try {
    project = await untilStateAvailable("project", () => source.get(projectId), retry);
  } catch (error) {
    if (error instanceof ProjectConfigError) {
      throw new InvalidMessage(record.partition, record.offset, "invalid-project-config", error.message, {
        cause: error
      });
    }
    throw error;
  }
  if (project === void 0) {
    throw new InvalidMessage(
      record.partition,
      record.offset,
      "unknown-project",
      `project ${projectId} is not known`
    );
  }
  return { item, organizationId: project.organizationId };
}
export {
  intakeRecord
};
//# sourceMappingURL=project-lookup.js.map
