// consumers/grouping/definition.ts
import { fileProjectConfigSource, prepareProjectConfigSource } from "../../config/project-sources.js";
import { createRedisClient } from "../../config/redis.js";
import { systemClock } from "../../pipelines/types.js";
import { KafkaAdmin } from "../../producers/kafka-admin.js";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.js";
import { AvroCodec } from "../../schemas/avro/codec.js";
import { codecForTopic } from "../../schemas/codecs.js";
import { EncodeError } from "../../schemas/errors.js";
import { createSchemaRegistry } from "../../schemas/registry/index.js";
import { buildGroupingStrategy, eventsTopic } from "./build-strategy.js";
import { MemoryGroupEnvironmentStore, RedisGroupEnvironmentStore } from "./group-environments.js";
import { MemoryGroupStore } from "./group-store-memory.js";
import { RedisGroupStore } from "./group-store-redis.js";
import { EventsTopicFreshProbe, MemoryGroupingStateFence, RedisGroupingStateFence } from "./state-fence.js";
async function createEventsNormalizedCodec(options) {
  const registry = createSchemaRegistry(options);
  const codec = await codecForTopic(
    { name: "events-normalized", codec: "avro", schema: "events-normalized" },
    { registry, options }
  );
  if (!(codec instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "the events-normalized codec is not an Avro codec");
  }
  return codec;
}
async function openGroupingResources(context, mode) {
  const { options, logger } = context;
  const clock = context.clock ?? systemClock;
  const eventsNormalizedCodec = await createEventsNormalizedCodec(options);
  if (mode === "embedded") {
    return {
      deps: {
        store: new MemoryGroupStore(clock, options.groupEventMarkerTtlSeconds),
        environments: new MemoryGroupEnvironmentStore(),
        fence: new MemoryGroupingStateFence(),
        projects: await fileProjectConfigSource(options),
        eventsNormalizedCodec
      },
      close: async () => {
      }
    };
  }
  const openProjects = await prepareProjectConfigSource(options);
  const redis = createRedisClient(options, { connectionName: context.settings.name, logger });
  const admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), logger));
  return {
    deps: {
      store: new RedisGroupStore(redis, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
      environments: new RedisGroupEnvironmentStore(redis, options.redisKeyPrefix),
      fence: new RedisGroupingStateFence(redis, options.redisKeyPrefix, {
        note: `initialized by ${context.settings.name} at ${new Date(clock.now()).toISOString()}`,
        freshDeployment: options.groupingRequireRebuild ? void 0 : new EventsTopicFreshProbe(admin, eventsTopic(context.settings)),
        idHeadroom: options.groupingIdHeadroom
      }),
      projects: openProjects(redis, clock),
      eventsNormalizedCodec
    },
    async close() {
      redis.disconnect();
      await admin.close();
    }
  };
}
var groupingConsumer = {
  name: "grouping",
  openResources: openGroupingResources,
  buildStrategy: buildGroupingStrategy
};
export {
  createEventsNormalizedCodec,
  groupingConsumer
};
//# sourceMappingURL=definition.js.map
