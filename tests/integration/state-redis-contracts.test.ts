import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import { GROUPING_STATE_KEY } from "../../consumers/grouping/state-fence.ts";
import { RedisChunkStore } from "../../consumers/relay-intake/chunk-store.ts";
import { RedisDedupeStore } from "../../consumers/relay-intake/dedupe.ts";
import { chunkStoreContract } from "../unit/state/contracts/chunk-store-contract.ts";
import { dedupeStoreContract } from "../unit/state/contracts/dedupe-contract.ts";
import { groupStoreContract } from "../unit/state/contracts/group-store-contract.ts";
import { connectRedis, deletePrefix, testOptions } from "../unit/state/contracts/redis-fixture.ts";

// The same contracts the in-memory stores pass, against real Redis, each handle on its
// own connection so "the other consumer" really is another client.

dedupeStoreContract("RedisDedupeStore", async () => {
  const options = testOptions();
  const ca = await connectRedis(options, "state-test-a");
  const cb = await connectRedis(options, "state-test-b");
  return {
    a: new RedisDedupeStore(ca, options.redisKeyPrefix),
    b: new RedisDedupeStore(cb, options.redisKeyPrefix),
    teardown: async () => {
      await deletePrefix(ca, options.redisKeyPrefix);
      ca.disconnect();
      cb.disconnect();
    },
  };
});

chunkStoreContract("RedisChunkStore", async () => {
  const options = testOptions();
  const client = await connectRedis(options, "state-test-chunks");
  return {
    store: new RedisChunkStore(client, options.redisKeyPrefix),
    teardown: async () => {
      await deletePrefix(client, options.redisKeyPrefix);
      client.disconnect();
    },
  };
});

groupStoreContract("RedisGroupStore", async () => {
  const options = testOptions();
  const ca = await connectRedis(options, "state-test-a");
  const cb = await connectRedis(options, "state-test-b");
  // The store assigns only under the grouping-state fence (state-fence.ts).
  await ca.set(`${options.redisKeyPrefix}${GROUPING_STATE_KEY}`, "contract");
  return {
    a: new RedisGroupStore(ca, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
    b: new RedisGroupStore(cb, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
    teardown: async () => {
      await deletePrefix(ca, options.redisKeyPrefix);
      ca.disconnect();
      cb.disconnect();
    },
  };
});
