import { describe, expect, it } from "vitest";
import { IntakeRuleError } from "../../../consumers/relay-intake/reasons.ts";
import {
  readUserReport,
  UNREAL_UNATTENDED_MESSAGE,
  userReportRecord,
} from "../../../consumers/relay-intake/user-report.ts";
import { DecodeError } from "../../../schemas/errors.ts";
import type { RelayUserReportMessage } from "../../../schemas/relay/types.ts";
import { eventId } from "./messages.ts";

const LIMITS = { maxBytes: 65536, maxDepth: 8 };
const ID = eventId(7);

function message(report: unknown): RelayUserReportMessage {
  return {
    type: "user_report",
    project_id: 2,
    start_time: 1_700_000_000,
    payload: Buffer.from(typeof report === "string" ? report : JSON.stringify(report)),
  };
}

function detailOf(report: unknown): string {
  try {
    readUserReport(message(report), LIMITS);
  } catch (error) {
    if (error instanceof IntakeRuleError) {
      expect(error.reason).toBe("invalid-user-report");
      return error.detail;
    }
    throw error;
  }
  throw new Error("expected the report to be refused");
}

describe("readUserReport", () => {
  it("accepts a report and builds the user-reports record", () => {
    const m = message({ event_id: ID, name: "Jane", email: "jane@example.com", comments: "  It broke.\n" });
    const report = readUserReport(m, LIMITS);
    expect(report).toEqual({ eventId: ID, name: "Jane", email: "jane@example.com", comments: "It broke." });
    expect(userReportRecord(report, m, 11)).toEqual({
      project_id: 2,
      organization_id: 11,
      event_id: ID,
      name: "Jane",
      email: "jane@example.com",
      comments: "It broke.",
      start_time: 1_700_000_000,
    });
  });

  it("normalizes the event id like Python's uuid.UUID(...).hex and defaults name and email", () => {
    const dashed = `{${ID.slice(0, 8)}-${ID.slice(8, 12)}-${ID.slice(12, 16)}-${ID.slice(16, 20)}-${ID.slice(20)}}`;
    const report = readUserReport(
      message({ event_id: dashed.toUpperCase(), comments: "x", name: null }),
      LIMITS,
    );
    expect(report).toMatchObject({ eventId: ID, name: "", email: "" });
  });

  it("refuses what Sentry's validate_user_report refuses", () => {
    expect(detailOf({ event_id: ID })).toMatch(/comments is missing/);
    expect(detailOf({ comments: "x" })).toMatch(/event_id is missing/);
    expect(detailOf({ event_id: ID, comments: " \n " })).toMatch(/empty/);
    expect(detailOf({ event_id: ID, comments: UNREAL_UNATTENDED_MESSAGE })).toMatch(/unattended/);
    expect(detailOf({ event_id: "not-a-uuid", comments: "x" })).toMatch(/not a UUID/);
    expect(detailOf({ event_id: ID, comments: 5 })).toMatch(/comments is not a string/);
    expect(detailOf({ event_id: ID, comments: "x", name: "n".repeat(129) })).toMatch(
      /name is longer than 128/,
    );
    expect(detailOf({ event_id: ID, comments: "x", email: `${"e".repeat(70)}@b.com` })).toMatch(
      /email is longer than 75/,
    );
    expect(detailOf({ event_id: ID, comments: "c".repeat(4097) })).toMatch(/comments is longer than 4096/);
  });

  it("counts lengths in code points, as Python does", () => {
    // 128 emoji are 256 UTF-16 units but 128 characters.
    const report = readUserReport(message({ event_id: ID, comments: "x", name: "😀".repeat(128) }), LIMITS);
    expect([...report.name]).toHaveLength(128);
  });

  it("leaves payloads that are not bounded JSON objects to the decoder's reasons", () => {
    expect(() => readUserReport(message("{nope"), LIMITS)).toThrow(DecodeError);
    expect(() => readUserReport(message("[]"), LIMITS)).toThrow(/payload-not-json-object/);
  });

  it("refuses a report with a __proto__ key as proto-key, as event payloads are", () => {
    const text = `{"event_id":"${ID}","comments":"hi","name":{"__proto__":{"admin":true}}}`;
    expect(() => readUserReport(message(text), LIMITS)).toThrow(/proto-key/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
