// Decode + encode throughput of each codec on the format fixtures, each against its bare
// library doing the same round trip without our checks (msgpackr, JSON.parse/stringify,
// avsc), measured in the same run. The ratio (codec ÷ bare) is the price of validation.
// Run: node --import tsx bench/codecs.bench.ts   (BENCH_SECONDS per figure, default 1)
import { Packr, Unpackr } from "msgpackr";
import { AvroCodec } from "../schemas/avro/codec.ts";
import type { EventRawRecord } from "../schemas/avro/types.ts";
import { parseEventStreamMessage, serializeEventStreamMessage } from "../schemas/eventstream/codec.ts";
import { parseEventPayload } from "../schemas/json-payload.ts";
import { EmbeddedSchemaRegistry } from "../schemas/registry/embedded.ts";
import { loadSchemaManifest, parseAvroSchema } from "../schemas/registry/manifest.ts";
import { decodeRelayMessage, encodeRelayMessage } from "../schemas/relay/codec.ts";
import type { RelayEventMessage } from "../schemas/relay/types.ts";
import { eventStreamFixtures, relayFixtures } from "../tests/unit/schemas/fixtures.ts";
import { sampleRaw } from "../tests/unit/schemas/schema-dirs.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = 3;
const LIMITS = { maxBytes: 25_000_000, maxDepth: 130 };

interface Figure {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number;
  readonly ratio: number;
}

/** Messages per second of `work` over `inputs`, best of ROUNDS timed windows. */
function rate<T>(inputs: ReadonlyArray<T>, work: (input: T) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) if (work(inputs[i % inputs.length]!)) sink++;
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round((SECONDS * 1e9) / ROUNDS));
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 256; i++) if (work(inputs[(count + i) % inputs.length]!)) sink++;
      count += 256;
      now = process.hrtime.bigint();
    }
    best = Math.max(best, count / (Number(now - start) / 1e9));
  }
  if (sink < 0) console.log(sink);
  return best;
}

function compare(metric: string, ours: number, bare: number, note: string): void {
  console.log(
    `${metric.padEnd(34)} ${Math.round(ours).toString().padStart(9)} msgs/s   bare ${Math.round(bare)
      .toString()
      .padStart(9)} msgs/s   ratio ${(ours / bare).toFixed(2)}   ${note}`,
  );
  const figure: Figure = {
    bench: "codecs",
    metric,
    value: Math.round(ours),
    unit: "msgs/s",
    baseline: Math.round(bare),
    ratio: Number((ours / bare).toFixed(3)),
  };
  console.log(JSON.stringify(figure));
}

// --- Relay msgpack --------------------------------------------------------------------------
const relay = relayFixtures().map((f) => f.bytes);
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });
const packr = new Packr({ useRecords: false, variableMapSize: true });
compare(
  "relay_msgpack_decode_encode",
  rate(relay, (b) => encodeRelayMessage(decodeRelayMessage(b))),
  rate(relay, (b) => packr.pack(unpackr.unpack(b))),
  `(${relay.length} fixtures, ${Math.round(relay.reduce((n, b) => n + b.length, 0) / relay.length)} B avg)`,
);
compare(
  "relay_msgpack_decode",
  rate(relay, (b) => decodeRelayMessage(b)),
  rate(relay, (b) => unpackr.unpack(b)),
  "",
);

// --- event payload JSON ---------------------------------------------------------------------
const payloads = relayFixtures()
  .map((f) => decodeRelayMessage(f.bytes))
  .filter((m): m is RelayEventMessage => m.type === "event")
  .map((m) => m.payload);
compare(
  "event_payload_parse",
  rate(payloads, (b) => parseEventPayload(b, LIMITS)),
  rate(payloads, (b) => JSON.parse(b.toString("utf8"))),
  `(${payloads.length} payloads, ${Math.round(payloads.reduce((n, b) => n + b.length, 0) / payloads.length)} B avg)`,
);
const big = [
  Buffer.from(
    JSON.stringify({ extra: { rows: Array.from({ length: 2000 }, (_, i) => ({ i, s: `row ${i} ✓` })) } }),
  ),
];
compare(
  "event_payload_parse_large",
  rate(big, (b) => parseEventPayload(b, { maxBytes: 1 << 20, maxDepth: 128 })),
  rate(big, (b) => JSON.parse(b.toString("utf8"))),
  `(${big[0]!.length} B)`,
);

// --- eventstream JSON -----------------------------------------------------------------------
const events = eventStreamFixtures().map((f) => f.bytes);
compare(
  "eventstream_parse_serialize",
  rate(events, (b) => serializeEventStreamMessage(parseEventStreamMessage(b, LIMITS))),
  rate(events, (b) => Buffer.from(JSON.stringify(JSON.parse(b.toString("utf8"))))),
  `(${events.length} fixtures, ${Math.round(events.reduce((n, b) => n + b.length, 0) / events.length)} B avg)`,
);

// --- Avro (Confluent wire format, embedded registry) ----------------------------------------
const manifest = loadSchemaManifest();
const rawSubject = manifest.subjects.get("events-raw-value")!;
const schemaText = rawSubject.versions.at(-1)!.text;
const codec = await AvroCodec.create<EventRawRecord>(
  "events-raw-value",
  schemaText,
  EmbeddedSchemaRegistry.fromDirectory(),
  rawSubject.versions.map((v) => v.id),
);
const avroType = parseAvroSchema(schemaText);
const records = relayFixtures()
  .map((f) => decodeRelayMessage(f.bytes))
  .filter((m): m is RelayEventMessage => m.type === "event")
  .map((m) =>
    sampleRaw({ event_id: m.event_id, project_id: m.project_id, payload: m.payload.toString("utf8") }),
  );
compare(
  "avro_events_raw_encode_decode",
  rate(records, (r) => codec.decode(codec.encode(r))),
  rate(records, (r) => avroType.fromBuffer(avroType.toBuffer(r))),
  `(${records.length} records, ${codec.encode(records[0]!).length} B first)`,
);
