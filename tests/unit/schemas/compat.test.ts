import path from "node:path";
import { describe, expect, it } from "vitest";
import { runSchemasCheck, runSchemasRegister, schemasCommand } from "../../../cli/commands/schemas.ts";
import { loadTopology } from "../../../config/topology.ts";
import { checkSchemas } from "../../../schemas/compat.ts";
import { EmbeddedSchemaRegistry } from "../../../schemas/registry/embedded.ts";
import { SchemaIncompatibleError } from "../../../schemas/registry/types.ts";
import { committedSchema, writeSchemasDir } from "./schema-dirs.ts";

const v1 = committedSchema("events-raw.v1.avsc");
type Field = Record<string, unknown>;

function withFields(fields: Field[]): unknown {
  return { ...v1, fields };
}

function twoVersions(v2: unknown, v3?: unknown): string {
  return writeSchemasDir([
    { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
    { subject: "events-raw-value", schema: "events-raw", version: 2, id: 2, avro: v2 },
    ...(v3 ? [{ subject: "events-raw-value", schema: "events-raw", version: 3, id: 3, avro: v3 }] : []),
  ]);
}

function capture(): {
  io: { out: (l: string) => void; err: (l: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

describe("checkSchemas: backward compatibility between versions", () => {
  it("passes the committed schemas against topology.yaml", async () => {
    const topology = await loadTopology(path.resolve("topology.yaml"));
    const run = capture();
    const topics = Object.values(topology.topics);
    expect(runSchemasCheck({ schemasDir: path.resolve("schemas"), topics }, run.io)).toBe(0);
    expect(run.out[0]).toMatch(/^schemas check: ok \(2 version\(s\) of 2 subject\(s\)/);
  });

  it("accepts a new field with a default", () => {
    const dir = twoVersions(
      withFields([...v1.fields, { name: "x", type: ["null", "string"], default: null }]),
    );
    expect(checkSchemas(dir).problems).toEqual([]);
  });

  it("accepts a removed field (the new reader ignores it)", () => {
    const dir = twoVersions(withFields(v1.fields.filter((f) => f.name !== "client")));
    expect(checkSchemas(dir).problems).toEqual([]);
  });

  it("catches a new field without a default", () => {
    const dir = twoVersions(withFields([...v1.fields, { name: "fingerprint", type: "string" }]));
    const { problems } = checkSchemas(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/not backward compatible: v2 cannot read data written with v1/);
  });

  it("catches a field whose type changed incompatibly", () => {
    const dir = twoVersions(
      withFields(v1.fields.map((f) => (f.name === "event_id" ? { ...f, type: "long" } : f))),
    );
    expect(
      checkSchemas(dir)
        .problems.map((p) => p.message)
        .join(),
    ).toMatch(/v2 cannot read data written with v1/);
  });

  it("allows a promotion Avro defines (long → double)", () => {
    const dir = twoVersions(
      withFields(v1.fields.map((f) => (f.name === "start_time" ? { ...f, type: "double" } : f))),
    );
    expect(checkSchemas(dir).problems).toEqual([]);
  });

  it("checks every older version, not only the previous one", () => {
    // v2 drops source_topic (a string); v3 brings it back as a long with a default. v3 reads
    // v2 data (the default fills in) but not v1 data (a string is no long): only the
    // transitive rule notices, and records written with v1 may still be on the topic.
    const v2 = withFields(v1.fields.filter((f) => f.name !== "source_topic"));
    const v3 = withFields([
      ...(v2 as { fields: Field[] }).fields,
      { name: "source_topic", type: "long", default: 0 },
    ]);
    const { problems } = checkSchemas(twoVersions(v2, v3));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/v3 cannot read data written with v1/),
    ]);
  });

  it("makes the check command fail with exit code 1 and name the file", () => {
    const dir = twoVersions(withFields([...v1.fields, { name: "fingerprint", type: "string" }]));
    const run = capture();
    expect(runSchemasCheck({ schemasDir: dir }, run.io)).toBe(1);
    expect(run.err.join("\n")).toMatch(
      /events-raw-value \(avro\/events-raw\.v2\.avsc\): not backward compatible/,
    );
  });
});

describe("checkSchemas: manifest consistency", () => {
  it("reports a schema file the manifest does not list", () => {
    const dir = writeSchemasDir(
      [{ subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 }],
      { "avro/events-raw.v2.avsc": JSON.stringify(v1) },
    );
    expect(checkSchemas(dir).problems).toEqual([
      { where: "avro/events-raw.v2.avsc", message: expect.stringMatching(/not listed in manifest.json/) },
    ]);
  });

  it("reports duplicate ids, version gaps, bad names and invalid Avro", () => {
    const dir = writeSchemasDir([
      { subject: "a-value", schema: "a", version: 1, id: 1, avro: v1 },
      { subject: "a-value", schema: "a", version: 3, id: 1, avro: v1 },
    ]);
    const messages = checkSchemas(dir)
      .problems.map((p) => p.message)
      .join("\n");
    expect(messages).toMatch(/versions must be 1, 2, 3/);
    expect(messages).toMatch(/id 1 is already a-value v1/);

    const badName = writeSchemasDir([
      { subject: "a-value", schema: "a", version: 1, id: 1, avro: v1, file: "avro/a-latest.avsc" },
    ]);
    expect(
      checkSchemas(badName)
        .problems.map((p) => p.message)
        .join("\n"),
    ).toMatch(/expected avro\/a\.v1\.avsc/);

    const invalid = writeSchemasDir([
      { subject: "a-value", schema: "a", version: 1, id: 1, avro: { type: "nope" } },
    ]);
    expect(checkSchemas(invalid).problems[0]!.message).toMatch(/not a valid Avro schema/);
  });

  it("cross-checks avro topics of the topology against the manifest", () => {
    const dir = writeSchemasDir([
      { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
    ]);
    const topics = [
      { name: "events-raw", codec: "avro", schema: "events-raw" },
      { name: "events-normalized", codec: "avro", schema: "events-normalized" },
      { name: "other", codec: "avro" },
      { name: "ingest-events", codec: "relay-msgpack" },
    ];
    const run = capture();
    expect(runSchemasCheck({ schemasDir: dir, topics }, run.io)).toBe(1);
    expect(run.err).toEqual([
      "schemas check: topology events-normalized: manifest.json has no subject events-normalized-value",
      "schemas check: topology other: avro topic without a schema: key",
      "schemas check: 2 problem(s)",
    ]);
  });
});

describe("the embedded registry", () => {
  it("serves the manifest ids and refuses incompatible registrations like a Confluent registry", async () => {
    const registry = EmbeddedSchemaRegistry.fromDirectory();
    expect(await registry.latest("events-raw-value")).toMatchObject({ id: 1, version: 1 });
    expect(await registry.latest("nope-value")).toBeUndefined();
    expect(await registry.getSchema(2)).toContain("EventNormalized");
    expect(await registry.getSchema(42)).toBeUndefined();
    expect(await registry.register("events-raw-value", JSON.stringify(v1))).toBe(1);
    const incompatible = withFields([...v1.fields, { name: "must", type: "string" }]);
    await expect(registry.register("events-raw-value", JSON.stringify(incompatible))).rejects.toBeInstanceOf(
      SchemaIncompatibleError,
    );
    const compatible = withFields([...v1.fields, { name: "may", type: ["null", "string"], default: null }]);
    expect(await registry.register("events-raw-value", JSON.stringify(compatible))).toBe(3);
    expect(await registry.latest("events-raw-value")).toMatchObject({ id: 3, version: 2 });
  });
});

describe("ingest schemas register and the command tree", () => {
  it("reports the manifest ids when no registry URL is configured", async () => {
    const run = capture();
    const registry = EmbeddedSchemaRegistry.fromDirectory();
    expect(await runSchemasRegister({ schemasDir: path.resolve("schemas"), registry }, run.io)).toBe(0);
    expect(run.out).toEqual([
      "schemas register: no SCHEMA_REGISTRY_URL, the embedded registry serves schemas/manifest.json ids",
      "events-raw-value v1 (avro/events-raw.v1.avsc) -> id 1",
      "events-normalized-value v1 (avro/events-normalized.v1.avsc) -> id 2",
    ]);
  });

  it("fails cleanly when the registry cannot be reached", async () => {
    const { ConfluentSchemaRegistry } = await import("../../../schemas/registry/confluent.ts");
    const run = capture();
    const registry = new ConfluentSchemaRegistry("http://127.0.0.1:9");
    expect(await runSchemasRegister({ schemasDir: path.resolve("schemas"), registry }, run.io)).toBe(1);
    expect(run.err[0]).toMatch(/^schemas register: events-raw-value v1: schema registry unavailable/);
  });

  it("offers check and register under `schemas`", () => {
    const command = schemasCommand();
    expect(command.name()).toBe("schemas");
    expect(command.commands.map((c) => c.name())).toEqual(["check", "register"]);
  });
});
