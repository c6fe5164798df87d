import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadOptions } from "../../../config/options.ts";
import { startDevServer } from "../../../dev/server.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { MemoryProducer } from "../../../producers/memory-producer.ts";
import { decodeRelayMessage, eventIdFromKey } from "../../../schemas/relay/codec.ts";
import type { RelayAttachmentChunkMessage, RelayEventMessage } from "../../../schemas/relay/types.ts";
import {
  ENVELOPE_PATH,
  FakeIssues,
  fixture,
  KEY_1,
  minimalEnvelope,
  PROJECTS,
  send,
  sentryAuth,
  startTestServer,
  type TestServer,
} from "./helpers.ts";

const AUTH = sentryAuth(KEY_1);
const MiB = 1024 * 1024;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.producer.take();
});

function postEnvelope(body: Buffer | string) {
  return t.send({
    path: ENVELOPE_PATH,
    headers: { ...AUTH, "content-type": "application/x-sentry-envelope" },
    body,
  });
}

describe("dev intake: what reaches the producer is what Relay would produce", () => {
  it("produces a @sentry/node error as one ingest-events message keyed by the event UUID", async () => {
    const before = Math.floor(Date.now() / 1000);
    const reply = await postEnvelope(fixture("node-error.envelope"));
    const after = Math.floor(Date.now() / 1000);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ id: "5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6" });
    const [record, ...rest] = t.producer.take();
    expect(rest).toEqual([]);
    expect(record!.topic).toBe("ingest-events");
    expect(eventIdFromKey(record!.key)).toBe("5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6");
    const message = decodeRelayMessage(record!.value, {
      allowedTypes: new Set(["event"]),
    }) as RelayEventMessage;
    expect(message.project_id).toBe(1);
    expect(message.remote_addr).toBe("127.0.0.1");
    expect(message.attachments).toEqual([]);
    expect(message.start_time).toBeGreaterThanOrEqual(before);
    expect(message.start_time).toBeLessThanOrEqual(after);
    expect(JSON.parse(message.payload.toString("utf8")).sdk.name).toBe("sentry.javascript.node");
  });

  it("produces chunks before the event that lists them, all on ingest-attachments under one key", async () => {
    const attachment = Buffer.alloc(2 * MiB + 5, 0x41);
    const body = Buffer.concat([
      Buffer.from(
        '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"event"}\n{"message":"with attachment"}\n',
      ),
      Buffer.from(
        `{"type":"attachment","length":${attachment.length},"filename":"big.bin","content_type":"application/octet-stream"}\n`,
      ),
      attachment,
    ]);
    expect((await postEnvelope(body)).status).toBe(200);
    const records = t.producer.take();
    expect(records.map((r) => [r.topic, r.message.type])).toEqual([
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "event"],
    ]);
    expect(new Set(records.map((r) => r.key!.toString("hex")))).toEqual(
      new Set(["9ec79c33ec9942ab8353589fcb2e04dc"]),
    );
    const chunks = records.slice(0, 3).map((r) => r.message as RelayAttachmentChunkMessage);
    expect(chunks.map((c) => [c.chunk_index, c.payload.length])).toEqual([
      [0, MiB],
      [1, MiB],
      [2, 5],
    ]);
    const event = records[3]!.message as RelayEventMessage;
    expect(event.attachments).toEqual([
      {
        id: chunks[0]!.id,
        name: "big.bin",
        content_type: "application/octet-stream",
        attachment_type: "event.attachment",
        chunks: 3,
        size: attachment.length,
        rate_limited: false,
      },
    ]);
  });

  it("produces a user_report message for a user report envelope", async () => {
    expect((await postEnvelope(fixture("user-report.envelope"))).status).toBe(200);
    const [record] = t.producer.take();
    expect(record!.message).toMatchObject({ type: "user_report", project_id: 1 });
    expect(eventIdFromKey(record!.key)).toBe("c3b6f1b2a0d94e3b8f1e2d3c4b5a6978");
  });

  it("accepts sessions and client reports with 200 and {} and counts them as dropped", async () => {
    const reply = await postEnvelope(fixture("session-client-report.envelope"));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({});
    expect(t.producer.take()).toEqual([]);
    const dropped = await t.metrics.devEnvelopeItems.get();
    const count = (type: string) =>
      dropped.values.find((v) => v.labels.item_type === type && v.labels.outcome === "dropped")?.value ?? 0;
    expect(count("session")).toBeGreaterThanOrEqual(1);
    expect(count("client_report")).toBeGreaterThanOrEqual(1);
  });

  it("keeps every message of one event on one partition of the in-memory broker, chunks first", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("ingest-attachments", 4);
    const server = await startDevServer({
      producer: new MemoryProducer(broker),
      projects: PROJECTS,
      issues: new FakeIssues(),
      metrics: createMetrics(),
      logger: silentLogger(),
      options: loadOptions({}, { devPort: 0 }),
    });
    const eventIds = Array.from({ length: 12 }, () => randomUUID().replaceAll("-", ""));
    try {
      for (const eventId of eventIds) {
        const body = `{"event_id":"${eventId}"}\n{"type":"event"}\n{"message":"m"}\n{"type":"attachment","length":3}\nabc\n`;
        expect((await send(server.url, { path: ENVELOPE_PATH, headers: AUTH, body })).status).toBe(200);
      }
      const seen = new Map<string, { partition: number; types: string[] }>();
      for (const p of broker.partitionsOf("ingest-attachments")) {
        for (const record of broker.log(p)) {
          const eventId = eventIdFromKey(record.payload.key)!;
          const entry = seen.get(eventId) ?? { partition: p.index, types: [] };
          expect(entry.partition).toBe(p.index);
          entry.types.push(decodeRelayMessage(record.payload.value).type);
          seen.set(eventId, entry);
        }
      }
      expect([...seen.keys()].sort()).toEqual([...eventIds].sort());
      for (const { types } of seen.values()) expect(types).toEqual(["attachment_chunk", "event"]);
      expect(new Set([...seen.values()].map((v) => v.partition)).size).toBeGreaterThan(1);
    } finally {
      await server.close();
    }
  });

  it("answers with the event id of a /store/ request and forwards its body unchanged", async () => {
    const body = '{"event_id":"abcdefabcdefabcdefabcdefabcdefab","message":"store me","extra":{"n":1}}';
    const reply = await t.send({ path: "/api/1/store/", headers: AUTH, body });
    expect(reply.json).toEqual({ id: "abcdefabcdefabcdefabcdefabcdefab" });
    const [record] = t.producer.take();
    expect((record!.message as RelayEventMessage).payload.toString("utf8")).toBe(body);
  });

  it("answers 503 with a detail when the broker refuses, and keeps serving", async () => {
    t.producer.failWith = new Error("broker down");
    try {
      const reply = await postEnvelope(minimalEnvelope());
      expect(reply.status).toBe(503);
      expect(reply.json).toEqual({ detail: "the broker did not accept the event" });
    } finally {
      t.producer.failWith = undefined;
    }
    expect((await postEnvelope(minimalEnvelope())).status).toBe(200);
  });
});

describe("dev server: HTTP surface", () => {
  it("answers a CORS preflight like Relay and adds CORS headers to answers", async () => {
    const preflight = await t.send({
      method: "OPTIONS",
      path: ENVELOPE_PATH,
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-headers"]).toContain("x-sentry-auth");
    expect(preflight.headers["access-control-allow-headers"]).toContain("content-encoding");
    const reply = await postEnvelope(minimalEnvelope());
    expect(reply.headers["access-control-allow-origin"]).toBe("*");
    expect(reply.headers["access-control-expose-headers"]).toContain("x-sentry-error");
  });

  it("serves /health and /metrics with the dev counters", async () => {
    expect((await t.send({ method: "GET", path: "/health" })).json).toEqual({ status: "ok" });
    const metrics = await t.send({ method: "GET", path: "/metrics" });
    expect(metrics.status).toBe(200);
    expect(metrics.body.toString()).toMatch(
      /ingest_dev_requests_total\{endpoint="envelope",status="200"\} \d+/,
    );
  });

  it("answers 404 for unknown paths and 405 for wrong methods, with a detail", async () => {
    const missing = await t.send({ method: "GET", path: "/api/1/nothing/" });
    expect([missing.status, missing.json]).toEqual([404, { detail: "not found" }]);
    const wrongMethod = await t.send({ method: "GET", path: ENVELOPE_PATH });
    expect(wrongMethod.status).toBe(405);
  });

  it("gives the DSN SDKs need and closes with keep-alive connections open", async () => {
    const other = await startTestServer();
    expect(other.server.dsn(1)).toBe(`http://${KEY_1}@${other.server.url.slice("http://".length)}/1`);
    expect(() => other.server.dsn(99)).toThrow(RangeError);
    await other.send({ path: ENVELOPE_PATH, headers: AUTH, body: minimalEnvelope() });
    const started = Date.now();
    await other.server.close();
    expect(Date.now() - started).toBeLessThan(1500);
    other.agent.destroy();
  });
});
