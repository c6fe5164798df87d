// consumers/relay-intake/definition.ts
import { fileProjectConfigSource, prepareProjectConfigSource } from "../../config/project-sources.js";
import { createRedisClient } from "../../config/redis.js";
import { systemClock } from "../../pipelines/types.js";
import { AvroCodec } from "../../schemas/avro/codec.js";
import { codecForTopic } from "../../schemas/codecs.js";
import { EncodeError } from "../../schemas/errors.js";
import { createSchemaRegistry } from "../../schemas/registry/index.js";
import { FileAttachmentStore } from "./attachment-store.js";
import { buildRelayIntakeStrategy } from "./build-strategy.js";
import { MemoryChunkStore, RedisChunkStore } from "./chunk-store.js";
import { MemoryDedupeStore, RedisDedupeStore } from "./dedupe.js";
async function createEventsRawCodec(options) {
  const registry = createSchemaRegistry(options);
  const codec = await codecForTopic(
    { name: "events-raw", codec: "avro", schema: "events-raw" },
    { registry, options }
  );
  if (!(codec instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "the events-raw codec is not an Avro codec");
  }
  return codec;
}
async function openRelayIntakeResources(context, mode) {
  const { options, logger } = context;
  const clock = context.clock ?? systemClock;
  const eventsRawCodec = await createEventsRawCodec(options);
  const attachments = new FileAttachmentStore(options.attachmentStoreDir);
  if (mode === "embedded") {
    return {
      deps: {
        dedupe: new MemoryDedupeStore(clock),
        chunks: new MemoryChunkStore(clock),
        attachments,
        projects: await fileProjectConfigSource(options),
        eventsRawCodec
      },
      close: async () => {
      }
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
      eventsRawCodec
    },
    async close() {
      redis.disconnect();
    }
  };
}
var relayIntakeConsumer = {
  name: "relay-intake",
  openResources: openRelayIntakeResources,
  buildStrategy: buildRelayIntakeStrategy
};
export {
  createEventsRawCodec,
  relayIntakeConsumer
};
//# sourceMappingURL=definition.js.map
