import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChunkStore } from "../../../../consumers/relay-intake/chunk-store.ts";

export interface ChunkFixture {
  readonly store: ChunkStore;
  readonly teardown: () => Promise<void>;
}

const TTL = 3600;
const EVENT = "2107c4e968514c8690d3a3a24570c40d";
const ATTACHMENT = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

/** Every byte value, invalid UTF-8 sequences and NULs included. */
export function binaryChunk(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

/** Behaviour every ChunkStore has, whatever keeps the chunks. */
export function chunkStoreContract(name: string, setup: () => Promise<ChunkFixture>): void {
  describe(`${name}: ChunkStore contract`, () => {
    let fx: ChunkFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it("joins chunks in index order whatever order they were stored in", async () => {
      const chunks = [0, 1, 2, 3].map((i) => binaryChunk(i, 1000 + i));
      for (const i of [2, 0, 3, 1]) await fx.store.putChunk(1, EVENT, ATTACHMENT, i, chunks[i]!, TTL);
      const collected = await fx.store.collect(1, EVENT, ATTACHMENT, 4);
      expect(collected.missing).toEqual([]);
      expect(collected.bytes.equals(Buffer.concat(chunks))).toBe(true);
    });

    it("keeps bytes exact, including ones that are not valid UTF-8", async () => {
      const bytes = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0x00, 0x80]);
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 0, new Uint8Array(bytes), TTL);
      const collected = await fx.store.collect(1, EVENT, ATTACHMENT, 1);
      expect([...collected.bytes]).toEqual([...bytes]);
    });

    it("reports missing chunk indexes and joins the ones it has", async () => {
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 0, Buffer.from("a"), TTL);
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 2, Buffer.from("c"), TTL);
      const collected = await fx.store.collect(1, EVENT, ATTACHMENT, 5);
      expect(collected.missing).toEqual([1, 3, 4]);
      expect(collected.bytes.toString()).toBe("ac");
    });

    it("overwrites a redelivered chunk instead of duplicating it", async () => {
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 0, Buffer.from("same"), TTL);
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 0, Buffer.from("same"), TTL);
      expect((await fx.store.collect(1, EVENT, ATTACHMENT, 1)).bytes.toString()).toBe("same");
    });

    it("treats an attachment without chunks as empty and complete", async () => {
      expect(await fx.store.collect(1, EVENT, ATTACHMENT, 0)).toEqual({
        bytes: Buffer.alloc(0),
        missing: [],
      });
    });

    it("scopes chunks by project, event and attachment", async () => {
      await fx.store.putChunk(1, EVENT, ATTACHMENT, 0, Buffer.from("p1"), TTL);
      expect((await fx.store.collect(2, EVENT, ATTACHMENT, 1)).missing).toEqual([0]);
      expect((await fx.store.collect(1, "f".repeat(32), ATTACHMENT, 1)).missing).toEqual([0]);
      expect((await fx.store.collect(1, EVENT, "other", 1)).missing).toEqual([0]);
      // A ':' inside an id must not let two different (event, attachment) pairs share keys.
      await fx.store.putChunk(1, "e:a", "b", 0, Buffer.from("x"), TTL);
      expect((await fx.store.collect(1, "e", "a:b", 1)).missing).toEqual([0]);
    });

    it("deletes every chunk of an attachment and nothing else", async () => {
      for (let i = 0; i < 3; i++) await fx.store.putChunk(1, EVENT, ATTACHMENT, i, Buffer.from([i]), TTL);
      await fx.store.putChunk(1, EVENT, "keep", 0, Buffer.from("k"), TTL);
      await fx.store.delete(1, EVENT, ATTACHMENT, 3);
      expect((await fx.store.collect(1, EVENT, ATTACHMENT, 3)).missing).toEqual([0, 1, 2]);
      expect((await fx.store.collect(1, EVENT, "keep", 1)).missing).toEqual([]);
    });

    it("rejects negative or fractional chunk indexes and counts", async () => {
      await expect(fx.store.putChunk(1, EVENT, ATTACHMENT, -1, Buffer.from("x"), TTL)).rejects.toThrow(
        RangeError,
      );
      await expect(fx.store.putChunk(1, EVENT, ATTACHMENT, 0.5, Buffer.from("x"), TTL)).rejects.toThrow(
        RangeError,
      );
      await expect(fx.store.collect(1, EVENT, ATTACHMENT, -1)).rejects.toThrow(RangeError);
    });
  });
}
