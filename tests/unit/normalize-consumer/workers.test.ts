import { describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../../pipelines/dlq.ts";
import type { MemoryBroker } from "../../../producers/memory-broker.ts";
import {
  EVENTS_NORMALIZED,
  EVENTS_RAW_DLQ,
  eventId,
  headers,
  newBroker,
  normalizedRecords,
  rawRecord,
  records,
  relayInputs,
  runToEnd,
  sendBytes,
  sendRaw,
  vectorInputs,
} from "./harness.ts";

// With concurrency > 1 the chain runs decode → normalize → encode in a worker pool. It must
// not be told apart from the main-thread chain: same bytes out, same order, same dead letters.

/** Fixture events, an undecodable record and a rejected one, in a fixed order. */
async function fill(broker: MemoryBroker): Promise<number> {
  const inputs = [...vectorInputs(), ...relayInputs()];
  let sent = 0;
  for (const [i, input] of inputs.entries()) {
    await sendRaw(broker, input.record);
    sent++;
    if (i % 10 === 3) {
      sendBytes(broker, Buffer.from([0, 0, 0, 0x7f, 0xff, 1, 2, 3]));
      sent++;
    }
    if (i % 10 === 7) {
      // Rejected by Relay's normalization: a timestamp before 1970 that the window leaves alone.
      await sendRaw(
        broker,
        rawRecord(`{"timestamp":-5,"start_timestamp":-10}`, { event_id: eventId(900 + i), received: 1 }),
      );
      sent++;
    }
  }
  return sent;
}

async function run(concurrency: number) {
  const broker = newBroker();
  const sent = await fill(broker);
  await runToEnd(broker, { settings: { concurrency, maxBatchSize: 7, maxBatchTimeMs: 5 } });
  const outputs = records(broker, EVENTS_NORMALIZED).map((r) => ({
    key: r.payload.key?.toString("hex"),
    value: r.payload.value.toString("base64"),
  }));
  const dlq = records(broker, EVENTS_RAW_DLQ).map((r) => {
    const h = headers(r);
    return [h[DLQ_HEADERS.originalOffset], h[DLQ_HEADERS.reason], h[DLQ_HEADERS.reasonDetail]];
  });
  return { broker, sent, outputs, dlq };
}

describe("normalize consumer in a worker pool", () => {
  it("writes the same records in the same order and dead-letters the same ones as the main thread", async () => {
    const main = await run(1);
    const pooled = await run(2);
    expect(main.outputs.length).toBeGreaterThan(30);
    expect(main.dlq.map(([, reason]) => reason)).toContain("unknown-schema-id");
    expect(main.dlq.map(([, reason]) => reason)).toContain("stale-timestamp");
    expect(main.outputs.length + main.dlq.length).toBe(main.sent);
    expect(pooled.outputs).toEqual(main.outputs);
    expect(pooled.dlq).toEqual(main.dlq);
    expect((await normalizedRecords(pooled.broker)).every((record) => record.payload.startsWith("{"))).toBe(
      true,
    );
  });
});
