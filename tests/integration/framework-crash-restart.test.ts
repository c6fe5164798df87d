import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../observability/logger.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import { committedToEnd, testOptions, waitFor } from "./support/framework.ts";
import { KafkaTestTopics, offsetsByKey, probeKafka, uniqueName } from "./support/kafka.ts";

// A consumer process killed with SIGKILL mid-batch (no revocation, no commit on the way
// out) and started again must resume from the group's last commit and lose nothing; what
// it redoes is exactly what it had processed above that commit.

const script = fileURLToPath(new URL("./support/crash-consumer.ts", import.meta.url));
const logger = silentLogger();
let topics: KafkaTestTopics;
let workDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
  workDir = mkdtempSync(join(tmpdir(), "crash-restart-"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(workDir, { recursive: true, force: true });
  await topics?.cleanup();
});

function startConsumer(
  topic: string,
  group: string,
  out: string,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, CRASH_TOPIC: topic, CRASH_GROUP: group, CRASH_OUT: out },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    });
  });
  return { child, exited };
}

function lines(path: string): Array<[number, number]> {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split(" ").map(Number) as [number, number]);
}

describe("crash and restart on Kafka", () => {
  it("resumes from the last commit after SIGKILL mid-batch, with nothing lost", async () => {
    const topic = await topics.create("crash", 2);
    const total = 12_000;
    const factory = createKafkaProducerFactory(testOptions(), { logger });
    try {
      const producer = factory("crash-test");
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          producer.produce(topic, { key: null, value: Buffer.from(String(i)), headers: [] }),
        ),
      );
    } finally {
      await factory.close();
    }
    const group = uniqueName("crash");
    const firstOut = join(workDir, "first.txt");
    const secondOut = join(workDir, "second.txt");

    const first = startConsumer(topic, group, firstOut);
    expect(await waitFor(() => lines(firstOut).length >= 3000, 30_000)).toBe(true);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const committedAtKill = await topics.admin.committedOffsets(group, [topic]);
    const processedBeforeKill = lines(firstOut);
    expect(processedBeforeKill.length).toBeLessThan(total);

    const second = startConsumer(topic, group, secondOut);
    expect(await waitFor(() => committedToEnd(topics.admin, group, topic), 50_000)).toBe(true);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const end = await topics.admin.endOffsets(topic);
    const redone = lines(secondOut);
    for (const [p, endOffset] of end) {
      const committed = committedAtKill.get(p) ?? 0;
      const before = processedBeforeKill.filter(([index]) => index === p.index).map(([, offset]) => offset);
      const after = redone.filter(([index]) => index === p.index).map(([, offset]) => offset);
      // The restart begins exactly at the commit and reads to the end, in order, once.
      expect(after).toEqual(Array.from({ length: endOffset - committed }, (_, i) => committed + i));
      // Everything below the commit had been processed before the kill.
      const seenBefore = new Set(before);
      for (let offset = 0; offset < committed; offset++) expect(seenBefore.has(offset)).toBe(true);
      // The redone records are the uncommitted window: processed before the kill, not committed.
      const window = before.filter((offset) => offset >= committed);
      expect(window.every((offset) => after.includes(offset))).toBe(true);
    }
    console.info(
      JSON.stringify({
        test: "crash-restart",
        processedBeforeKill: processedBeforeKill.length,
        committedAtKill: offsetsByKey(committedAtKill),
        redone: redone.length,
      }),
    );
  });
});
