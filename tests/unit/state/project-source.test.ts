import { describe, expect, it } from "vitest";
import {
  CachedProjectConfigSource,
  ProjectConfigError,
  type ProjectHashReader,
} from "../../../config/project-source-redis.ts";
import { groupingSettingsFor } from "../../../consumers/grouping/project-config.ts";
import { ManualClock } from "../../../pipelines/clock.ts";

const HASH = {
  organization_id: "4",
  slug: "web",
  public_keys: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  grouping_config: "newstyle:2023-01-11",
  stack_trace_rules: "stack.module:vendor.* -app",
  fingerprint_rules: "",
};

function countingReader(hashes: Map<number, Record<string, string>>): {
  read: ProjectHashReader;
  calls: number[];
} {
  const calls: number[] = [];
  return {
    calls,
    read: async (projectId) => {
      calls.push(projectId);
      return hashes.get(projectId);
    },
  };
}

describe("CachedProjectConfigSource", () => {
  it("parses a stored project hash into settings", async () => {
    const { read } = countingReader(new Map([[7, HASH]]));
    const source = new CachedProjectConfigSource(read, 1000, new ManualClock());
    expect(await source.get(7)).toEqual({
      id: 7,
      organizationId: 4,
      slug: "web",
      publicKeys: ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"],
      groupingConfig: "newstyle:2023-01-11",
      stackTraceRules: "stack.module:vendor.* -app",
      fingerprintRules: "",
    });
  });

  it("serves from cache within the TTL and reads again after it", async () => {
    const clock = new ManualClock();
    const hashes = new Map([[7, HASH]]);
    const { read, calls } = countingReader(hashes);
    const source = new CachedProjectConfigSource(read, 1000, clock);
    await source.get(7);
    clock.advance(999);
    await source.get(7);
    expect(calls).toEqual([7]);
    hashes.set(7, { ...HASH, slug: "renamed" });
    clock.advance(1);
    expect((await source.get(7))?.slug).toBe("renamed");
    expect(calls).toEqual([7, 7]);
  });

  it("answers undefined for an unknown project and caches that answer too", async () => {
    const { read, calls } = countingReader(new Map());
    const source = new CachedProjectConfigSource(read, 1000, new ManualClock());
    expect(await source.get(99)).toBeUndefined();
    expect(await source.get(99)).toBeUndefined();
    expect(calls).toEqual([99]);
  });

  it("shares one read among concurrent lookups of the same project", async () => {
    const { read, calls } = countingReader(new Map([[7, HASH]]));
    const source = new CachedProjectConfigSource(read, 1000, new ManualClock());
    const results = await Promise.all([source.get(7), source.get(7), source.get(7)]);
    expect(results.every((r) => r?.id === 7)).toBe(true);
    expect(calls).toEqual([7]);
  });

  it("fails with ProjectConfigError naming the field of a malformed hash, and does not cache it", async () => {
    const { read, calls } = countingReader(new Map([[7, { ...HASH, public_keys: "nothex" }]]));
    const source = new CachedProjectConfigSource(read, 1000, new ManualClock());
    await expect(source.get(7)).rejects.toThrow(ProjectConfigError);
    await expect(source.get(7)).rejects.toThrow(/public_keys/);
    expect(calls).toEqual([7, 7]);
  });

  it("lets a failed read surface and retries it on the next lookup", async () => {
    let fail = true;
    const source = new CachedProjectConfigSource(
      async () => {
        if (fail) throw new Error("redis down");
        return HASH;
      },
      1000,
      new ManualClock(),
    );
    await expect(source.get(7)).rejects.toThrow("redis down");
    fail = false;
    expect((await source.get(7))?.slug).toBe("web");
  });

  it("refuses a project id that cannot be a key", async () => {
    const source = new CachedProjectConfigSource(async () => HASH, 1000, new ManualClock());
    await expect(source.get(-3)).rejects.toThrow(RangeError);
  });
});

describe("groupingSettingsFor", () => {
  it("narrows a project to what grouping needs, or undefined for an unknown project", async () => {
    const { read } = countingReader(new Map([[7, HASH]]));
    const source = new CachedProjectConfigSource(read, 1000, new ManualClock());
    expect(await groupingSettingsFor(source, 7)).toEqual({
      projectId: 7,
      organizationId: 4,
      groupingConfig: "newstyle:2023-01-11",
      stackTraceRules: "stack.module:vendor.* -app",
      fingerprintRules: "",
    });
    expect(await groupingSettingsFor(source, 8)).toBeUndefined();
  });
});
