import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGroupsCommand } from "../../../cli/commands/groups.ts";
import { UsageError } from "../../../cli/usage.ts";
import type { ConsumerContext } from "../../../consumers/definition.ts";
import { groupingConsumer } from "../../../consumers/grouping/definition.ts";
import { MemoryGroupEnvironmentStore } from "../../../consumers/grouping/group-environments.ts";
import type { GroupRow } from "../../../consumers/grouping/group-store.ts";
import { MemoryGroupStore } from "../../../consumers/grouping/group-store-memory.ts";
import {
  type GroupRecordSource,
  RebuildRefusedError,
  type RebuildTarget,
  rebuildGroupingState,
} from "../../../consumers/grouping/rebuild.ts";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { StreamProcessor, streamProcessorConfig, systemClock } from "../../../pipelines/index.ts";
import {
  committed,
  fingerprintEvent,
  INPUT,
  newBroker,
  normalizedRecord,
  outputMessages,
  PROJECTS_YAML,
  produceRecords,
  TestFence,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("groupingConsumer definition", () => {
  it("runs the chain on in-process stores and projects.yaml in embedded mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "grouping-consumer-"));
    dirs.push(dir);
    const projectsFile = join(dir, "projects.yaml");
    writeFileSync(projectsFile, PROJECTS_YAML);
    const broker = newBroker();
    await produceRecords(
      broker,
      Array.from({ length: 12 }, (_, n) => normalizedRecord(fingerprintEvent(n, `d-${n % 3}`), 2)),
    );
    const context: ConsumerContext = {
      settings: testSettings(),
      options: testOptions({ projectsFile }),
      producerFactory: broker.producerFactory(),
      metrics: createMetrics(),
      logger: silentLogger(),
    };
    const resources = await groupingConsumer.openResources(context, "embedded");
    expect(resources.deps.store).toBeInstanceOf(MemoryGroupStore);
    const processor = new StreamProcessor(
      {
        consumer: new MemoryConsumer(broker, context.settings.groupId),
        factory: groupingConsumer.buildStrategy(context, resources.deps),
        metrics: context.metrics,
        logger: context.logger,
      },
      { ...streamProcessorConfig(context.options, { name: "grouping", topic: INPUT }), pollTimeoutMs: 5 },
    );
    const done = processor.run();
    await waitFor(() => committed(broker) === 12);
    processor.signalShutdown();
    await done;
    await resources.close();
    const groups = new Set(outputMessages(broker).map(({ message }) => message.body.group_id));
    expect(groups.size).toBe(3);
  });

  it("refuses an unknown project source", async () => {
    const context: ConsumerContext = {
      settings: testSettings(),
      options: testOptions({ projectSource: "ldap" }),
      producerFactory: newBroker().producerFactory(),
      metrics: createMetrics(),
      logger: silentLogger(),
    };
    await expect(groupingConsumer.openResources(context, "production")).rejects.toThrow(
      /INGEST_PROJECT_SOURCE/,
    );
  });
});

function row(groupId: number, hashes: string[], timesSeen = 3): GroupRow {
  return {
    groupId,
    hashes,
    firstSeen: 100,
    lastSeen: 200,
    timesSeen,
    title: `t${groupId}`,
    culprit: "c",
    level: "error",
  };
}

/** The durable record as plain data: project → pages of groups, and seen environments. */
function recordSource(
  groups: Record<number, GroupRow[][]>,
  environments: Record<number, Array<{ groupId: number; environment: string }>> = {},
): GroupRecordSource {
  return {
    projectIds: async () => Object.keys(groups).map(Number),
    async *groups(projectId) {
      for (const page of groups[projectId] ?? []) yield page;
    },
    environments: async (projectId) => environments[projectId] ?? [],
  };
}

function settledSource(
  groups: Record<number, GroupRow[][]>,
  environments: Record<number, Array<{ groupId: number; environment: string }>> = {},
): GroupRecordSource {
  return { ...recordSource(groups, environments), settled: async () => {} };
}

function target(fence = new TestFence()): RebuildTarget & { cleared: number[]; fence: TestFence } {
  const cleared: number[] = [];
  return {
    store: new MemoryGroupStore(systemClock, 3600),
    environments: new MemoryGroupEnvironmentStore(),
    fence,
    clearer: {
      clearAll: async () => {
        cleared.push(1);
        return 7;
      },
    },
    cleared,
  };
}

describe("rebuildGroupingState", () => {
  it("restores every project's hashes and counters, and new groups continue after the largest id", async () => {
    const into = target();
    const source = recordSource(
      { 1: [[row(10, ["h1", "h1b"])], [row(12, ["h2"], 5)]], 2: [[row(11, ["h1"])]] },
      {
        1: [{ groupId: 10, environment: "prod" }],
      },
    );
    const report = await rebuildGroupingState(source, into, { all: true });
    expect(report.stateWasLost).toBe(false);
    expect(report.projects).toEqual([
      { projectId: 1, groups: 2, hashes: 3, environments: 1, largestGroupId: 12 },
      { projectId: 2, groups: 1, hashes: 1, environments: 0, largestGroupId: 11 },
    ]);
    expect(into.cleared).toEqual([]);
    expect(await into.store.lookupHash(1, "h1b")).toBe(10);
    expect(await into.store.lookupHash(2, "h1")).toBe(11);
    expect((await into.store.getGroup(1, 12))?.timesSeen).toBe(5);
    const next = await into.store.assign(1, ["new"], {
      eventId: "e",
      timestamp: 300,
      title: "",
      culprit: "",
      level: "",
    });
    expect(next.groupId).toBe(13);
    const [known] = await into.environments.recordSightings([
      { projectId: 1, groupId: 10, environment: "prod" },
    ]);
    expect(known).toBe(false);
  });

  it("clears leftovers and raises the fence when the state was lost", async () => {
    const fence = new TestFence();
    fence.intact = false;
    const into = target(fence);
    const report = await rebuildGroupingState(settledSource({ 3: [[row(4, ["x"])]] }), into, { all: true });
    expect(report).toMatchObject({ stateWasLost: true, clearedKeys: 7 });
    expect(into.cleared).toEqual([1]);
    expect(fence.intact).toBe(true);
    expect(fence.establishedWith).toBe(4);
    expect(fence.lockHeld).toBe(false);
    expect(await into.store.lookupHash(3, "x")).toBe(4);
  });

  it("waits for storage to settle before reading a lost state's record, so ids still in flight are not handed out again", async () => {
    // Before the loss, group 9 (hash "late") was assigned and emitted; storage writes it to
    // the record only while the rebuild waits for it to drain.
    const groups: Record<number, GroupRow[][]> = { 3: [[row(4, ["x"])]] };
    const source: GroupRecordSource = {
      ...recordSource(groups),
      settled: async () => {
        groups[3]?.push([row(9, ["late"])]);
      },
    };
    const fence = new TestFence();
    fence.intact = false;
    const into = target(fence);
    await rebuildGroupingState(source, into, { all: true });
    expect(fence.establishedWith).toBe(9);
    expect(await into.store.lookupHash(3, "late")).toBe(9);
    const next = await into.store.assign(3, ["brand-new"], {
      eventId: "e",
      timestamp: 300,
      title: "",
      culprit: "",
      level: "",
    });
    expect(next.groupId).toBeGreaterThan(9);
  });

  it("refuses to restore a lost state from a record that cannot say it is complete", async () => {
    const fence = new TestFence();
    fence.intact = false;
    const into = target(fence);
    await expect(
      rebuildGroupingState(recordSource({ 3: [[row(4, ["x"])]] }), into, { all: true }),
    ).rejects.toThrow(RebuildRefusedError);
    expect(fence.intact).toBe(false);
    expect(into.cleared).toEqual([]);
  });

  it("runs one rebuild of a lost state at a time", async () => {
    const fence = new TestFence();
    fence.intact = false;
    fence.lockHeld = true;
    const into = target(fence);
    await expect(
      rebuildGroupingState(settledSource({ 3: [[row(4, ["x"])]] }), into, { all: true }),
    ).rejects.toThrow(/another grouping rebuild is running/);
    expect(into.cleared).toEqual([]);
    expect(fence.intact).toBe(false);
  });

  it("does not vouch for the state when the lock was lost during the rebuild", async () => {
    const fence = new TestFence();
    fence.intact = false;
    const into = target(fence);
    const source: GroupRecordSource = {
      ...recordSource({ 3: [[row(4, ["x"])]] }),
      // A second wipe takes the lock with it.
      settled: async () => {
        fence.lockHeld = false;
      },
    };
    await expect(rebuildGroupingState(source, into, { all: true })).rejects.toThrow(/lock was lost/);
    expect(fence.intact).toBe(false);
  });

  it("refuses to rebuild a single project when the state was lost, and writes nothing", async () => {
    const fence = new TestFence();
    fence.intact = false;
    const into = target(fence);
    await expect(
      rebuildGroupingState(recordSource({ 3: [[row(4, ["x"])]] }), into, { projectId: 3 }),
    ).rejects.toThrow(RebuildRefusedError);
    expect(await into.store.lookupHash(3, "x")).toBeUndefined();
    expect(fence.intact).toBe(false);
  });
});

describe("ingest groups rebuild", () => {
  it("needs exactly one of --project and --all", async () => {
    const io = { out: () => {}, options: () => testOptions(), logger: () => silentLogger() };
    for (const args of [["rebuild"], ["rebuild", "--all", "--project", "1"]]) {
      const command = createGroupsCommand(io).exitOverride();
      await expect(command.parseAsync(args, { from: "user" })).rejects.toThrow(UsageError);
    }
  });
});
