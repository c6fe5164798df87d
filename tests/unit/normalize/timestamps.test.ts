// Timestamps and `received` (spec §3.3). The stale-breadcrumb and parse-error cases were
// checked against Relay's normalizer; `sent_at` drift follows the spec (the 0.10 Python binding
// ignores `sent_at`).
import { describe, expect, it } from "vitest";
import { isRejected, normalizeEvent } from "../../../consumers/normalize/normalize.ts";
import { metaOf, RECEIVED_AT, testConfig, wire } from "./support.ts";

const HOUR = 3600;

describe("timestamp window and clock drift", () => {
  it("shifts every timestamp by the envelope drift when it is at least 55 minutes", () => {
    const event = wire(
      { timestamp: RECEIVED_AT - HOUR, breadcrumbs: [{ timestamp: RECEIVED_AT - HOUR - 600 }] },
      { sentAt: RECEIVED_AT - HOUR },
    );
    expect(event.timestamp).toBe(RECEIVED_AT);
    expect((event.breadcrumbs as { values: { timestamp: number }[] }).values[0]?.timestamp).toBe(
      RECEIVED_AT - 600,
    );
    expect(event.errors).toEqual([
      {
        type: "clock_drift",
        name: "timestamp",
        sdk_time: "2023-12-31T23:00:00+00:00",
        server_time: "2024-01-01T00:00:00+00:00",
      },
    ]);
  });

  it("trusts the SDK clock for smaller drifts", () => {
    const event = wire({ timestamp: RECEIVED_AT - HOUR }, { sentAt: RECEIVED_AT - 54 * 60 });
    expect(event.timestamp).toBe(RECEIVED_AT - HOUR);
    expect(event.errors).toBeUndefined();
  });

  it("moves a future timestamp to the reception time with future_timestamp", () => {
    const event = wire({ timestamp: RECEIVED_AT + 120 });
    expect(event.timestamp).toBe(RECEIVED_AT);
    expect(metaOf(event)).toEqual({
      timestamp: {
        "": {
          err: [
            [
              "future_timestamp",
              { sdk_time: "2024-01-01T00:02:00+00:00", server_time: "2024-01-01T00:00:00+00:00" },
            ],
          ],
        },
      },
    });
  });

  it("moves a timestamp older than max_secs_in_past with past_timestamp", () => {
    const event = wire({ timestamp: RECEIVED_AT - 2_592_001 });
    expect(event.timestamp).toBe(RECEIVED_AT);
    expect((event.errors as { type: string }[])[0]?.type).toBe("past_timestamp");
  });

  it("sets received always and timestamp when missing; parses RFC 3339 strings", () => {
    expect(wire({ received: 5 })).toMatchObject({ received: RECEIVED_AT, timestamp: RECEIVED_AT });
    expect(wire({ timestamp: "2023-12-31T23:59:00Z" }).timestamp).toBe(RECEIVED_AT - 60);
  });

  it("records an unparseable timestamp and falls back to the reception time", () => {
    const event = wire({ timestamp: "nope" });
    expect(event.timestamp).toBe(RECEIVED_AT);
    expect(event.errors).toEqual([
      { type: "invalid_data", name: "timestamp", value: "nope", reason: "input contains invalid characters" },
    ]);
  });
});

describe("stale timestamps", () => {
  it("rejects an event from before 1970 when no window moves it", () => {
    const result = normalizeEvent({ timestamp: -1 }, testConfig({ maxSecsInPast: undefined }));
    expect(isRejected(result) && result.rejected).toEqual({
      reason: "stale_timestamp",
      message: "invalid transaction event: timestamp is too stale",
    });
  });

  it("removes a breadcrumb from before 1970 with an error", () => {
    const event = wire({ breadcrumbs: [{ timestamp: -5, message: "x" }] });
    expect(event.breadcrumbs).toEqual({ values: [null] });
    expect(event.errors).toEqual([
      {
        type: "invalid_data",
        name: "breadcrumbs.values.0",
        reason: "timestamp is too stale: 1969-12-31 23:59:55 UTC",
      },
    ]);
  });
});
