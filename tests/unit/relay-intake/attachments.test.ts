import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileAttachmentStore } from "../../../consumers/relay-intake/attachment-store.ts";
import { AttachmentJoiner, checkDescriptor } from "../../../consumers/relay-intake/attachments.ts";
import { MemoryChunkStore } from "../../../consumers/relay-intake/chunk-store.ts";
import { IntakeRuleError } from "../../../consumers/relay-intake/reasons.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import type { ChunkedAttachment } from "../../../schemas/relay/types.ts";
import { eventId } from "./messages.ts";

const ID = eventId(3);
const LIMITS = { maxAttachmentBytes: 64, maxAttachmentChunks: 8 };

function descriptor(overrides: Partial<ChunkedAttachment> = {}): ChunkedAttachment {
  return {
    id: "att-1",
    name: "log.txt",
    content_type: "text/plain",
    attachment_type: "event.attachment",
    chunks: 3,
    size: 10,
    rate_limited: false,
    ...overrides,
  };
}

describe("AttachmentJoiner", () => {
  let dir: string;
  let clock: ManualClock;
  let chunks: MemoryChunkStore;
  let joiner: AttachmentJoiner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intake-attachments-"));
    clock = new ManualClock(1_000_000);
    chunks = new MemoryChunkStore(clock);
    joiner = new AttachmentJoiner(chunks, new FileAttachmentStore(dir), LIMITS);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function put(index: number, text: string, ttl = 60): Promise<void> {
    await chunks.putChunk(1, ID, "att-1", index, Buffer.from(text), ttl);
  }

  it("joins chunks stored out of order and writes the bytes to the store", async () => {
    await put(2, "ij");
    await put(0, "abcd");
    await put(1, "efgh");
    const joined = await joiner.join(1, ID, descriptor());
    expect(joined.outcome).toBe("stored");
    expect(joined.error).toBeUndefined();
    expect(joined.record).toEqual({
      id: "att-1",
      name: "log.txt",
      content_type: "text/plain",
      attachment_type: "event.attachment",
      size: 10,
      chunks: 3,
      rate_limited: false,
      stored_key: `1/${ID}/att-1/log.txt`,
      missing: false,
    });
    expect(readFileSync(join(dir, "1", ID, "att-1", "log.txt"), "utf8")).toBe("abcdefghij");
  });

  it("records missing chunks (never sent, or expired) as a processing error and stores nothing", async () => {
    await put(0, "abcd", 1);
    await put(2, "ij", 60);
    clock.advance(1500);
    const joined = await joiner.join(1, ID, descriptor());
    expect(joined.outcome).toBe("missing_chunks");
    expect(joined.record).toMatchObject({ missing: true, stored_key: null, size: 10 });
    expect(joined.error?.type).toBe("attachment_missing_chunks");
    expect(JSON.parse(joined.error?.detail ?? "")).toEqual({
      attachment_id: "att-1",
      chunks: 3,
      missing: [0, 1],
      missing_count: 2,
    });
  });

  it("reports a size that differs from Relay's announcement", async () => {
    await put(0, "abcd");
    await put(1, "efgh");
    await put(2, "i");
    const joined = await joiner.join(1, ID, descriptor());
    expect(joined.outcome).toBe("size_mismatch");
    expect(joined.record.stored_key).toBeNull();
    expect(JSON.parse(joined.error?.detail ?? "")).toMatchObject({ expected: 10, actual: 9 });
  });

  it("keeps rate-limited and empty attachments out of the store, and stores inline data", async () => {
    await put(0, "abcd");
    await put(1, "efgh");
    await put(2, "ij");
    expect((await joiner.join(1, ID, descriptor({ rate_limited: true }))).outcome).toBe("rate_limited");
    expect((await joiner.join(1, ID, descriptor({ chunks: 0, size: 0 }))).outcome).toBe("empty");
    const inline = await joiner.join(
      1,
      ID,
      descriptor({ id: "att-2", chunks: 0, size: 3, data: Buffer.from("xyz") }),
    );
    expect(inline).toMatchObject({
      outcome: "stored",
      record: { size: 3, stored_key: `1/${ID}/att-2/log.txt` },
    });
  });

  it("refuses joined bytes beyond the limit when Relay announced no size", async () => {
    for (let i = 0; i < 3; i++) await put(i, "x".repeat(30));
    const joined = await joiner.join(1, ID, descriptor({ size: undefined }));
    expect(joined).toMatchObject({ outcome: "too_large", record: { stored_key: null, size: 90 } });
  });
});

describe("checkDescriptor", () => {
  it("refuses descriptors announcing more chunks or bytes than the limits", () => {
    expect(() => checkDescriptor(descriptor({ chunks: 9 }), LIMITS, "attachment")).toThrow(IntakeRuleError);
    expect(() => checkDescriptor(descriptor({ size: 65 }), LIMITS, "attachments[0]")).toThrow(
      /attachments\[0\] announces 65 bytes/,
    );
    expect(() => checkDescriptor(descriptor({ chunks: 8, size: 64 }), LIMITS, "attachment")).not.toThrow();
  });
});
