import { randomBytes } from "node:crypto";
import { loadOptions, type Options } from "../../config/options.ts";
import { kafkaBackend } from "../../consumers/backends.ts";
import type { ConsumerSettings } from "../../consumers/definition.ts";
import { relayIntakeConsumer } from "../../consumers/relay-intake/definition.ts";
import { type RunningConsumer, startConsumer } from "../../consumers/runner.ts";
import type { Logger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import type { KafkaPayload } from "../../pipelines/types.ts";
import { relayAttachment, relayEventMessage } from "../../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../../schemas/relay/codec.ts";

// Shared by relay-intake.test.ts and the consumer process it kills (relay-intake.child.ts):
// one run's topics, group and Redis prefix, the production consumer started from them, and
// the Relay-shaped workload.

export interface IntakeRunConfig {
  readonly eventsTopic: string;
  readonly attachmentsTopic: string;
  readonly eventsRawTopic: string;
  readonly userReportsTopic: string;
  readonly eventsDlq: string;
  readonly attachmentsDlq: string;
  readonly groupId: string;
  readonly redisKeyPrefix: string;
  readonly projectsFile: string;
  readonly attachmentStoreDir: string;
  /** Overrides the 200 ms commit interval (a crash test keeps everything uncommitted). */
  readonly commitIntervalMs?: number;
}

export const PROJECTS_YAML = `version: 1
projects:
  - id: 1
    organizationId: 1
    slug: it-one
    publicKeys: [e12d836b15bb49d7bbf99e64295d995b]
  - id: 2
    organizationId: 1
    slug: it-two
    publicKeys: [0f6a1c2e3d4b5a69788796a5b4c3d2e1]
`;

export function intakeSettings(config: IntakeRunConfig): ConsumerSettings {
  return {
    name: "relay-intake",
    groupId: config.groupId,
    inputs: [config.eventsTopic, config.attachmentsTopic],
    outputs: [config.eventsRawTopic, config.userReportsTopic],
    dlq: new Map([
      [config.eventsTopic, config.eventsDlq],
      [config.attachmentsTopic, config.attachmentsDlq],
    ]),
    maxBatchSize: 500,
    maxBatchTimeMs: 200,
    concurrency: 1,
  };
}

export function intakeOptions(config: IntakeRunConfig): Options {
  return loadOptions(process.env, {
    redisKeyPrefix: config.redisKeyPrefix,
    projectSource: "file",
    projectsFile: config.projectsFile,
    attachmentStoreDir: config.attachmentStoreDir,
    kafkaFetchMaxWaitMs: 100,
    kafkaSessionTimeoutMs: 10_000,
    commitIntervalMs: config.commitIntervalMs ?? 200,
    joinTimeoutMs: 15_000,
    autoOffsetReset: "earliest",
    lagRefreshIntervalMs: 0,
  });
}

/** The consumer as `ingest consumer run relay-intake` runs it: production resources, Kafka backend. */
export async function startIntakeConsumer(config: IntakeRunConfig, logger: Logger): Promise<RunningConsumer> {
  const options = intakeOptions(config);
  const metrics = createMetrics();
  const backend = kafkaBackend(options, { logger, metrics });
  const running = await startConsumer(relayIntakeConsumer, {
    settings: intakeSettings(config),
    options,
    backend,
    mode: "production",
    metrics,
    logger,
  });
  const done = running.done.finally(() => backend.close());
  return { ...running, done };
}

export interface Workload {
  /** Chunks first: every chunk precedes the event naming it, whatever the partition. */
  readonly chunks: Array<{ topic: string; payload: KafkaPayload }>;
  readonly messages: Array<{ topic: string; payload: KafkaPayload }>;
  readonly uniqueEvents: ReadonlySet<string>;
  readonly withAttachments: ReadonlySet<string>;
}

export function eventIdOf(n: number, salt: string): string {
  return `${salt}${n.toString(16).padStart(32 - salt.length, "0")}`;
}

/**
 * `unique` events of about 1 KB (Relay-normalized shape), 5% sent twice (a second record
 * with the same event id about 1000 records later, as after a Relay retry), 2% with a
 * 2-chunk attachment (chunks and event on the attachments topic, as Relay routes them).
 */
export function relayWorkload(config: IntakeRunConfig, unique: number): Workload {
  const salt = randomBytes(4).toString("hex");
  const chunks: Workload["chunks"] = [];
  // Sorted by position at the end: a duplicate follows its original about 1000 records later.
  const placed: Array<{ at: number; message: Workload["messages"][number] }> = [];
  const uniqueEvents = new Set<string>();
  const withAttachments = new Set<string>();
  for (let n = 0; n < unique; n++) {
    const eventId = eventIdOf(n, salt);
    uniqueEvents.add(eventId);
    const key = eventIdToKey(eventId);
    let topic = config.eventsTopic;
    let attachments: ReturnType<typeof relayAttachment>["descriptor"][] = [];
    if (n % 50 === 7) {
      const attachment = relayAttachment({
        eventId,
        projectId: 1 + (n % 2),
        id: `${eventId.slice(0, 8)}-att`,
        data: Buffer.from(`attachment of ${eventId} `.repeat(8)),
        filename: "log.txt",
        chunkSize: 128,
        standalone: false,
      });
      for (const chunk of attachment.chunks) {
        chunks.push({
          topic: config.attachmentsTopic,
          payload: { key, value: encodeRelayMessage(chunk), headers: [] },
        });
      }
      attachments = [attachment.descriptor];
      topic = config.attachmentsTopic;
      withAttachments.add(eventId);
    }
    const payload = Buffer.from(
      JSON.stringify({
        event_id: eventId,
        level: "error",
        version: "7",
        type: "error",
        platform: "python",
        timestamp: 1_714_564_790 + n / 1000,
        received: 1_714_564_791 + n / 1000,
        exception: {
          values: [
            {
              type: "ValueError",
              value: `invalid literal ${n}`,
              stacktrace: {
                frames: Array.from({ length: 5 }, (_, i) => ({
                  function: `f${i}`,
                  filename: `app/m${i}.py`,
                  lineno: i,
                })),
              },
            },
          ],
        },
        tags: [["route", `/api/${n % 97}/`]],
        extra: { padding: "x".repeat(400) },
        sdk: { name: "sentry.python", version: "1.40.6" },
      }),
    );
    const value = encodeRelayMessage(
      relayEventMessage({ payload, eventId, projectId: 1 + (n % 2), startTime: 1_714_564_791, attachments }),
    );
    placed.push({ at: n, message: { topic, payload: { key, value, headers: [] } } });
    if (n % 20 === 3)
      placed.push({ at: n + 1000.5, message: { topic, payload: { key, value, headers: [] } } });
  }
  const messages = placed.sort((a, b) => a.at - b.at).map((entry) => entry.message);
  return { chunks, messages, uniqueEvents, withAttachments };
}
