import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Admin, IHeaders, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DumpFlags, runDump } from "../../cli/commands/dump.ts";
import { runReplay } from "../../cli/commands/replay.ts";
import { loadOptions } from "../../config/options.ts";
import { headersOf } from "../../consumers/kafka-fetch-buffer.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import { type DumpedMessage, openDump } from "../../replay/dump-format.ts";
import { requireKafka, uniqueName } from "../helpers/services.ts";
import { groupingEvents, relayRecord } from "../unit/replay/relay-dump.ts";
import { ingest } from "./cli-support.ts";

// `ingest dump` and `ingest replay` against the real Kafka: a topic with binary keys,
// values and headers (repeated names, empty and null parts) and chosen timestamps is
// dumped by the real binary, the dump is checked against what the broker returns, then
// replayed by the real binary into another topic, which must hold the same records byte
// for byte, each keyed record in the partition its key picks. Slices (partitions, offset
// and timestamp bounds, --max-messages) are checked in process.

requireKafka();

const PARTITIONS = 3;
const COUNT = 90;
const options = loadOptions(process.env, { kafkaFetchMaxWaitMs: 100 });
const ENV = { INGEST_KAFKA_FETCH_MAX_WAIT_MS: "100", INGEST_LOG_LEVEL: "warn" };
const dir = mkdtempSync(join(tmpdir(), "ingest-dump-replay-"));
const prefix = uniqueName("dumprep");
const source = `${prefix}_source`;
const base = Date.now() - 60 * 60 * 1000;

interface TopicRecord {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
}

const dumpLines: string[] = [];
/** `runDump` in process, its summary line kept for the assertions instead of printed. */
const dump = (flags: DumpFlags) =>
  runDump(flags, options, silentLogger(), undefined, (line) => dumpLines.push(line));

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const created: string[] = [];

async function createTopic(topic: string, partitions = PARTITIONS): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  created.push(topic);
}

/** Every record of `topic`, read with a plain kafkajs consumer, sorted by (partition, offset). */
async function readTopic(topic: string, expected: number): Promise<TopicRecord[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}_check_${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: TopicRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      records.push({
        partition,
        offset: Number(message.offset),
        timestamp: Number(message.timestamp),
        key: message.key,
        value: message.value,
        headers: headersOf(message.headers),
      });
      if (records.length >= expected) done();
    },
  });
  const timer = setTimeout(done, 60_000);
  await all;
  clearTimeout(timer);
  await consumer.disconnect();
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

async function readDump(file: string): Promise<{ topic: string; messages: DumpedMessage[] }> {
  const reader = await openDump(file);
  const messages: DumpedMessage[] = [];
  for await (const message of reader.messages()) messages.push(message);
  return { topic: reader.header.topic, messages };
}

/** Key, value and headers as comparable text (hex), independent of where they landed. */
function content(record: Pick<TopicRecord, "key" | "value" | "headers">): string {
  return JSON.stringify([
    record.key?.toString("hex") ?? null,
    record.value?.toString("hex") ?? null,
    record.headers.map(([name, value]) => [name, value.toString("hex")]),
  ]);
}

beforeAll(async () => {
  kafka = createKafkaClient(kafkaClientConfig(options), silentLogger());
  admin = kafka.admin();
  await admin.connect();
  await createTopic(source);
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: COUNT }, (_, i) => {
    const headers: IHeaders = {
      "replay-test-id": String(i),
      binary: randomBytes(i % 7),
    };
    if (i % 5 === 0) headers.repeated = [Buffer.from([0xff, 0x00]), Buffer.from("second")];
    return {
      // Every tenth record unkeyed; the others keyed with binary, partly non-UTF-8 bytes.
      key: i % 10 === 0 ? null : Buffer.concat([Buffer.from([0x80, i]), randomBytes(6)]),
      value: i % 17 === 0 ? Buffer.alloc(0) : randomBytes(1 + ((i * 37) % 3000)),
      headers,
      // One second apart, an hour ago: timestamp bounds can split the topic exactly.
      timestamp: String(base + i * 1000),
    };
  });
  await producer.send({ topic: source, messages });
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await admin?.deleteTopics({ topics: created }).catch(() => undefined);
  await admin?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("ingest dump and ingest replay on Kafka", () => {
  it("dumps a topic with the real binary, then replays it byte-identical into another topic", async () => {
    const original = await readTopic(source, COUNT);
    expect(original).toHaveLength(COUNT);

    const file = join(dir, "all.jsonl.gz");
    const dumped = await ingest(["dump", "--topic", source, "--out", file], ENV, 120_000);
    expect(dumped.stderr).not.toMatch(/"level":(50|60)/);
    expect(dumped.code).toBe(0);
    expect(dumped.stdout).toMatch(
      new RegExp(`ingest dump ${source}: messages ${COUNT}, partitions ${PARTITIONS}`),
    );

    // The dump holds exactly what the broker holds, with partition, offset and timestamp.
    const dump = await readDump(file);
    expect(dump.topic).toBe(source);
    const fromDump = dump.messages
      .map((m) => ({ ...m }))
      .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    expect(fromDump).toEqual(original);
    expect(new Set(fromDump.map((m) => m.timestamp)).size).toBe(COUNT);
    expect(Math.min(...fromDump.map((m) => m.timestamp))).toBe(base);

    const target = `${prefix}_target`;
    await createTopic(target);
    const replayed = await ingest(["replay", "--from-file", file, "--to-topic", target], ENV, 120_000);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`ingest replay: read ${COUNT}, produced ${COUNT}, skipped 0, failed 0`);
    expect(replayed.stdout).toContain(`-> kafka topic ${target}`);

    const copy = await readTopic(target, COUNT);
    expect(copy).toHaveLength(COUNT);
    expect(copy.map(content).sort()).toEqual(original.map(content).sort());
    // Same partition count and the same (murmur2) partitioner: a keyed record lands in the
    // partition its key picked in the source topic.
    const sourcePartition = new Map(original.filter((r) => r.key).map((r) => [content(r), r.partition]));
    for (const record of copy.filter((r) => r.key)) {
      expect(record.partition).toBe(sourcePartition.get(content(record)));
    }
  });

  it("dumps only the slice asked for: partitions, offsets, timestamps and a message cap", async () => {
    const original = await readTopic(source, COUNT);
    const inPartition1 = original.filter((r) => r.partition === 1);
    expect(inPartition1.length).toBeGreaterThan(4);

    const offsetsFile = join(dir, "offsets.jsonl");
    const sliced = await dump({
      topic: source,
      partitions: [1],
      fromOffset: 1,
      toOffset: 4,
      out: offsetsFile,
    });
    expect(sliced).toEqual({ messages: 3, interrupted: false });
    expect(dumpLines.at(-1)).toMatch(
      new RegExp(`^ingest dump ${source}: messages 3, partitions 1 in .* -> ${offsetsFile}$`),
    );
    expect((await readDump(offsetsFile)).messages).toEqual(inPartition1.slice(1, 4));

    // [base + 30 s, base + 60 s): exactly the records i = 30..59, across all partitions.
    const timeFile = join(dir, "time.jsonl");
    await dump({ topic: source, fromTimestamp: base + 30_000, toTimestamp: base + 60_000, out: timeFile });
    const window = (await readDump(timeFile)).messages;
    expect(window.map((m) => m.timestamp).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => base + (30 + i) * 1000),
    );

    const capFile = join(dir, "cap.jsonl");
    const capped = await dump({ topic: source, maxMessages: 7, out: capFile });
    expect(capped.messages).toBe(7);
    expect((await readDump(capFile)).messages).toHaveLength(7);

    // Stopped (Ctrl+C) before it finished: the file has no end line and reads as truncated.
    const stoppedFile = join(dir, "stopped.jsonl");
    const stop = new AbortController();
    stop.abort();
    const stopped = await runDump(
      { topic: source, out: stoppedFile },
      options,
      silentLogger(),
      stop.signal,
      () => {},
    );
    expect(stopped.interrupted).toBe(true);
    await expect(readDump(stoppedFile)).rejects.toMatchObject({ reason: "truncated" });

    const emptyFile = join(dir, "empty.jsonl");
    await dump({ topic: source, fromTimestamp: Date.now() + 3_600_000, out: emptyFile });
    expect((await readDump(emptyFile)).messages).toEqual([]);
  });

  it("replays a time window of a live topic into another topic, rate-limited, and counts a dry run", async () => {
    const target = `${prefix}_window`;
    await createTopic(target);
    const lines: string[] = [];
    const output = { out: (line: string) => lines.push(line) };

    const dry = await runReplay(
      {
        topic: source,
        fromTimestamp: base,
        toTimestamp: base + 20_000,
        into: "kafka",
        toTopic: target,
        dryRun: true,
      },
      options,
      silentLogger(),
      undefined,
      output,
    );
    expect(dry.counts).toEqual({ read: 20, produced: 20, skipped: 0, failed: 0 });
    expect(lines.at(-1)).toMatch(/read 20, would produce 20, skipped 0/);

    const started = performance.now();
    const real = await runReplay(
      {
        topic: source,
        fromTimestamp: base,
        toTimestamp: base + 20_000,
        into: "kafka",
        toTopic: target,
        rate: 50,
      },
      options,
      silentLogger(),
      undefined,
      output,
    );
    const elapsed = performance.now() - started;
    expect(real.counts).toEqual({ read: 20, produced: 20, skipped: 0, failed: 0 });
    // 20 messages at 50/s with a burst of 2: at least 18 intervals of 20 ms.
    expect(elapsed).toBeGreaterThanOrEqual(360);

    const original = await readTopic(source, COUNT);
    const expected = original.filter((r) => r.timestamp < base + 20_000);
    const copy = await readTopic(target, 20);
    expect(copy.map(content).sort()).toEqual(expected.map(content).sort());
  });

  it("dumps Relay's ingest-events from Kafka and replays the dump into the dev pipeline, twice", async () => {
    const relayTopic = `${prefix}_relay`;
    await createTopic(relayTopic);
    const events = groupingEvents();
    const relayProducer = kafka.producer({ allowAutoTopicCreation: false });
    await relayProducer.connect();
    await relayProducer.send({
      topic: relayTopic,
      messages: events.map((event, i) => {
        const record = relayRecord(event, i);
        return { key: record.key, value: record.value };
      }),
    });
    await relayProducer.disconnect();

    const file = join(dir, "relay.jsonl.gz");
    expect((await ingest(["dump", "--topic", relayTopic, "--out", file], ENV, 120_000)).code).toBe(0);
    const sqlite = join(dir, "relay-dev.sqlite");
    const args = [
      "replay",
      "--from-file",
      file,
      "--into",
      "dev",
      "--to-topic",
      "ingest-events",
      "--sqlite",
      sqlite,
    ];
    for (let run = 0; run < 2; run += 1) {
      const replayed = await ingest(args, ENV, 120_000);
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toContain("ingest replay: read 6, produced 6, skipped 0, failed 0");
      // The second run is a new pipeline on the same SQLite file: still each event once.
      expect(replayed.stdout).toContain("dev pipeline: 6 stored events in 3 issues");
      expect(replayed.stdout).toMatch(
        / 3 \S+ +TypeError: 'NoneType' object is not subscriptable {2}\(app\.users in load_user\)/,
      );
    }
  });

  it("refuses a replay without a source, into a missing topic, or a topic into itself", async () => {
    const missing = await ingest(["replay", "--to-topic", "x"], ENV);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("give exactly one source");

    const intoItself = await ingest(["replay", "--topic", source], ENV);
    expect(intoItself.code).toBe(2);
    expect(intoItself.stderr).toContain("needs --to-topic");

    const file = join(dir, "for-missing.jsonl");
    await dump({ topic: source, maxMessages: 1, out: file });
    const noTopic = await ingest(["replay", "--from-file", file, "--to-topic", `${prefix}_nope`], ENV);
    expect(noTopic.code).toBe(2);
    expect(noTopic.stderr).toContain("does not exist");

    const badDump = await ingest(["dump", "--topic", `${prefix}_nope`, "--out", join(dir, "x.jsonl")], ENV);
    expect(badDump.code).toBe(2);
    expect(badDump.stderr).toContain(`topic ${prefix}_nope does not exist`);
  });
});
