import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopology } from "../../../config/topology.ts";
import { codecForTopic } from "../../../schemas/codecs.ts";
import { EmbeddedSchemaRegistry } from "../../../schemas/registry/embedded.ts";
import { loadSchemaManifest } from "../../../schemas/registry/manifest.ts";
import { catchDecode, relayFixtures } from "./fixtures.ts";
import { sampleNormalized, sampleRaw } from "./schema-dirs.ts";

const OPTIONS = { maxPayloadBytes: 1_048_576, maxJsonDepth: 128 };

describe("TypeScript record types and the Avro schemas", () => {
  const manifest = loadSchemaManifest();
  const newestFields = (subject: string): string[] => {
    const versions = manifest.subjects.get(subject)!.versions;
    const schema = JSON.parse(versions[versions.length - 1]!.text) as { fields: Array<{ name: string }> };
    return schema.fields.map((f) => f.name);
  };

  it("EventRawRecord has exactly the fields of the newest events-raw schema", () => {
    expect(Object.keys(sampleRaw()).sort()).toEqual(newestFields("events-raw-value").sort());
  });

  it("EventNormalizedRecord has exactly the fields of the newest events-normalized schema", () => {
    expect(Object.keys(sampleNormalized()).sort()).toEqual(newestFields("events-normalized-value").sort());
  });

  it("gives every nullable field a null default, so later readers can drop or add it", () => {
    for (const subject of manifest.subjects.values()) {
      for (const version of subject.versions) {
        const schema = JSON.parse(version.text) as {
          fields: Array<{ name: string; type: unknown; default?: unknown }>;
        };
        for (const field of schema.fields) {
          if (Array.isArray(field.type) && field.type[0] === "null") {
            expect(field, `${version.file} ${field.name}`).toHaveProperty("default", null);
          }
        }
      }
    }
  });
});

describe("codecForTopic over topology.yaml", async () => {
  const registry = EmbeddedSchemaRegistry.fromDirectory();
  const topology = await loadTopology(path.resolve("topology.yaml"));

  it("builds a codec for every topic, of the kind the topology names", async () => {
    for (const topic of Object.values(topology.topics)) {
      // A topology TopicSpec is a TopicCodecSpec as it is.
      const codec = await codecForTopic(topic, { registry, options: OPTIONS });
      expect(codec.format, topic.name).toBe(topic.codec);
    }
  });

  it("restricts ingest-events to event messages and lets ingest-attachments carry all four", async () => {
    const events = await codecForTopic(
      { name: "ingest-events", codec: "relay-msgpack" },
      { registry, options: OPTIONS },
    );
    const attachments = await codecForTopic(
      { name: "ingest-attachments", codec: "relay-msgpack" },
      { registry, options: OPTIONS },
    );
    for (const fixture of relayFixtures().filter((f) => f.topic === "ingest-attachments")) {
      expect(attachments.decode(fixture.bytes)).toBeTruthy();
      expect(catchDecode(() => events.decode(fixture.bytes)).reason).toBe("unknown-message-type");
    }
  });

  it("decodes user-reports JSON as an object with the payload limits", async () => {
    const codec = await codecForTopic(
      { name: "user-reports", codec: "json" },
      { registry, options: OPTIONS },
    );
    const value = { event_id: "a", name: "n", email: "e", comments: "c" };
    expect(codec.decode(codec.encode(value as never))).toEqual(value);
    expect(catchDecode(() => codec.decode(Buffer.from("[1]"))).reason).toBe("payload-not-json-object");
  });

  it("passes dead letters through byte for byte", async () => {
    const codec = await codecForTopic({ name: "events-dlq", codec: "dlq" }, { registry, options: OPTIONS });
    const bytes = Buffer.from([0, 1, 2, 0xff]);
    expect(codec.decode(bytes)).toEqual(bytes);
    expect(await codec.decodeAsync(codec.encode(bytes as never))).toEqual(bytes);
  });
});
