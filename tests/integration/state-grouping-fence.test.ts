import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions, type Options } from "../../config/options.ts";
import type { ConsumerContext, ConsumerSettings } from "../../consumers/definition.ts";
import type { GroupingDeps } from "../../consumers/grouping/build-strategy.ts";
import { groupingConsumer } from "../../consumers/grouping/definition.ts";
import type { GroupEventMeta, GroupRow } from "../../consumers/grouping/group-store.ts";
import {
  type GroupRecordSource,
  RedisGroupingStateClearer,
  rebuildGroupingState,
} from "../../consumers/grouping/rebuild.ts";
import {
  GROUP_SEQUENCE_KEY,
  GROUPING_STATE_KEY,
  GroupingStateLostError,
  RedisGroupingStateFence,
} from "../../consumers/grouping/state-fence.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import { MemoryBroker } from "../../producers/memory-broker.ts";
import { requireKafka, requireRedis, uniqueName } from "../helpers/services.ts";
import { connectRedis, deletePrefix } from "../unit/state/contracts/redis-fixture.ts";
import { KafkaTestTopics } from "./support/kafka.ts";

// Redis losing the grouping state, reproduced on the real Redis without restarting it:
// deleting the run's key prefix is what a restart without persistence does to those keys.
// The grouping resources are opened the way `ingest consumer run grouping` opens them, so
// these pin the production wiring: a process that first meets the state after the loss
// must not start it afresh (the bug: it allocated ids from 1 again, naming other projects'
// issues twice), and a rebuild must never hand out an id that was assigned before the loss,
// also when that assignment never reached the record.

requireKafka();
requireRedis();

const logger = silentLogger();
const projectsDir = mkdtempSync(join(tmpdir(), "grouping-fence-it-"));
const projectsFile = join(projectsDir, "projects.yaml");
writeFileSync(
  projectsFile,
  [
    "version: 1",
    "projects:",
    "  - { id: 1, organizationId: 10, slug: one, publicKeys: [e12d836b15bb49d7bbf99e64295d995b] }",
    "  - { id: 2, organizationId: 20, slug: two, publicKeys: [0f6a1c2e3d4b5a69788796a5b4c3d2e1] }",
  ].join("\n"),
);

let topics: KafkaTestTopics;
let client: Redis;
const opened: Array<() => Promise<void>> = [];
const prefixes: string[] = [];

beforeAll(async () => {
  topics = new KafkaTestTopics(logger);
  client = await connectRedis(loadOptions(process.env), "grouping-fence-it");
});

afterAll(async () => {
  for (const close of opened.splice(0)) await close();
  for (const prefix of prefixes) await deletePrefix(client, prefix);
  client?.disconnect();
  await topics?.cleanup();
  rmSync(projectsDir, { recursive: true, force: true });
});

function runOptions(overrides: Partial<Options> = {}): Options {
  const prefix = `${uniqueName("grouping_fence_it")}:`;
  prefixes.push(prefix);
  return loadOptions(process.env, {
    redisKeyPrefix: prefix,
    projectsFile,
    projectSource: "file",
    ...overrides,
  });
}

/** The grouping consumer's production resources, writing to `events`. */
async function openGrouping(options: Options, events: string): Promise<GroupingDeps> {
  const settings: ConsumerSettings = {
    name: "grouping",
    groupId: uniqueName("grouping_fence_it"),
    inputs: ["unused-input"],
    outputs: [events],
    dlq: new Map(),
    maxBatchSize: 100,
    maxBatchTimeMs: 100,
    concurrency: 1,
  };
  const context: ConsumerContext = {
    settings,
    options,
    producerFactory: new MemoryBroker().producerFactory(),
    metrics: createMetrics(),
    logger,
  };
  const resources = await groupingConsumer.openResources(context, "production");
  opened.push(() => resources.close());
  return resources.deps;
}

/** One record on `events`: a group id was emitted, so this is no fresh deployment. */
async function emitSomething(topic: string): Promise<void> {
  const options = loadOptions(process.env);
  const producer = new Kafka({ brokers: [...options.kafkaBrokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: "an earlier insert" }] });
  } finally {
    await producer.disconnect();
  }
}

function event(n: number): GroupEventMeta {
  return { eventId: `e${n}`, timestamp: 1_700_000_000 + n, title: "t", culprit: "c", level: "error" };
}

/** What the grouping assigner does for one event: fence check, then the atomic script. */
async function assignOne(deps: GroupingDeps, projectId: number, hash: string, n: number): Promise<number> {
  await deps.fence.ensureIntact();
  return (await deps.store.assign(projectId, [hash], event(n))).groupId;
}

function recordOf(
  rows: ReadonlyArray<{ projectId: number; groupId: number; hash: string }>,
): GroupRecordSource {
  const byProject = new Map<number, GroupRow[]>();
  for (const { projectId, groupId, hash } of rows) {
    const row: GroupRow = {
      groupId,
      hashes: [hash],
      firstSeen: 1_700_000_000,
      lastSeen: 1_700_000_000,
      timesSeen: 1,
      title: "t",
      culprit: "c",
      level: "error",
    };
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), row]);
  }
  return {
    projectIds: async () => [...byProject.keys()],
    async *groups(projectId) {
      yield byProject.get(projectId) ?? [];
    },
    environments: async () => [],
    settled: async () => {},
  };
}

describe("grouping state after Redis lost it", () => {
  it("never hands out an id twice: a process that starts after the loss holds, and the rebuild skips ids still in flight", async () => {
    const options = runOptions({ groupingIdHeadroom: 1000 });
    const events = await topics.create("grouping_fence_events", 2);
    const before = await openGrouping(options, events);

    // A fresh deployment (nothing on `events` yet) starts without a manual step.
    const assigned = new Map<string, number>();
    for (let n = 0; n < 6; n++) {
      const projectId = 1 + (n % 2);
      assigned.set(`${projectId}:h${n}`, await assignOne(before, projectId, `h${n}`, n));
    }
    expect(new Set(assigned.values()).size).toBe(6);
    await emitSomething(events);

    // Redis loses everything; a grouping process starting now meets the missing fence first.
    await deletePrefix(client, options.redisKeyPrefix);
    const after = await openGrouping(options, events);
    await expect(assignOne(after, 1, "new-after-loss", 100)).rejects.toBeInstanceOf(GroupingStateLostError);
    // Even a caller that skipped the fence check cannot allocate from the empty state.
    await expect(after.store.assign(2, ["new-after-loss"], event(101))).rejects.toBeInstanceOf(
      GroupingStateLostError,
    );
    expect(await client.get(`${options.redisKeyPrefix}${GROUP_SEQUENCE_KEY}`)).toBeNull();
    expect(await client.get(`${options.redisKeyPrefix}${GROUPING_STATE_KEY}`)).toBeNull();

    // The record has only the first four: the last two were still on their way to storage.
    const recorded = [...assigned].slice(0, 4).map(([key, groupId]) => {
      const [projectId, hash] = key.split(":") as [string, string];
      return { projectId: Number(projectId), groupId, hash };
    });
    const report = await rebuildGroupingState(
      recordOf(recorded),
      {
        store: after.store,
        environments: after.environments,
        fence: new RedisGroupingStateFence(client, options.redisKeyPrefix, {
          note: "test rebuild",
          idHeadroom: options.groupingIdHeadroom,
        }),
        clearer: new RedisGroupingStateClearer(client, options.redisKeyPrefix),
      },
      { all: true },
    );
    expect(report.stateWasLost).toBe(true);

    for (const { projectId, groupId, hash } of recorded) {
      expect(await assignOne(after, projectId, hash, 200 + groupId)).toBe(groupId);
    }
    const everyIdBefore = new Set(assigned.values());
    for (let n = 0; n < 20; n++) {
      const id = await assignOne(after, 1 + (n % 2), `fresh-${n}`, 300 + n);
      expect(everyIdBefore.has(id), `id ${id} was assigned before the loss`).toBe(false);
      expect(id).toBeGreaterThan(Math.max(...everyIdBefore));
    }
  });

  it("starts afresh on an empty Redis only while nothing was ever emitted to `events`", async () => {
    const options = runOptions({ groupingIdHeadroom: 50 });
    const events = await topics.create("grouping_fence_fresh", 1);
    const deps = await openGrouping(options, events);
    expect(await assignOne(deps, 1, "first", 1)).toBe(51);

    const required = runOptions({ groupingRequireRebuild: true });
    const waiting = await openGrouping(required, events);
    await expect(assignOne(waiting, 1, "first", 1)).rejects.toBeInstanceOf(GroupingStateLostError);
  });

  it("lets one rebuild hold the lock, and refuses to set the fence once the lock is gone", async () => {
    const options = runOptions();
    const fence = new RedisGroupingStateFence(client, options.redisKeyPrefix, { note: "t", idHeadroom: 10 });
    const lock = await fence.lockRebuild();
    expect(lock).toBeDefined();
    expect(await fence.lockRebuild()).toBeUndefined();
    // A wipe during the rebuild takes the lock with it.
    await deletePrefix(client, options.redisKeyPrefix);
    expect(await lock?.renew()).toBe(false);
    expect(await fence.establish(lock!, 5, "t")).toBe(false);
    expect(await fence.isIntact()).toBe(false);

    const again = await fence.lockRebuild();
    expect(await fence.establish(again!, 5, "t")).toBe(true);
    await again?.release();
    expect(await client.get(`${options.redisKeyPrefix}${GROUP_SEQUENCE_KEY}`)).toBe("15");
    expect(await fence.lockRebuild()).toBeDefined();
  });
});
