import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { FetchBuffer, headersOf, toBrokerValue } from "../../../consumers/kafka-fetch-buffer.ts";
import { Partition } from "../../../pipelines/types.ts";

const p0 = Partition.of("t", 0);
const p1 = Partition.of("t", 1);

function messages(from: number, count: number, size = 10): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: null,
    value: Buffer.alloc(size, 97),
    timestamp: "1700000000000",
    attributes: 0,
    offset: String(from + i),
    headers: {},
  }));
}

function drain(buffer: FetchBuffer): string[] {
  const out: string[] = [];
  for (let record = buffer.take(); record; record = buffer.take())
    out.push(`${record.partition.key}@${record.offset}`);
  return out;
}

describe("FetchBuffer", () => {
  it("returns a partition's records in offset order", () => {
    const buffer = new FetchBuffer(1 << 30);
    buffer.append(p0, messages(0, 3), 0);
    buffer.append(p0, messages(3, 2), 3);
    expect(drain(buffer)).toEqual(["t:0@0", "t:0@1", "t:0@2", "t:0@3", "t:0@4"]);
  });

  it("serves one fetched chunk of a partition, then moves to the next partition", () => {
    const buffer = new FetchBuffer(1 << 30);
    buffer.append(p0, messages(0, 2), 0);
    buffer.append(p1, messages(0, 2), 0);
    buffer.append(p0, messages(2, 2), 2);
    expect(drain(buffer)).toEqual(["t:0@0", "t:0@1", "t:1@0", "t:1@1", "t:0@2", "t:0@3"]);
  });

  it("drops records below the offset it expects (a refetch overlapping what it holds)", () => {
    const buffer = new FetchBuffer(1 << 30);
    expect(buffer.append(p0, messages(0, 5), 3)).toBe(2);
    expect(buffer.append(p0, messages(0, 2), 5)).toBe(0);
    expect(drain(buffer)).toEqual(["t:0@3", "t:0@4"]);
  });

  it("counts the bytes it holds and gives them back as records are taken or discarded", () => {
    const buffer = new FetchBuffer(1 << 30);
    buffer.append(p0, messages(0, 4, 100), 0);
    buffer.append(p1, messages(0, 2, 1000), 0);
    const full = buffer.bytes;
    expect(full).toBe(4 * (100 + 64) + 2 * (1000 + 64));
    buffer.take();
    expect(buffer.bytes).toBe(full - 164);
    buffer.discard(p1);
    expect(buffer.bytes).toBe(3 * 164);
    expect(buffer.count(p1)).toBe(0);
    expect(drain(buffer)).toEqual(["t:0@1", "t:0@2", "t:0@3"]);
    expect(buffer.bytes).toBe(0);
  });

  it("forgets everything on clear", () => {
    const buffer = new FetchBuffer(1 << 30);
    buffer.append(p0, messages(0, 3), 0);
    buffer.clear();
    expect(buffer.take()).toBeNull();
    expect(buffer.bytes).toBe(0);
  });
});

describe("FetchBuffer backpressure", () => {
  it("is full past its limit and wakes a waiting producer once drained below half", async () => {
    const buffer = new FetchBuffer(1000);
    buffer.append(p0, messages(0, 10, 100), 0);
    expect(buffer.full).toBe(true);
    let woken: boolean | null = null;
    const waiting = buffer.waitForSpace(5000).then((value) => {
      woken = value;
    });
    for (let i = 0; i < 6; i++) buffer.take();
    await Promise.resolve();
    expect(woken).toBeNull();
    buffer.take();
    await waiting;
    expect(woken).toBe(true);
    expect(buffer.bytes).toBeLessThanOrEqual(500);
  });

  it("wakes waiters when a partition is discarded, and times out otherwise", async () => {
    const buffer = new FetchBuffer(100);
    buffer.append(p0, messages(0, 5, 100), 0);
    const discarded = buffer.waitForSpace(5000);
    buffer.discard(p0);
    await expect(discarded).resolves.toBe(true);
    buffer.append(p1, messages(0, 5, 100), 0);
    await expect(buffer.waitForSpace(20)).resolves.toBe(false);
  });
});

describe("record conversion", () => {
  it("keeps Kafka's flat header list, repeated names included", () => {
    expect(
      headersOf({
        a: [Buffer.from("1"), Buffer.from("2")],
        b: Buffer.from("3"),
        c: "text",
        d: undefined,
      }).map(([name, value]) => [name, value.toString()]),
    ).toEqual([
      ["a", "1"],
      ["a", "2"],
      ["b", "3"],
      ["c", "text"],
    ]);
  });

  it("reads a null value as empty bytes and keeps a null key", () => {
    const value = toBrokerValue(p0, {
      key: null,
      value: null,
      timestamp: "1700000000123",
      attributes: 0,
      offset: "41",
      headers: {},
    });
    expect(value).toEqual({
      kind: "broker",
      payload: { key: null, value: Buffer.alloc(0), headers: [] },
      partition: p0,
      offset: 41,
      timestamp: 1700000000123,
    });
  });
});
