import { randomUUID } from "node:crypto";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import { UsageError } from "../cli/usage.ts";
import { headersOf } from "../consumers/kafka-fetch-buffer.ts";
import type { Logger } from "../observability/logger.ts";
import type { DumpedMessage, DumpRange } from "./dump-format.ts";

// Reading a bounded slice of a topic for `ingest dump` and `ingest replay --topic`. The
// slice is fixed before the first fetch: per partition [start, end), where end is at most
// the high watermark seen at start, so a topic that keeps growing still ends.
//
// kafkajs has no group-less consumer, so the reader joins a throwaway group
// (`ingest-dump-<uuid>`) with autoCommit off and seeks every partition to its start: with
// autoCommit off a kafkajs seek only moves the local position, so no offset is ever
// committed and no real consumer group is touched.

/** An inclusive lower or exclusive upper bound: an offset, or a broker timestamp (epoch ms). */
export type OffsetBound = { readonly offset: number } | { readonly timestamp: number };

export interface TopicSelection {
  readonly topic: string;
  /** All partitions when absent. */
  readonly partitions?: ReadonlyArray<number>;
  /** First offset to read (or the first message at/after a timestamp); log start when absent. */
  readonly from?: OffsetBound;
  /** Stop before this offset (or before the first message at/after a timestamp); the end seen at start when absent. */
  readonly to?: OffsetBound;
}

async function boundOffsets(
  admin: Admin,
  topic: string,
  bound: OffsetBound,
  fallback: ReadonlyMap<number, number>,
): Promise<Map<number, number>> {
  if ("offset" in bound) return new Map([...fallback.keys()].map((p) => [p, bound.offset]));
  // kafkajs answers the high watermark for partitions with nothing at/after the timestamp.
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, bound.timestamp);
  return new Map(found.map((entry) => [entry.partition, Number(entry.offset)]));
}

/** The [start, end) offsets per selected partition, in partition order. */
export async function resolveRanges(admin: Admin, selection: TopicSelection): Promise<DumpRange[]> {
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

function toDumped(partition: number, message: KafkaMessage): DumpedMessage {
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: headersOf(message.headers),
  };
}

/** Consumer restarts after retriable failures before the read fails. */
const MAX_RESTARTS = 5;

export interface ReadOptions {
  /** Stop after this many messages in total. */
  readonly maxMessages?: number;
  /** kafkajs maxWaitTimeInMs (option kafkaFetchMaxWaitMs). */
  readonly fetchMaxWaitMs: number;
  /** Stops reading early (Ctrl+C); the promise then resolves with `interrupted`. */
  readonly signal?: AbortSignal;
  readonly logger: Logger;
}

export interface ReadResult {
  readonly read: number;
  readonly interrupted: boolean;
}

/**
 * Hands every message of `ranges` to `onMessage`, one at a time and awaited (so a slow
 * writer or a rate limit holds back the fetches), partitions interleaved as they arrive,
 * each partition in offset order.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: ReadonlyArray<DumpRange>,
  onMessage: (message: DumpedMessage) => Promise<void> | void,
  options: ReadOptions,
): Promise<ReadResult> {
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
    retry: { restartOnFailure: async () => ++restarts <= MAX_RESTARTS },
  });
  // The next offset to hand on per partition: kept across restarts, so nothing is handed on twice.
  const position = new Map([...pending.values()].map((r) => [r.partition, r.start]));
  let read = 0;
  let settle: (error?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const onAbort = () => settle();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) settle(event.payload.error);
  });
  // Every (re)join starts each partition where this reader stands; with autoCommit off a
  // kafkajs seek only moves the local position, so nothing is committed.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, offset] of position) {
      if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    }
  });

  const markDone = (partition: number) => {
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
        if (range === undefined) {
          // Not selected, or done: stop fetching it.
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          return;
        }
        for (const message of batch.messages) {
          // After a seek, batches fetched before it are stale; the fetch after it brings the right ones.
          if (!isRunning() || isStale() || !pending.has(batch.partition)) return;
          const offset = Number(message.offset);
          if (offset < (position.get(batch.partition) ?? range.start)) continue;
          if (offset >= range.end) break;
          await onMessage(toDumped(batch.partition, message));
          position.set(batch.partition, offset + 1);
          read += 1;
          // A rate-limited batch can take longer than the session timeout; kafkajs throttles this.
          await heartbeat();
          if (read >= cap) {
            settle();
            return;
          }
        }
        // lastOffset covers records kafkajs filtered out (control records, compacted gaps).
        if (Number(batch.lastOffset()) + 1 >= range.end) markDone(batch.partition);
      },
    });
    await finished;
    return { read, interrupted: options.signal?.aborted === true && pending.size > 0 && read < cap };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    options.logger.debug({ topic, groupId, read }, "replay.kafka_read_finished");
    await consumer.disconnect();
  }
}
