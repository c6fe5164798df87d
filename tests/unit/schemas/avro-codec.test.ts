import { describe, expect, it } from "vitest";
import { AvroCodec } from "../../../schemas/avro/codec.ts";
import type { EventRawRecord } from "../../../schemas/avro/types.ts";
import { codecForTopic } from "../../../schemas/codecs.ts";
import {
  DecodeError,
  type DecodeReason,
  EncodeError,
  RegistryUnavailableError,
} from "../../../schemas/errors.ts";
import { EmbeddedSchemaRegistry } from "../../../schemas/registry/embedded.ts";
import type { SchemaRegistry } from "../../../schemas/registry/types.ts";
import { catchDecode, catchDecodeAsync } from "./fixtures.ts";
import { committedSchema, sampleNormalized, sampleRaw, writeSchemasDir } from "./schema-dirs.ts";

const OPTIONS = { maxPayloadBytes: 1_048_576, maxJsonDepth: 128 };
const registry = EmbeddedSchemaRegistry.fromDirectory();

async function rawCodec(
  reg: SchemaRegistry = registry,
  schemasDir?: string,
): Promise<AvroCodec<EventRawRecord>> {
  const codec = await codecForTopic(
    { name: "events-raw", codec: "avro", schema: "events-raw" },
    { registry: reg, options: OPTIONS, ...(schemasDir ? { schemasDir } : {}) },
  );
  if (codec.format !== "avro") throw new Error("expected an avro codec");
  return codec as AvroCodec<EventRawRecord>;
}

/** events-raw v2: v1 plus a nullable field with a default, the evolution the rules allow. */
function rawV2(): unknown {
  const v1 = committedSchema("events-raw.v1.avsc");
  return {
    ...v1,
    fields: [
      ...v1.fields,
      { name: "sampling_weight", type: ["null", "double"], default: null, doc: "added in v2" },
    ],
  };
}

describe("Avro codec in Confluent wire format (embedded registry)", () => {
  it("round-trips an events-raw record with magic byte 0 and the manifest id", async () => {
    const codec = await rawCodec();
    const record = sampleRaw();
    const bytes = codec.encode(record);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 1]);
    expect(codec.decode(bytes)).toEqual(record);
    expect(await codec.decodeAsync(bytes)).toEqual(record);
  });

  it("round-trips an events-normalized record under id 2", async () => {
    const codec = await codecForTopic(
      { name: "events-normalized", codec: "avro", schema: "events-normalized" },
      { registry, options: OPTIONS },
    );
    const record = sampleNormalized();
    const bytes = codec.encode(record as never);
    expect(bytes.readUInt32BE(1)).toBe(2);
    expect(codec.decode(bytes)).toEqual(record);
  });

  it("refuses to encode a record that does not match, naming the fields", async () => {
    const codec = await rawCodec();
    const bad = { ...sampleRaw(), project_id: "3" } as unknown as EventRawRecord;
    const error = (() => {
      try {
        codec.encode(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).path).toContain("project_id");
  });

  it("refuses an avro topic whose schema the manifest does not know", async () => {
    await expect(
      codecForTopic(
        { name: "events-raw", codec: "avro", schema: "events-other" },
        { registry, options: OPTIONS },
      ),
    ).rejects.toBeInstanceOf(EncodeError);
  });
});

describe("Avro decode on hostile input", async () => {
  const codec = await rawCodec();
  const valid = codec.encode(sampleRaw());
  const header = valid.subarray(0, 5);
  const withId = (id: number): Buffer => {
    const b = Buffer.from(valid);
    b.writeUInt32BE(id, 1);
    return b;
  };
  // Field 0 is the `kind` enum (zig-zag varint index), field 3 the organization_id union.
  const body = valid.subarray(5);

  const HOSTILE: ReadonlyArray<[string, Uint8Array, DecodeReason]> = [
    ["empty input", Buffer.alloc(0), "truncated-avro"],
    ["four bytes", Buffer.from([0, 0, 0, 0]), "truncated-avro"],
    ["magic byte 1", Buffer.concat([Buffer.from([1]), valid.subarray(1)]), "bad-magic-byte"],
    ["JSON instead of Avro", Buffer.from('{"event_id":"x"}'), "bad-magic-byte"],
    ["schema id 999", withId(999), "unknown-schema-id"],
    ["schema id 2^32-1", withId(0xffffffff), "unknown-schema-id"],
    ["the header alone", header, "truncated-avro"],
    ["half a record", valid.subarray(0, Math.floor(valid.length / 2)), "truncated-avro"],
    ["a byte after the record", Buffer.concat([valid, Buffer.from([0])]), "invalid-avro"],
    ["enum index 7", Buffer.concat([header, Buffer.from([14]), body.subarray(1)]), "invalid-avro"],
    ["a negative enum index", Buffer.concat([header, Buffer.from([1]), body.subarray(1)]), "invalid-avro"],
    [
      "a string claiming 2^40 bytes",
      Buffer.concat([header, Buffer.from([0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])]),
      "truncated-avro",
    ],
  ];

  for (const [name, bytes, reason] of HOSTILE) {
    it(`gives DecodeError ${reason} for ${name}`, () => {
      const error = catchDecode(() => codec.decode(bytes));
      expect(error.reason).toBe(reason);
      expect(error.format).toBe("avro");
    });
  }

  it("gives a DecodeError for every proper prefix of a record", () => {
    for (let end = 0; end < valid.length; end++) {
      const error = catchDecode(() => codec.decode(valid.subarray(0, end)));
      expect(["truncated-avro", "invalid-avro"], `cut at ${end}`).toContain(error.reason);
    }
  });

  it("never throws anything but DecodeError on random bodies", () => {
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const garbage = Buffer.alloc(5 + (next() % 200));
      for (let j = 5; j < garbage.length; j++) garbage[j] = next() & 0xff;
      garbage.writeUInt32BE(1, 1);
      try {
        codec.decode(garbage);
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
  });

  it("reports an unknown id from decodeAsync too, after asking the registry", async () => {
    expect((await catchDecodeAsync(() => codec.decodeAsync(withId(999)))).reason).toBe("unknown-schema-id");
  });
});

describe("schema evolution through the codec", () => {
  const v1 = committedSchema("events-raw.v1.avsc");
  const dirV1 = writeSchemasDir([
    { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
  ]);
  const dirV2 = writeSchemasDir([
    { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
    { subject: "events-raw-value", schema: "events-raw", version: 2, id: 3, avro: rawV2() },
  ]);

  it("reads records written with v1 through the v2 reader, filling the new field's default", async () => {
    const oldProducer = await rawCodec(EmbeddedSchemaRegistry.fromDirectory(dirV1), dirV1);
    const newConsumer = await rawCodec(EmbeddedSchemaRegistry.fromDirectory(dirV2), dirV2);
    const bytes = oldProducer.encode(sampleRaw());
    expect(bytes.readUInt32BE(1)).toBe(1);
    expect(newConsumer.decode(bytes)).toEqual({ ...sampleRaw(), sampling_weight: null });
    expect(
      newConsumer.encode({ ...sampleRaw(), sampling_weight: 0.5 } as EventRawRecord).readUInt32BE(1),
    ).toBe(3);
  });

  it("fetches a writer schema it has not preloaded only in decodeAsync", async () => {
    const reg = EmbeddedSchemaRegistry.fromDirectory(dirV2);
    const oldProducer = await rawCodec(EmbeddedSchemaRegistry.fromDirectory(dirV1), dirV1);
    const lazy = await AvroCodec.create<EventRawRecord>("events-raw-value", JSON.stringify(rawV2()), reg, []);
    const bytes = oldProducer.encode(sampleRaw());
    expect(catchDecode(() => lazy.decode(bytes)).reason).toBe("unknown-schema-id");
    expect(await lazy.decodeAsync(bytes)).toMatchObject({ sampling_weight: null });
    expect(lazy.decode(bytes)).toMatchObject({ sampling_weight: null });
  });

  it("gives incompatible-schema for a writer schema the reader cannot resolve", async () => {
    const reg = EmbeddedSchemaRegistry.fromDirectory();
    const clashing = {
      ...v1,
      fields: v1.fields.map((f) => (f.name === "project_id" ? { ...f, type: "string" } : f)),
    };
    const clashingId = await reg.register("some-other-topic-value", JSON.stringify(clashing));
    const codec = await rawCodec(reg);
    const bytes = Buffer.from(codec.encode(sampleRaw()));
    bytes.writeUInt32BE(clashingId, 1);
    expect((await catchDecodeAsync(() => codec.decodeAsync(bytes))).reason).toBe("incompatible-schema");
  });

  it("passes a registry outage through as RegistryUnavailableError, not a DecodeError", async () => {
    const flaky: SchemaRegistry = {
      kind: "confluent",
      register: async () => 1,
      getSchema: async () => {
        throw new RegistryUnavailableError("get schema");
      },
      latest: async () => undefined,
    };
    const codec = await AvroCodec.create<EventRawRecord>("events-raw-value", JSON.stringify(v1), flaky);
    const bytes = Buffer.from(codec.encode(sampleRaw()));
    bytes.writeUInt32BE(77, 1);
    await expect(codec.decodeAsync(bytes)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
