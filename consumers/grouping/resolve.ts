import { InvalidMessage } from "../../pipelines/errors.ts";
import type { KafkaPayload, Message } from "../../pipelines/types.ts";
import type { EventNormalizedRecord } from "../../schemas/avro/types.ts";
import type { Codec } from "../../schemas/codec.ts";
import { DecodeError } from "../../schemas/errors.ts";
import type { PayloadLimits } from "../../schemas/json-payload.ts";
import type { ResolvedEvent } from "./prepare.ts";
import { groupingSettingsFor, ProjectConfigError, type ProjectConfigSource } from "./project-config.ts";
import { decodeDlqReason, type GroupingDlqReason } from "./reasons.ts";
import { type Retry, untilAvailable } from "./state-retry.ts";

// The first step of the chain: an `events-normalized` record → the decoded record and its
// project's grouping settings, or an InvalidMessage for records that can never be grouped
// (bad bytes, a transaction, an unknown project). A registry or Redis that does not answer
// is waited out here, so the message is neither lost nor dead-lettered.

export interface ResolveDeps {
  readonly codec: Codec<EventNormalizedRecord>;
  readonly projects: ProjectConfigSource;
  readonly limits: PayloadLimits;
  readonly retry: Retry;
}

export async function resolveRecord(
  message: Message<KafkaPayload>,
  deps: ResolveDeps,
): Promise<ResolvedEvent> {
  const value = message.value;
  if (value.kind !== "broker") throw new TypeError("the grouping chain reads broker records only");
  const invalid = (reason: GroupingDlqReason, detail: string, cause?: unknown) =>
    new InvalidMessage(value.partition, value.offset, reason, detail, { cause });

  let record: EventNormalizedRecord;
  try {
    record = await untilAvailable("decode", () => deps.codec.decodeAsync(value.payload.value), deps.retry);
  } catch (error) {
    if (error instanceof DecodeError) {
      throw invalid(
        decodeDlqReason(error.reason, "avro"),
        error.path ? `${error.path}: ${error.detail}` : error.detail,
        error,
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

  let project: Awaited<ReturnType<typeof groupingSettingsFor>>;
  try {
    project = await untilAvailable(
      "project",
      () => groupingSettingsFor(deps.projects, projectId),
      deps.retry,
    );
  } catch (error) {
    if (error instanceof ProjectConfigError) throw invalid("invalid-project-config", error.message, error);
    throw error;
  }
  if (project === undefined) throw invalid("unknown-project", `project ${projectId} is not known`);
  return { record, project, limits: deps.limits };
}
