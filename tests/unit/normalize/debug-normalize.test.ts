// `ingest debug normalize` and the config it builds from the options registry.
import { describe, expect, it } from "vitest";
import { createDebugNormalizeCommand, type DebugNormalizeIo } from "../../../cli/commands/debug-normalize.ts";
import { loadOptions } from "../../../config/options.ts";
import { normalizeConfigFromOptions } from "../../../consumers/normalize/config.ts";
import { RECEIVED_AT } from "./support.ts";

interface Captured {
  readonly io: DebugNormalizeIo;
  readonly out: string[];
  readonly err: string[];
}

function capture(input: string, env: Record<string, string> = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const io: DebugNormalizeIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readInput: (file) => {
      if (file !== "event.json" && file !== "-") throw new Error(`unexpected file ${file}`);
      return input;
    },
    now: () => RECEIVED_AT,
    options: () => loadOptions(env),
  };
  return { io, out, err };
}

async function run(captured: Captured, args: readonly string[]): Promise<number | undefined> {
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await createDebugNormalizeCommand(captured.io)
      .exitOverride()
      .parseAsync(["node", "normalize", ...args]);
    return process.exitCode === undefined ? undefined : Number(process.exitCode);
  } finally {
    process.exitCode = previous;
  }
}

describe("normalizeConfigFromOptions", () => {
  it("takes the tunables from the options registry and the rest from the message", () => {
    const config = normalizeConfigFromOptions(
      loadOptions({ INGEST_MAX_SECS_IN_FUTURE: "30", INGEST_ENABLE_TRIMMING: "false" }),
      {
        receivedAt: RECEIVED_AT,
        clientIp: "203.0.113.7",
        projectId: 42,
      },
    );
    expect(config).toMatchObject({
      receivedAt: RECEIVED_AT,
      maxSecsInPast: 2_592_000,
      maxSecsInFuture: 30,
      enableTrimming: false,
      normalizeUserAgent: true,
      clientIp: "203.0.113.7",
      projectId: 42,
      protocolVersion: "7",
    });
  });
});

describe("ingest debug normalize", () => {
  it("prints the normalized event in Relay's wire form, errors and _meta included", async () => {
    const captured = capture(
      JSON.stringify({
        event_id: "52df9022835246eeb317dbd739ccd059",
        level: "bogus",
        user: { ip_address: "{{auto}}" },
      }),
    );
    const code = await run(captured, ["--client-ip", "203.0.113.7", "--project-id", "42", "event.json"]);
    expect(code).toBeUndefined();
    expect(captured.err).toEqual([]);
    const event = JSON.parse(captured.out.join("")) as Record<string, unknown>;
    expect(event).toMatchObject({
      event_id: "52df9022835246eeb317dbd739ccd059",
      project: 42,
      level: "error",
      received: RECEIVED_AT,
      user: { ip_address: "203.0.113.7" },
      errors: [{ type: "invalid_data", name: "level", value: "bogus", reason: "invalid level" }],
      _meta: { level: { "": { err: [["invalid_data", { reason: "invalid level" }]], val: "bogus" } } },
    });
  });

  it("honours --received-at, the window overrides and --no-trimming", async () => {
    const captured = capture(JSON.stringify({ timestamp: "2023-12-31T23:00:00Z", logger: "x".repeat(100) }));
    await run(captured, [
      "--received-at",
      "2024-01-01T00:00:00Z",
      "--max-secs-in-past",
      "60",
      "--no-trimming",
      "-",
    ]);
    const event = JSON.parse(captured.out.join("")) as Record<string, unknown>;
    expect(event.timestamp).toBe(RECEIVED_AT);
    expect(event.logger).toBe("x".repeat(100));
    expect((event.errors as { type: string }[]).map((error) => error.type)).toEqual(["past_timestamp"]);
  });

  it("exits 1 with the reason on stderr for a rejected event", async () => {
    const captured = capture(JSON.stringify({ type: "transaction", timestamp: RECEIVED_AT }));
    const code = await run(captured, ["event.json"]);
    expect(code).toBe(1);
    expect(captured.out).toEqual([]);
    expect(captured.err.join("")).toContain("invalid transaction event");
  });
});
