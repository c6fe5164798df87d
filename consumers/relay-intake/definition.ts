import type { Options } from "../../config/options.ts";
import { fileProjectConfigSource, prepareProjectConfigSource } from "../../config/project-sources.ts";
import { createRedisClient } from "../../config/redis.ts";
import { type Clock, systemClock } from "../../pipelines/types.ts";
import { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventRawRecord } from "../../schemas/avro/types.ts";
import { codecForTopic } from "../../schemas/codecs.ts";
import { EncodeError } from "../../schemas/errors.ts";
import { createSchemaRegistry } from "../../schemas/registry/index.ts";
import type { ConsumerContext, ConsumerDefinition, OpenedResources, ResourceMode } from "../definition.ts";
import { FileAttachmentStore } from "./attachment-store.ts";
import { buildRelayIntakeStrategy, type RelayIntakeDeps } from "./build-strategy.ts";
import { MemoryChunkStore, RedisChunkStore } from "./chunk-store.ts";
import { MemoryDedupeStore, RedisDedupeStore } from "./dedupe.ts";

// Resources per mode:
//   production  Redis (dedupe claims, chunks; projects too with projectSource=redis), the
//               attachment folder, projects from projectsFile or Redis (option projectSource)
//   embedded    in-process dedupe claims and chunks, the attachment folder, projectsFile
// The Avro codec for events-raw registers its schema with the configured registry (the
// embedded one unless SCHEMA_REGISTRY_URL is set) under the subject `events-raw-value`,
// whatever the output topic is called.

/** The events-raw codec as schemas/ builds it for topology's `events-raw` topic. */
export async function createEventsRawCodec(
  options: Pick<Options, "schemaRegistryUrl" | "kafkaClientId" | "maxPayloadBytes" | "maxJsonDepth">,
): Promise<AvroCodec<EventRawRecord>> {
  const registry = createSchemaRegistry(options);
  const codec = await codecForTopic(
    { name: "events-raw", codec: "avro", schema: "events-raw" },
    { registry, options },
  );
  if (!(codec instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "the events-raw codec is not an Avro codec");
  }
  // The subject events-raw-value holds EventRaw records only.
  return codec as AvroCodec<EventRawRecord>;
}

async function openRelayIntakeResources(
  context: ConsumerContext,
  mode: ResourceMode,
): Promise<OpenedResources<RelayIntakeDeps>> {
  const { options, logger } = context;
  const clock: Clock = context.clock ?? systemClock;
  const eventsRawCodec = await createEventsRawCodec(options);
  const attachments = new FileAttachmentStore(options.attachmentStoreDir);
  if (mode === "embedded") {
    return {
      deps: {
        dedupe: new MemoryDedupeStore(clock),
        chunks: new MemoryChunkStore(clock),
        attachments,
        projects: await fileProjectConfigSource(options),
        eventsRawCodec,
      },
      close: async () => {},
    };
  }
  const openProjects = await prepareProjectConfigSource(options);
  const redis = createRedisClient(options, { connectionName: context.settings.name, logger });
  return {
    deps: {
      dedupe: new RedisDedupeStore(redis, options.redisKeyPrefix),
      chunks: new RedisChunkStore(redis, options.redisKeyPrefix),
      attachments,
      projects: openProjects(redis, clock),
      eventsRawCodec,
    },
    async close() {
      // The chain is drained by now: nothing is waiting for a reply.
      redis.disconnect();
    },
  };
}

/** `ingest-events` + `ingest-attachments` → `events-raw` (Avro) and `user-reports` (JSON). */
export const relayIntakeConsumer: ConsumerDefinition<RelayIntakeDeps> = {
  name: "relay-intake",
  openResources: openRelayIntakeResources,
  buildStrategy: buildRelayIntakeStrategy,
};
