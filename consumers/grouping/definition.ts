import type { Options } from "../../config/options.ts";
import { fileProjectConfigSource, prepareProjectConfigSource } from "../../config/project-sources.ts";
import { createRedisClient } from "../../config/redis.ts";
import { type Clock, systemClock } from "../../pipelines/types.ts";
import { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventNormalizedRecord } from "../../schemas/avro/types.ts";
import { codecForTopic } from "../../schemas/codecs.ts";
import { EncodeError } from "../../schemas/errors.ts";
import { createSchemaRegistry } from "../../schemas/registry/index.ts";
import type { ConsumerContext, ConsumerDefinition, OpenedResources, ResourceMode } from "../definition.ts";
import { buildGroupingStrategy, eventsTopic, type GroupingDeps } from "./build-strategy.ts";
import { MemoryGroupEnvironmentStore, RedisGroupEnvironmentStore } from "./group-environments.ts";
import { MemoryGroupStore } from "./group-store-memory.ts";
import { RedisGroupStore } from "./group-store-redis.ts";
import { EventsTopicFreshProbe, MemoryGroupingStateFence, RedisGroupingStateFence } from "./state-fence.ts";

// Resources per mode:
//   production  Redis: group store, group environments, the grouping-state fence (and the
//               projects with projectSource=redis); projects from projectsFile otherwise
//   embedded    in-process group store and environments, projectsFile
// The Avro codec for events-normalized registers its schema with the configured registry
// (the embedded one unless SCHEMA_REGISTRY_URL is set) under `events-normalized-value`.

/** The events-normalized codec as schemas/ builds it for topology's `events-normalized` topic. */
export async function createEventsNormalizedCodec(
  options: Pick<Options, "schemaRegistryUrl" | "kafkaClientId" | "maxPayloadBytes" | "maxJsonDepth">,
): Promise<AvroCodec<EventNormalizedRecord>> {
  const registry = createSchemaRegistry(options);
  const codec = await codecForTopic(
    { name: "events-normalized", codec: "avro", schema: "events-normalized" },
    { registry, options },
  );
  if (!(codec instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "the events-normalized codec is not an Avro codec");
  }
  // The subject events-normalized-value holds EventNormalized records only.
  return codec as AvroCodec<EventNormalizedRecord>;
}

async function openGroupingResources(
  context: ConsumerContext,
  mode: ResourceMode,
): Promise<OpenedResources<GroupingDeps>> {
  const { options, logger } = context;
  const clock: Clock = context.clock ?? systemClock;
  const eventsNormalizedCodec = await createEventsNormalizedCodec(options);
  if (mode === "embedded") {
    return {
      deps: {
        store: new MemoryGroupStore(clock, options.groupEventMarkerTtlSeconds),
        environments: new MemoryGroupEnvironmentStore(),
        fence: new MemoryGroupingStateFence(),
        projects: await fileProjectConfigSource(options),
        eventsNormalizedCodec,
      },
      close: async () => {},
    };
  }
  const openProjects = await prepareProjectConfigSource(options);
  const redis = createRedisClient(options, { connectionName: context.settings.name, logger });
  // Only asked while Redis holds no grouping state (state-fence.ts).
  const admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), logger));
  return {
    deps: {
      store: new RedisGroupStore(redis, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
      environments: new RedisGroupEnvironmentStore(redis, options.redisKeyPrefix),
      fence: new RedisGroupingStateFence(redis, options.redisKeyPrefix, {
        note: `initialized by ${context.settings.name} at ${new Date(clock.now()).toISOString()}`,
        freshDeployment: options.groupingRequireRebuild
          ? undefined
          : new EventsTopicFreshProbe(admin, eventsTopic(context.settings)),
        idHeadroom: options.groupingIdHeadroom,
      }),
      projects: openProjects(redis, clock),
      eventsNormalizedCodec,
    },
    async close() {
      // The chain is drained by now: nothing is waiting for a reply.
      redis.disconnect();
      await admin.close();
    },
  };
}

/** `events-normalized` (Avro) → `events` (Sentry's eventstream inserts, Snuba-compatible). */
export const groupingConsumer: ConsumerDefinition<GroupingDeps> = {
  name: "grouping",
  openResources: openGroupingResources,
  buildStrategy: buildGroupingStrategy,
};
