// consumers/grouping/resolve.ts
import { InvalidMessage } from "../../pipelines/errors.js";
import { DecodeError } from "../../schemas/errors.js";
import { groupingSettingsFor, ProjectConfigError } from "./project-config.js";
import { decodeDlqReason } from "./reasons.js";
import { untilAvailable } from "./state-retry.js";
async function resolveRecord(message, deps) {
  const value = message.value;
  if (value.kind !== "broker") throw new TypeError("the grouping chain reads broker records only");
  const invalid = (reason, detail, cause) => new InvalidMessage(value.partition, value.offset, reason, detail, { cause });
  let record;
  try {
    record = await untilAvailable("decode", () => deps.codec.decodeAsync(value.payload.value), deps.retry);
  } catch (error) {
    if (error instanceof DecodeError) {
      throw invalid(
        decodeDlqReason(error.reason, "avro"),
        error.path ? `${error.path}: ${error.detail}` : error.detail,
        error
      );
    }
    throw error;
  }
  if (record.kind !== "event") {
    throw invalid("unsupported-event-kind", `${record.kind} records are not grouped as errors`);
  }
  const projectId = record.project_id;
  if (!Number.isSafeInteger(projectId) || projectId < 0) {
    throw invalid("invalid-project-id", `project id ${projectId} is not a non-negative integer`);
  }
  let project;
  try {
    project = await untilAvailable(
      "project",
      () => groupingSettingsFor(deps.projects, projectId),
      deps.retry
    );
  } catch (error) {
    if (error instanceof ProjectConfigError) throw invalid("invalid-project-config", error.message, error);
    throw error;
  }
  if (project === void 0) throw invalid("unknown-project", `project ${projectId} is not known`);
  return { record, project, limits: deps.limits };
}
export {
  resolveRecord
};
//# sourceMappingURL=resolve.js.map
