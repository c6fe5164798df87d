import { describe, expect, it } from "vitest";
import { FILTERED, isFiltered, Message, mergeCommittable, Partition } from "../../../pipelines/types.ts";
import { plainOffsets } from "./helpers.ts";

describe("Partition", () => {
  it("interns partitions so the same topic and index is the same Map key", () => {
    const a = Partition.of("events", 3);
    const map = new Map([[a, 1]]);
    expect(Partition.of("events", 3)).toBe(a);
    expect(map.get(Partition.of("events", 3))).toBe(1);
    expect(Partition.of("events", 4)).not.toBe(a);
  });

  it("belongs to a topic exactly when the names are equal", () => {
    expect(Partition.of("events", 0).topic).toBe("events");
    expect(Partition.of("events-dlq", 0).topic).not.toBe("events");
  });

  it("orders by topic, then index", () => {
    const sorted = [Partition.of("b", 0), Partition.of("a", 2), Partition.of("a", 1)].sort(Partition.compare);
    expect(sorted.map(String)).toEqual(["a:1", "a:2", "b:0"]);
  });
});

describe("Message", () => {
  const p = Partition.of("events", 1);

  it("gives a broker value the committable offset + 1", () => {
    expect(plainOffsets(Message.broker("x", p, 41, 5).committable)).toEqual({ "events:1": 42 });
  });

  it("keeps the value kind, offsets and timestamp when replacing the payload", () => {
    const broker = Message.broker("x", p, 7, 123).replace(99);
    expect(broker.value).toEqual({ kind: "broker", payload: 99, partition: p, offset: 7, timestamp: 123 });
    const committable = new Map([[p, 10]]);
    const value = Message.value("y", committable, 5).replace([1]);
    expect(value.value).toEqual({ kind: "value", payload: [1], committable, timestamp: 5 });
  });

  it("compares structurally, so equal messages are equal", () => {
    expect(Message.broker("a", p, 1, 2)).toEqual(Message.broker("a", p, 1, 2));
    expect(Message.broker("a", p, 1, 2)).not.toEqual(Message.broker("a", p, 2, 2));
  });

  it("marks filtered messages with one shared payload", () => {
    const filtered = Message.filtered(new Map([[p, 3]]));
    expect(filtered.payload).toBe(FILTERED);
    expect(isFiltered(filtered.payload)).toBe(true);
    expect(isFiltered("FilteredPayload")).toBe(false);
  });

  it("merges committables as a high-watermark, the later value winning", () => {
    const target = new Map<Partition, number>();
    mergeCommittable(target, Message.broker("a", p, 4, 0).value);
    mergeCommittable(target, Message.value("b", new Map([[Partition.of("events", 2), 9]])).value);
    mergeCommittable(target, Message.broker("c", p, 5, 0).value);
    expect(plainOffsets(target)).toEqual({ "events:1": 6, "events:2": 9 });
  });
});
