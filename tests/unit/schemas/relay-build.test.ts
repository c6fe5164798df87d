import { Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { relayAttachment, relayEventMessage, UNNAMED_ATTACHMENT } from "../../../schemas/relay/build.ts";
import { decodeRelayMessage, encodeRelayMessage } from "../../../schemas/relay/codec.ts";
import { relayFixtures } from "./fixtures.ts";

const EVENT_ID = "2107c4e968514c8690d3a3a24570c40d";
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });

describe("building Relay-shaped messages", () => {
  it("rebuilds the dev-default-message example byte for byte from its parts", () => {
    const fixture = relayFixtures().find((f) => f.name === "ingest-events/dev-default-message.msgpack")!;
    const original = decodeRelayMessage(fixture.bytes);
    if (original.type !== "event") throw new Error("fixture is an event");
    const rebuilt = relayEventMessage({
      payload: original.payload,
      eventId: original.event_id,
      projectId: original.project_id,
      startTime: original.start_time + 0.9,
      remoteAddr: "172.18.0.1",
    });
    expect(encodeRelayMessage(rebuilt).equals(fixture.bytes)).toBe(true);
  });

  it("writes remote_addr as nil and an empty attachment list when there are none", () => {
    const message = relayEventMessage({
      payload: Buffer.from("{}"),
      eventId: EVENT_ID,
      projectId: 1,
      startTime: 5,
    });
    const map = unpackr.unpack(encodeRelayMessage(message)) as Map<string, unknown>;
    expect(map.get("remote_addr")).toBeNull();
    expect(map.get("attachments")).toEqual([]);
  });

  it("cuts an attachment into chunks in order and counts them in the descriptor", () => {
    const data = Buffer.from("abcdefghij");
    const { chunks, descriptor, message } = relayAttachment({
      eventId: EVENT_ID,
      projectId: 1,
      id: "att-1",
      data,
      filename: "log.txt",
      contentType: "text/plain",
      chunkSize: 4,
      standalone: false,
    });
    expect(chunks.map((c) => [c.chunk_index, c.payload.toString()])).toEqual([
      [0, "abcd"],
      [1, "efgh"],
      [2, "ij"],
    ]);
    expect(descriptor).toEqual({
      id: "att-1",
      name: "log.txt",
      content_type: "text/plain",
      attachment_type: "event.attachment",
      chunks: 3,
      size: 10,
      rate_limited: false,
    });
    expect(message).toBeUndefined();
    for (const chunk of chunks) expect(decodeRelayMessage(encodeRelayMessage(chunk))).toEqual(chunk);
  });

  it("inlines a small standalone attachment and sends it as an attachment message", () => {
    const { chunks, descriptor, message } = relayAttachment({
      eventId: EVENT_ID,
      projectId: 1,
      id: "att-2",
      data: Buffer.from([1, 2, 3]),
      attachmentType: "event.minidump",
      rateLimited: true,
      chunkSize: 1024,
      standalone: true,
    });
    expect(chunks).toEqual([]);
    expect(descriptor).toMatchObject({
      name: UNNAMED_ATTACHMENT,
      chunks: 0,
      data: Buffer.from([1, 2, 3]),
      size: 3,
    });
    expect("content_type" in descriptor).toBe(false);
    expect(decodeRelayMessage(encodeRelayMessage(message!))).toEqual(message);
  });

  it("sends an empty attachment with no chunks and no data", () => {
    const { chunks, descriptor } = relayAttachment({
      eventId: EVENT_ID,
      projectId: 1,
      id: "att-3",
      data: Buffer.alloc(0),
      chunkSize: 1024,
      standalone: false,
    });
    expect(chunks).toEqual([]);
    expect(descriptor).toMatchObject({ chunks: 0, size: 0 });
    expect("data" in descriptor).toBe(false);
  });
});
