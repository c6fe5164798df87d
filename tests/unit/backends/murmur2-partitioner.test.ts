import { readFileSync } from "node:fs";
import type { PartitionMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { PartitionRecorder } from "../../../producers/kafka-producer.ts";
import { recordingPartitioner } from "../../../producers/kafka-producer-factory.ts";

// Keyed records must land where Java producers (and librdkafka's murmur2_random) put them,
// so a topic written by both keeps one key on one partition. Expected values come from
// kafka-clients 4.4.0 itself (tests/fixtures/backends/INDEX.md).

interface JavaCase {
  readonly key: string;
  readonly murmur2: number;
  readonly partitions: Readonly<Record<string, number>>;
}

const cases: JavaCase[] = JSON.parse(
  readFileSync(new URL("../../fixtures/backends/murmur2-java.json", import.meta.url), "utf8"),
);

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));

describe("keyed partitioning", () => {
  it("has Java's answers for a spread of keys and partition counts", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases.map((c) => [c.key, c] as const))(
    "puts key %j where the Java client does",
    (_key, javaCase) => {
      for (const [count, expected] of Object.entries(javaCase.partitions)) {
        const partition = recordingPartitioner(new PartitionRecorder())();
        const chosen = partition({
          topic: "t",
          partitionMetadata: metadata(Number(count)),
          message: { key: Buffer.from(javaCase.key, "utf8"), value: Buffer.from("v") },
        });
        expect({ count, chosen }).toEqual({ count, chosen: expected });
      }
    },
  );

  it("keeps a keyless record on the partition it first chose when kafkajs retries", () => {
    const recorder = new PartitionRecorder();
    const partition = recordingPartitioner(recorder)();
    const message = { key: null, value: Buffer.from("v") };
    const first = partition({ topic: "t", partitionMetadata: metadata(12), message });
    for (let i = 0; i < 5; i++) {
      expect(partition({ topic: "t", partitionMetadata: metadata(12), message })).toBe(first);
    }
    expect(recorder.get(message)).toBe(first);
  });
});
