// replay/kafka-source.ts
import { randomUUID } from "node:crypto";
import { UsageError } from "../cli/usage.js";
import { headersOf } from "../consumers/kafka-fetch-buffer.js";
async function boundOffsets(admin, topic, bound, fallback) {
  if ("offset" in bound) return new Map([...fallback.keys()].map((p) => [p, bound.offset]));
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, bound.timestamp);
  return new Map(found.map((entry) => [entry.partition, Number(entry.offset)]));
}
async function resolveRanges(admin, selection) {
  const { topic } = selection;
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new UsageError(`topic ${topic} does not exist`);
  const watermarks = await admin.fetchTopicOffsets(topic);
  const low = new Map(watermarks.map((w) => [w.partition, Number(w.low)]));
  const high = new Map(watermarks.map((w) => [w.partition, Number(w.high)]));
  const wanted = selection.partitions ?? [...high.keys()].sort((a, b) => a - b);
  for (const p of wanted) {
    if (!high.has(p)) throw new UsageError(`topic ${topic} has no partition ${p} (it has ${high.size})`);
  }
  const from = selection.from ? await boundOffsets(admin, topic, selection.from, high) : low;
  const to = selection.to ? await boundOffsets(admin, topic, selection.to, high) : high;
  return wanted.map((partition) => {
    const first = low.get(partition) ?? 0;
    const last = high.get(partition) ?? 0;
    const start = Math.min(Math.max(from.get(partition) ?? first, first), last);
    const end = Math.max(start, Math.min(to.get(partition) ?? last, last));
    return { partition, start, end };
  });
}
function toDumped(partition, message) {
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: headersOf(message.headers)
  };
}
var MAX_RESTARTS = 5;
async function readRanges(kafka, topic, ranges, onMessage, options) {
  const pending = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  const cap = options.maxMessages ?? Number.POSITIVE_INFINITY;
  if (pending.size === 0 || cap <= 0 || options.signal?.aborted) {
    return { read: 0, interrupted: options.signal?.aborted === true };
  }
  const groupId = `ingest-dump-${randomUUID()}`;
  let restarts = 0;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: options.fetchMaxWaitMs,
    allowAutoTopicCreation: false,
    // kafkajs restarts the consumer after retriable failures (a coordinator still loading,
    // a broker restarting); a few times is patience, more is a broken cluster.
    retry: { restartOnFailure: async () => ++restarts <= MAX_RESTARTS }
  });
  const position = new Map([...pending.values()].map((r) => [r.partition, r.start]));
  let read = 0;
  let settle = () => {
  };
  const finished = new Promise((resolve, reject) => {
    settle = (error) => error === void 0 ? resolve() : reject(error);
  });
  const onAbort = () => settle();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) settle(event.payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, offset] of position) {
      if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    }
  });
  const markDone = (partition) => {
    if (!pending.delete(partition)) return;
    consumer.pause([{ topic, partitions: [partition] }]);
    if (pending.size === 0) settle();
  };
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat }) => {
        const range = pending.get(batch.partition);
        if (range === void 0) {
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          return;
        }
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || !pending.has(batch.partition)) return;
          const offset = Number(message.offset);
          if (offset < (position.get(batch.partition) ?? range.start)) continue;
          if (offset >= range.end) break;
          await onMessage(toDumped(batch.partition, message));
          position.set(batch.partition, offset + 1);
          read += 1;
          await heartbeat();
          if (read >= cap) {
            settle();
            return;
          }
        }
        if (Number(batch.lastOffset()) + 1 >= range.end) markDone(batch.partition);
      }
    });
    await finished;
    return { read, interrupted: options.signal?.aborted === true && pending.size > 0 && read < cap };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    options.logger.debug({ topic, groupId, read }, "replay.kafka_read_finished");
    await consumer.disconnect();
  }
}
export {
  readRanges,
  resolveRanges
};
//# sourceMappingURL=kafka-source.js.map
