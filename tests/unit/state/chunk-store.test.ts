import { describe, expect, it } from "vitest";
import { chunkKey, MemoryChunkStore } from "../../../consumers/relay-intake/chunk-store.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { chunkStoreContract } from "./contracts/chunk-store-contract.ts";

chunkStoreContract("MemoryChunkStore", async () => ({
  store: new MemoryChunkStore(new ManualClock()),
  teardown: async () => undefined,
}));

const EVENT = "2107c4e968514c8690d3a3a24570c40d";

describe("MemoryChunkStore expiry", () => {
  it("reports chunks past their TTL as missing", async () => {
    const clock = new ManualClock();
    const store = new MemoryChunkStore(clock);
    await store.putChunk(1, EVENT, "att", 0, Buffer.from("old"), 10);
    clock.advance(5_000);
    await store.putChunk(1, EVENT, "att", 1, Buffer.from("new"), 10);
    clock.advance(5_000);
    const collected = await store.collect(1, EVENT, "att", 2);
    expect(collected.missing).toEqual([0]);
    expect(collected.bytes.toString()).toBe("new");
    expect(store.size).toBe(1);
  });

  it("copies the stored bytes so a reused input buffer cannot change them", async () => {
    const store = new MemoryChunkStore(new ManualClock());
    const input = Buffer.from("abc");
    await store.putChunk(1, EVENT, "att", 0, input, 10);
    input.write("xyz");
    expect((await store.collect(1, EVENT, "att", 1)).bytes.toString()).toBe("abc");
  });
});

describe("chunk keys", () => {
  it("follow ingest:chunk:{project}:{event}:{attachment}:{index}", () => {
    expect(chunkKey("ingest:", 3, EVENT, "bbbb", 4)).toBe(`ingest:chunk:3:${EVENT}:bbbb:4`);
  });
});
