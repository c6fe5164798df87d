import { ProjectConfigError } from "../../config/project-source-redis.ts";
import type { ProjectConfigSource } from "../../config/projects.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { Message } from "../../pipelines/types.ts";
import { type IntakeItem, projectIdOf, type ResolvedItem } from "./decode.ts";
import { type StateRetry, untilStateAvailable } from "./state-retry.ts";

// The second step: the message's project must exist in the project config source. It runs
// per record, before batching, because an unknown project is a dead letter and only a
// broker value can be dead-lettered by the processor; that also puts unknown projects under
// the DLQ limits, so a project source that lost every project stops the consumer instead
// of dead-lettering the whole topic. Sources cache (absences too), so most lookups settle
// without I/O; a Redis outage is retried here like any other.

export async function resolveProject(
  message: Message<IntakeItem>,
  source: ProjectConfigSource,
  retry: StateRetry,
): Promise<ResolvedItem> {
  const value = message.value;
  if (value.kind !== "broker") throw new TypeError("the relay-intake chain reads broker records only");
  const item = value.payload;
  const projectId = projectIdOf(item);
  let project: Awaited<ReturnType<ProjectConfigSource["get"]>>;
  try {
    project = await untilStateAvailable("project", () => source.get(projectId), retry);
  } catch (error) {
    if (error instanceof ProjectConfigError) {
      throw new InvalidMessage(value.partition, value.offset, "invalid-project-config", error.message, {
        cause: error,
      });
    }
    throw error;
  }
  if (project === undefined) {
    throw new InvalidMessage(
      value.partition,
      value.offset,
      "unknown-project",
      `project ${projectId} is not known`,
    );
  }
  return { item, organizationId: project.organizationId };
}
