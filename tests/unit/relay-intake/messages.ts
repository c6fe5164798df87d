import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Packr } from "msgpackr";
import { type ProjectSettings, ProjectsFile, StaticProjectConfigSource } from "../../../config/projects.ts";
import type { BrokerValue, KafkaPayload } from "../../../pipelines/types.ts";
import { Partition } from "../../../pipelines/types.ts";
import { relayAttachment, relayEventMessage } from "../../../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../../../schemas/relay/codec.ts";
import type { ChunkedAttachment, RelayMessage } from "../../../schemas/relay/types.ts";

// Relay-shaped messages for the relay-intake suites: built with schemas/relay (Relay's exact
// shape), the copied fixtures of tests/fixtures/formats (see its INDEX.md), and hand-packed
// maps for what Relay would never write.

export const FORMATS_DIR = fileURLToPath(new URL("../../fixtures/formats/", import.meta.url));

export const packr = new Packr({ useRecords: false, variableMapSize: true });

export interface RelayFixture {
  /** `<topic folder>/<file>` under tests/fixtures/formats. */
  readonly name: string;
  readonly bytes: Buffer;
}

/** Every `*.msgpack` Relay example of the copied fixtures. */
export function relayFixtures(): RelayFixture[] {
  const out: RelayFixture[] = [];
  for (const folder of readdirSync(FORMATS_DIR)
    .filter((f) => f.startsWith("ingest-"))
    .sort()) {
    for (const file of readdirSync(join(FORMATS_DIR, folder)).sort()) {
      if (file.endsWith(".msgpack")) {
        out.push({ name: `${folder}/${file}`, bytes: readFileSync(join(FORMATS_DIR, folder, file)) });
      }
    }
  }
  return out;
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FORMATS_DIR, name));
}

/** The `decoded` part of a fixture's generated `.decoded.json`. */
export function fixtureDecoded(name: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(join(FORMATS_DIR, `${name}.decoded.json`), "utf8")) as {
    decoded: Record<string, unknown>;
  };
  return parsed.decoded;
}

function project(id: number, organizationId: number): ProjectSettings {
  return {
    id,
    organizationId,
    slug: `p${id}`,
    publicKeys: [id.toString(16).padStart(32, "a")],
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: "",
    fingerprintRules: "",
  };
}

/** Projects of the fixtures (1, 3, 42) and of the built messages (1, 2). */
export const PROJECTS = new ProjectsFile([project(1, 11), project(2, 11), project(3, 13), project(42, 7)]);

export function projectSource(): StaticProjectConfigSource {
  return new StaticProjectConfigSource(PROJECTS);
}

export const PROJECTS_YAML = `version: 1
projects:
${Array.from(
  PROJECTS.projects.values(),
  (p) =>
    `  - id: ${p.id}\n    organizationId: ${p.organizationId}\n    slug: ${p.slug}\n    publicKeys: [${p.publicKeys[0]}]\n`,
).join("")}`;

/** The 32-hex event id of the n-th built event. */
export function eventId(n: number): string {
  return (0xe000_0000 + n).toString(16).padStart(32, "0");
}

export function eventPayloadText(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event_id: id,
    level: "error",
    platform: "python",
    timestamp: 1_709_691_573.25,
    received: 1_709_691_573.5,
    message: "hello",
    sdk: { name: "sentry.python", version: "1.40.6" },
    ...extra,
  });
}

export interface EventOptions {
  readonly projectId?: number;
  readonly payload?: string | Buffer;
  readonly attachments?: ReadonlyArray<ChunkedAttachment>;
  readonly startTime?: number;
}

export function eventMessage(id: string, options: EventOptions = {}): Buffer {
  const payload = options.payload ?? eventPayloadText(id);
  return encodeRelayMessage(
    relayEventMessage({
      payload: typeof payload === "string" ? Buffer.from(payload) : payload,
      eventId: id,
      projectId: options.projectId ?? 1,
      startTime: options.startTime ?? 1_709_691_573,
      remoteAddr: "10.0.0.1",
      attachments: options.attachments ?? [],
    }),
  );
}

/**
 * An event message as a plain msgpack map rather than through the typed encoder, so a test
 * can set any key to anything, ill-typed or unknown; `entries` override or add keys.
 */
export function rawEventMap(
  id: string,
  entries: ReadonlyArray<[string, unknown]>,
  payload: string = eventPayloadText(id),
): Buffer {
  const map = new Map<string, unknown>([
    ["type", "event"],
    ["payload", Buffer.from(payload)],
    ["start_time", 1_709_691_573],
    ["event_id", id],
    ["project_id", 1],
    ["remote_addr", null],
    ["attachments", []],
  ]);
  for (const [key, value] of entries) map.set(key, value);
  return packr.pack(map);
}

export interface AttachmentMessages {
  readonly chunks: Buffer[];
  readonly descriptor: ChunkedAttachment;
  /** The standalone `attachment` message, when built standalone. */
  readonly message?: Buffer;
}

export function attachmentMessages(
  id: string,
  attachmentId: string,
  data: Buffer,
  options: { readonly standalone?: boolean; readonly chunkSize?: number; readonly projectId?: number } = {},
): AttachmentMessages {
  const built = relayAttachment({
    eventId: id,
    projectId: options.projectId ?? 1,
    id: attachmentId,
    data,
    filename: `${attachmentId}.txt`,
    contentType: "text/plain",
    chunkSize: options.chunkSize ?? 4,
    standalone: options.standalone ?? false,
  });
  return {
    chunks: built.chunks.map((chunk) => encodeRelayMessage(chunk)),
    descriptor: built.descriptor,
    ...(built.message ? { message: encodeRelayMessage(built.message) } : {}),
  };
}

export function userReportMessage(
  reportEventId: string,
  report: Record<string, unknown>,
  projectId = 1,
): Buffer {
  return encodeRelayMessage({
    type: "user_report",
    project_id: projectId,
    start_time: 1_709_691_600,
    payload: Buffer.from(JSON.stringify({ event_id: reportEventId, ...report })),
  });
}

/** A record as Relay keys it: the 16 raw bytes of the event UUID. */
export function relayRecord(value: Buffer, id?: string): KafkaPayload {
  return { key: id === undefined ? null : eventIdToKey(id), value, headers: [] };
}

export function brokerValue(
  value: Buffer,
  offset = 0,
  topic = "ingest-attachments",
): BrokerValue<KafkaPayload> {
  return {
    kind: "broker",
    payload: relayRecord(value),
    partition: Partition.of(topic, 0),
    offset,
    timestamp: 1_709_691_573_000,
  };
}

export function encode(message: RelayMessage): Buffer {
  return encodeRelayMessage(message);
}
