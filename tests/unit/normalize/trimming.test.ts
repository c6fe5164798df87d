// Trimming (spec §4). The databag cases transcribe Relay's own trimming tests
// (relay-event-normalization/src/trimming.rs: test_databag_stripping,
// test_extra_trimming_long_arrays, test_custom_context_trimming, test_databag_state_leak,
// test_frame_hard_limit, test_slim_frame_data_over_max), scaled to the event-level limits.
import { describe, expect, it } from "vitest";
import { metaOf, normalized, wire } from "./support.ts";

function nested(depth: number): unknown {
  return depth === 0 ? "max depth" : { [`key${depth}`]: nested(depth - 1) };
}

describe("databags", () => {
  it("turns the container at the last allowed level of an extra value into compact JSON", () => {
    const event = wire({ extra: { key_1: "value 1", key_2: nested(8), key_3: nested(5) } });
    expect(event.extra).toEqual({
      key_1: "value 1",
      key_2: { key8: { key7: { key6: { key5: { key4: '{"key3":{"key2":{"key1":"max depth"}}}' } } } } },
      key_3: nested(5),
    });
  });

  it("cuts a long extra array at the byte budget and records the original length", () => {
    const event = wire({ extra: { foo: new Array(200_000).fill(1) } });
    expect(((event.extra as Record<string, unknown[]>).foo as unknown[]).length).toBe(8192);
    expect(metaOf(event)).toEqual({ extra: { foo: { "": { len: 200_000 } } } });
  });

  it("gives a custom context 8192 bytes: keys in order, the later string cut to what is left", () => {
    const context = normalized({ contexts: { despacito1: { foo: "a".repeat(4000), bar: "a".repeat(5000) } } })
      .event.contexts as Record<string, Record<string, string>>;
    expect(context.despacito1?.bar?.length).toBe(5000);
    expect(context.despacito1?.foo?.length).toBe(3189);
  });

  it("gives every breadcrumb and frame its own budget", () => {
    const crumbs = Array.from({ length: 200 }, () => ({ data: { spamspamspam: "blablabla" } }));
    const frames = Array.from({ length: 200 }, () => ({
      function: "importantFunctionName",
      symbol: "important_symbol",
    }));
    const event = normalized({
      breadcrumbs: crumbs,
      exception: [{ type: "TypeError", value: "important error message", stacktrace: { frames } }],
    }).event;
    const values = (event.breadcrumbs as { values: { data: unknown }[] }).values;
    expect(values.every((crumb) => JSON.stringify(crumb.data) === '{"spamspamspam":"blablabla"}')).toBe(true);
    const kept = (
      event.exception as { values: { stacktrace: { frames: { function: string; symbol: string }[] } }[] }
    ).values[0]?.stacktrace.frames;
    expect(kept?.length).toBe(200);
    expect(
      kept?.every(
        (frame) => frame.function === "importantFunctionName" && frame.symbol === "important_symbol",
      ),
    ).toBe(true);
  });

  it("leaves everything alone with trimming off", () => {
    const event = wire(
      { extra: { foo: new Array(20_000).fill(1) }, logger: "x".repeat(100) },
      { enableTrimming: false },
    );
    expect(((event.extra as Record<string, unknown[]>).foo as unknown[]).length).toBe(20_000);
    expect(event.logger).toBe("x".repeat(100));
    expect(metaOf(event)).toBeUndefined();
  });
});

describe("strings", () => {
  it("cuts a non-Java logger to 61 characters plus ... with a !limit remark", () => {
    const event = wire({
      logger: "com.example.this.is.a.very.long.java.logger.name.that.goes.on.and.on.Class",
    });
    expect(event.logger).toBe("com.example.this.is.a.very.long.java.logger.name.that.goes.on...");
    expect(metaOf(event)).toEqual({ logger: { "": { rem: [["!limit", "s", 61, 64]], len: 74 } } });
  });

  it("keeps a string within its allowance", () => {
    const value = "x".repeat(8192 + 200);
    expect(
      (wire({ exception: [{ type: "E", value }] }).exception as { values: { value: string }[] }).values[0]
        ?.value,
    ).toBe(value);
  });
});

describe("stack traces", () => {
  function frames(count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, index) => ({
      function: `f${index}`,
      pre_context: ["a"],
      context_line: "b",
      post_context: ["c"],
      vars: { index },
    }));
  }

  it("keeps the newest 250 frames and records the original count", () => {
    const event = wire({ exception: [{ type: "E", stacktrace: { frames: frames(300) } }] });
    const kept = (event.exception as { values: { stacktrace: { frames: { function: string }[] } }[] })
      .values[0]?.stacktrace.frames;
    expect(kept?.length).toBe(250);
    expect(kept?.[0]?.function).toBe("f50");
    expect(kept?.[249]?.function).toBe("f299");
    expect(metaOf(event)).toEqual({
      exception: { values: { "0": { stacktrace: { frames: { "": { len: 300 } } } } } },
    });
  });

  it("drops vars and context lists of the middle frames beyond 50, keeping context_line", () => {
    const event = normalized({ exception: [{ type: "E", stacktrace: { frames: frames(55) } }] }).event;
    const kept =
      (event.exception as { values: { stacktrace: { frames: Record<string, unknown>[] } }[] }).values[0]
        ?.stacktrace.frames ?? [];
    const slimmed = kept.flatMap((frame, index) => (frame.vars === undefined ? [index] : []));
    expect(slimmed).toEqual([25, 26, 27, 28, 29]);
    expect(kept[27]).toMatchObject({ context_line: "b" });
    expect(kept[27]?.pre_context).toBeUndefined();
    expect(kept[24]).toMatchObject({ pre_context: ["a"], post_context: ["c"], vars: { index: 24 } });
  });
});
