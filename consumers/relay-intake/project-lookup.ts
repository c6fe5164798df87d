import { ProjectConfigError } from "../../config/project-source-redis.ts";
import type { ProjectConfigSource, ProjectSettings } from "../../config/projects.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { decodeIntakeRecord, type IntakeLimits, projectIdOf, type ResolvedItem } from "./decode.ts";
import { type StateRetry, untilStateAvailable } from "./state-retry.ts";

// The per-record step: decode and check the record (decode.ts), then make sure its project
// exists in the project config source. An unknown project is a dead letter, and only a
// broker value can be dead-lettered by the processor, so this runs before batching; that
// also puts unknown projects under the DLQ limits, so a project source that lost every
// project stops the consumer instead of dead-lettering the whole topic.
//
// Decoding and the lookup are one step on purpose: the processor's DLQ buffer expects a
// partition's invalid records in offset order, and two steps that both raise InvalidMessage
// (a synchronous one ahead of an asynchronous one) would report a later record first.
// Sources cache (absences too), so most lookups settle without I/O; a Redis outage is
// retried here like any other.

export async function intakeRecord(
  record: BrokerValue<KafkaPayload>,
  limits: IntakeLimits,
  source: ProjectConfigSource,
  retry: StateRetry,
): Promise<ResolvedItem> {
  const item = decodeIntakeRecord(record, limits);
  const projectId = projectIdOf(item);
  let project: ProjectSettings | undefined;
  try {
    project = await untilStateAvailable("project", () => source.get(projectId), retry);
  } catch (error) {
    if (error instanceof ProjectConfigError) {
      throw new InvalidMessage(record.partition, record.offset, "invalid-project-config", error.message, {
        cause: error,
      });
    }
    throw error;
  }
  if (project === undefined) {
    throw new InvalidMessage(
      record.partition,
      record.offset,
      "unknown-project",
      `project ${projectId} is not known`,
    );
  }
  return { item, organizationId: project.organizationId };
}
