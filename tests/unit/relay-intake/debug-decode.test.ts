import { describe, expect, it } from "vitest";
import {
  createDebugDecodeCommand,
  type DebugDecodeIo,
  runDebugDecode,
} from "../../../cli/commands/debug-decode.ts";
import { UsageError } from "../../../cli/usage.ts";
import { loadOptions } from "../../../config/options.ts";
import {
  attachmentMessages,
  eventId,
  eventMessage,
  fixtureBytes,
  fixtureDecoded,
  packr,
} from "./messages.ts";

function io(input: Buffer) {
  const out: string[] = [];
  const err: string[] = [];
  const value: DebugDecodeIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readInput: () => input,
    options: () => loadOptions({}),
  };
  return { io: value, out, err };
}

async function decode(input: Buffer, topic = "ingest-attachments") {
  const run = io(input);
  const code = await runDebugDecode("-", { topic }, run.io);
  return { code, json: run.out.length > 0 ? JSON.parse(run.out.join("")) : undefined, err: run.err.join("") };
}

describe("ingest debug decode", () => {
  it("prints Relay's example event with its payload parsed", async () => {
    const name = "ingest-events/dev-default-message.msgpack";
    const { code, json } = await decode(fixtureBytes(name), "ingest-events");
    const decoded = fixtureDecoded(name);
    expect(code).toBe(0);
    expect(json).toEqual({
      ...decoded,
      payload: (decoded.payload as { __bytes_json__: unknown }).__bytes_json__,
      payload_encoding: "json",
    });
  });

  it("shows binary chunk bytes and inline attachment data as base64", async () => {
    const id = eventId(1);
    const bytes = Buffer.from([0x4d, 0x44, 0x4d, 0x50, 0x93, 0xa7]);
    const chunked = attachmentMessages(id, "a", bytes, { chunkSize: 4 });
    const { json: chunk } = await decode(chunked.chunks[0] as Buffer);
    expect(chunk).toMatchObject({
      type: "attachment_chunk",
      payload: "TURNUA==",
      payload_encoding: "base64",
    });
    const inline = attachmentMessages(id, "b", bytes, { standalone: true, chunkSize: 1024 });
    const { json: attachment } = await decode(inline.message as Buffer);
    expect(attachment.attachment).toMatchObject({ data: bytes.toString("base64"), data_encoding: "base64" });
  });

  it("prints unknown keys beside the known ones, a __proto__ key as plain data", async () => {
    const map = new Map<string, unknown>([
      ["type", "attachment_chunk"],
      ["payload", Buffer.from("{}")],
      ["event_id", eventId(2)],
      ["project_id", 1],
      ["id", "x"],
      ["chunk_index", 0],
      ["__proto__", new Map([["polluted", true]])],
    ]);
    const run = io(packr.pack(map));
    expect(await runDebugDecode("-", { topic: "ingest-attachments" }, run.io)).toBe(0);
    const text = run.out.join("");
    expect(text).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("applies the topic's message types and reports what the codec refuses on stderr", async () => {
    const chunk = attachmentMessages(eventId(3), "a", Buffer.from("abc"), { chunkSize: 2 })
      .chunks[0] as Buffer;
    const refused = await decode(chunk, "ingest-events");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^ingest debug decode: unknown-message-type at type: /);
    const truncated = await decode(eventMessage(eventId(3)).subarray(0, 20), "ingest-events");
    expect(truncated).toMatchObject({ code: 1, err: expect.stringMatching(/truncated-msgpack/) });
  });

  it("refuses a topic that does not carry Relay messages", async () => {
    await expect(runDebugDecode("-", { topic: "events-raw" }, io(Buffer.alloc(0)).io)).rejects.toThrow(
      UsageError,
    );
  });

  it("is a commander command taking --topic and a file", async () => {
    const run = io(eventMessage(eventId(4)));
    const command = createDebugDecodeCommand(run.io).exitOverride();
    await command.parseAsync(["--topic", "ingest-events", "--pretty", "-"], { from: "user" });
    expect(JSON.parse(run.out.join(""))).toMatchObject({
      type: "event",
      event_id: eventId(4),
      project_id: 1,
    });
    expect(run.out.join("")).toContain('\n  "type": "event"');
  });
});
