import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KafkaPayload } from "../../../pipelines/types.ts";
import { relayEventMessage } from "../../../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../../../schemas/relay/codec.ts";

// The load of the end-to-end suite and benchmark: Relay-shaped `ingest-events` messages as
// Relay writes them (msgpack event messages around a JSON payload), a realistic mix of
// Sentry's grouping fixture events and generated ones, 1–10 KB, spread over N projects,
// 2 % of them sent a second time (a Relay retry). Deterministic for a seed, so a failing
// run can be repeated.
//
// Hostile messages are the ones a broken or malicious producer could write; each kind
// names the DLQ reason relay-intake must give it, or "stored" when the design accepts it
// (a `__proto__` key at any depth is refused by relay-intake as `proto-key`).

const ROOT = join(import.meta.dirname, "../../..");
const FIXTURE_DIR = join(ROOT, "tests/fixtures/grouping/inputs");

/** Every grouping fixture input: real SDK events with exceptions, threads, fingerprints. */
export function fixtureEvents(): ReadonlyArray<Record<string, unknown>> {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(FIXTURE_DIR, file), "utf8")) as Record<string, unknown>);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same stream of messages. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function projectsYaml(projectIds: ReadonlyArray<number>): string {
  const lines = ["version: 1", "projects:"];
  for (const id of projectIds) {
    const key = id.toString(16).padStart(32, "0");
    lines.push(`  - id: ${id}`, "    organizationId: 1", `    slug: e2e-${id}`, `    publicKeys: [${key}]`);
  }
  return `${lines.join("\n")}\n`;
}

export interface ValidMessage {
  readonly kind: "valid";
  readonly eventId: string;
  readonly projectId: number;
  /** True for the second send of an event already produced (a Relay retry). */
  readonly duplicate: boolean;
  /** Set on events that share a fingerprint across projects. */
  readonly sharedFingerprint?: string;
  readonly payload: KafkaPayload;
}

export const HOSTILE_KINDS = [
  "truncated-msgpack",
  "invalid-json",
  "huge-payload",
  "deep-nesting",
  "invalid-utf8",
  "proto-keys",
  "unknown-project",
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** The DLQ reason relay-intake gives each kind; "stored" for kinds that are valid events. */
export const EXPECTED_OUTCOME: Readonly<Record<HostileKind, string>> = {
  "truncated-msgpack": "truncated-msgpack",
  "invalid-json": "invalid-json",
  "huge-payload": "payload-too-large",
  "deep-nesting": "too-deep",
  "invalid-utf8": "invalid-utf8",
  "proto-keys": "proto-key",
  "unknown-project": "unknown-project",
};

export interface HostileMessage {
  readonly kind: "hostile";
  readonly hostile: HostileKind;
  readonly eventId: string;
  readonly projectId: number;
  readonly payload: KafkaPayload;
}

export type GeneratedMessage = ValidMessage | HostileMessage;

export interface GeneratorConfig {
  readonly projectIds: ReadonlyArray<number>;
  readonly seed: number;
  /** Share of messages that repeat an earlier event (Relay retries): 0.02. */
  readonly duplicateRatio?: number;
  /** Every n-th new event carries a fingerprint shared by the first two projects. */
  readonly sharedFingerprintEvery?: number;
  /** A project id not in the project source, for the unknown-project kind. */
  readonly unknownProjectId?: number;
  /** Bytes of the huge-payload kind (20 MB by default; compresses to almost nothing on the wire). */
  readonly hugeBytes?: number;
}

const EXCEPTION_TYPES = [
  "ValueError",
  "KeyError",
  "TypeError",
  "ZeroDivisionError",
  "ConnectionError",
  "TimeoutError",
  "PermissionError",
  "RuntimeError",
];
const PLATFORMS = ["python", "javascript", "java", "go", "ruby"];

export class EventGenerator {
  private readonly random: () => number;
  private readonly templates = fixtureEvents();
  private readonly sent: ValidMessage[] = [];
  private readonly salt: string;
  private serial = 0;

  constructor(private readonly config: GeneratorConfig) {
    this.random = seededRandom(config.seed);
    this.salt = config.seed.toString(16).padStart(8, "0").slice(-8);
  }

  /** The next valid message: a new event, or (2 %) a repeat of one already produced. */
  next(): ValidMessage {
    const ratio = this.config.duplicateRatio ?? 0.02;
    if (this.sent.length > 100 && this.random() < ratio) {
      // A retry of a recent event: same key, same bytes.
      const original = this.sent[this.sent.length - 1 - Math.floor(this.random() * 100)] as ValidMessage;
      return { ...original, duplicate: true };
    }
    const message = this.fresh();
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.splice(0, 500);
    return message;
  }

  private nextEventId(): string {
    this.serial += 1;
    return `${this.salt}${this.serial.toString(16).padStart(24, "0")}`;
  }

  private fresh(): ValidMessage {
    const { projectIds } = this.config;
    const eventId = this.nextEventId();
    const every = this.config.sharedFingerprintEvery ?? 200;
    let projectId = projectIds[Math.floor(this.random() * projectIds.length)] as number;
    let sharedFingerprint: string | undefined;
    if (projectIds.length >= 2 && this.serial % every === 0) {
      // Alternating between the first two projects: equal fingerprints, two groups.
      sharedFingerprint = `e2e-shared-${(this.serial / every) % 5}`;
      projectId = projectIds[(this.serial / every) % 2] as number;
    }
    const body = this.random() < 0.4 ? this.fromFixture() : this.generated();
    body.event_id = eventId;
    body.timestamp = Date.now() / 1000;
    if (sharedFingerprint !== undefined) body.fingerprint = [sharedFingerprint];
    const target = 1024 + Math.floor(this.random() * 8 * 1024);
    const json = padTo(body, target);
    return {
      kind: "valid",
      eventId,
      projectId,
      duplicate: false,
      ...(sharedFingerprint === undefined ? {} : { sharedFingerprint }),
      payload: relayPayload(eventId, projectId, Buffer.from(json)),
    };
  }

  private fromFixture(): Record<string, unknown> {
    const template = this.templates[Math.floor(this.random() * this.templates.length)];
    return structuredClone(template) as Record<string, unknown>;
  }

  private generated(): Record<string, unknown> {
    const type = EXCEPTION_TYPES[Math.floor(this.random() * EXCEPTION_TYPES.length)] as string;
    const platform = PLATFORMS[Math.floor(this.random() * PLATFORMS.length)] as string;
    const module = Math.floor(this.random() * 30);
    const depth = 3 + Math.floor(this.random() * 12);
    return {
      level: "error",
      platform,
      environment: this.random() < 0.5 ? "production" : "staging",
      release: `app@1.${module % 4}.0`,
      exception: {
        values: [
          {
            type,
            value: `failure ${Math.floor(this.random() * 1e6)} in module ${module}`,
            stacktrace: {
              frames: Array.from({ length: depth }, (_, i) => ({
                function: `handler_${module}_${i}`,
                module: `app.m${module}`,
                filename: `app/m${module}/f${i}.py`,
                lineno: 10 + i,
                in_app: i % 3 !== 0,
              })),
            },
          },
        ],
      },
      tags: [
        ["route", `/api/${module}/`],
        ["worker", `w${Math.floor(this.random() * 8)}`],
      ],
      user: { id: String(Math.floor(this.random() * 5000)), ip_address: "10.1.2.3" },
      sdk: { name: "sentry.python", version: "1.40.6" },
    };
  }

  /** A hostile message of `kind`; valid-looking key and project unless the kind is about them. */
  hostile(kind: HostileKind): HostileMessage {
    const eventId = this.nextEventId();
    const projectId = this.config.projectIds[0] as number;
    const good = padTo(
      { event_id: eventId, message: "hostile neighbour", timestamp: Date.now() / 1000 },
      1024,
    );
    let payload: KafkaPayload;
    let owner = projectId;
    switch (kind) {
      case "truncated-msgpack": {
        const full = relayPayload(eventId, projectId, Buffer.from(good));
        const value = full.value as Buffer;
        payload = { ...full, value: value.subarray(0, Math.floor(value.length / 2)) };
        break;
      }
      case "invalid-json":
        payload = relayPayload(eventId, projectId, Buffer.from(`{"event_id":"${eventId}","message": nope`));
        break;
      case "huge-payload": {
        const bytes = this.config.hugeBytes ?? 20 * 1024 * 1024;
        const text = `{"event_id":"${eventId}","message":"${"a".repeat(bytes)}"}`;
        payload = relayPayload(eventId, projectId, Buffer.from(text));
        break;
      }
      case "deep-nesting":
        payload = relayPayload(
          eventId,
          projectId,
          Buffer.from(`{"event_id":"${eventId}","extra":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
        );
        break;
      case "invalid-utf8":
        payload = relayPayload(
          eventId,
          projectId,
          Buffer.concat([
            Buffer.from(`{"event_id":"${eventId}","message":"`),
            Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
            Buffer.from('"}'),
          ]),
        );
        break;
      case "proto-keys":
        payload = relayPayload(
          eventId,
          projectId,
          Buffer.from(
            `{"event_id":"${eventId}","message":"proto","__proto__":{"polluted":"yes","level":"fatal"},` +
              `"extra":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},` +
              `"timestamp":${Date.now() / 1000}}`,
          ),
        );
        break;
      case "unknown-project":
        owner = this.config.unknownProjectId ?? 999_999_999;
        payload = relayPayload(eventId, owner, Buffer.from(good));
        break;
    }
    return { kind: "hostile", hostile: kind, eventId, projectId: owner, payload };
  }
}

/** Serializes `body` with an `extra.padding` string that brings it to about `bytes`. */
function padTo(body: Record<string, unknown>, bytes: number): string {
  const bare = JSON.stringify(body);
  const missing = bytes - bare.length - 40;
  if (missing <= 0) return bare;
  const extra = typeof body.extra === "object" && body.extra !== null ? body.extra : {};
  return JSON.stringify({ ...body, extra: { ...extra, padding: "p".repeat(missing) } });
}

export function relayPayload(eventId: string, projectId: number, json: Buffer): KafkaPayload {
  const message = relayEventMessage({
    payload: json,
    eventId,
    projectId,
    startTime: Math.floor(Date.now() / 1000),
    remoteAddr: "10.1.2.3",
  });
  return { key: eventIdToKey(eventId), value: encodeRelayMessage(message), headers: [] };
}
