import { readFileSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { loadOptions, type Options } from "../../../config/options.ts";
import { type ProjectsFile, parseProjects } from "../../../config/projects.ts";
import {
  type EventRecord,
  type IssueRecord,
  type IssuesQuery,
  IssuesQueryError,
  type RecordPage,
} from "../../../dev/issues-api.ts";
import { type DevServer, startDevServer } from "../../../dev/server.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import { type BrokerValue, type KafkaPayload, partition } from "../../../pipelines/types.ts";
import type { Destination, Producer } from "../../../producers/types.ts";
import { decodeRelayMessage } from "../../../schemas/relay/codec.ts";
import type { RelayMessage } from "../../../schemas/relay/types.ts";

export const KEY_1 = "e12d836b15bb49d7bbf99e64295d995b";
export const KEY_2 = "0f6a1c2e3d4b5a69788796a5b4c3d2e1";
export const UNKNOWN_KEY = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

export const PROJECTS: ProjectsFile = parseProjects(
  `version: 1
projects:
  - id: 1
    organizationId: 1
    slug: default
    publicKeys: [${KEY_1}]
  - id: 2
    organizationId: 1
    slug: isolation
    publicKeys: [${KEY_2}]
`,
  "test-projects.yaml",
);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/dev/${name}`, import.meta.url));
}

export interface Recorded {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: KafkaPayload["headers"];
  readonly message: RelayMessage;
}

/** A producer that keeps what it was given, decoded with the Relay codec; can be made to fail. */
export class RecordingProducer implements Producer {
  readonly records: Recorded[] = [];
  failWith: Error | undefined;

  async produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>> {
    if (this.failWith) throw this.failWith;
    const topic = typeof destination === "string" ? destination : destination.topic;
    this.records.push({
      topic,
      key: payload.key,
      value: payload.value,
      headers: payload.headers,
      message: decodeRelayMessage(payload.value),
    });
    return {
      kind: "broker",
      payload,
      partition: partition(topic, 0),
      offset: this.records.length - 1,
      timestamp: Date.now(),
    };
  }

  async close(): Promise<void> {}

  take(): Recorded[] {
    return this.records.splice(0, this.records.length);
  }
}

interface StoredIssue extends IssueRecord {
  readonly events: EventRecord[];
}

/** An in-memory IssuesQuery with offset cursors, scoped by project like the real one. */
export class FakeIssues implements IssuesQuery {
  readonly calls: string[] = [];
  private readonly issues: StoredIssue[] = [];

  add(issue: IssueRecord, events: EventRecord[] = []): void {
    this.issues.push({ ...issue, events });
  }

  private page<T>(items: ReadonlyArray<T>, cursor: string | undefined, limit: number): RecordPage<T> {
    let offset = 0;
    if (cursor !== undefined) {
      if (!/^o\d+$/.test(cursor)) throw new IssuesQueryError("cursor is not one this server issued");
      offset = Number(cursor.slice(1));
    }
    const end = offset + limit;
    return { items: items.slice(offset, end), nextCursor: end < items.length ? `o${end}` : null };
  }

  async listIssues(params: {
    projectId: number;
    cursor?: string;
    limit: number;
  }): Promise<RecordPage<IssueRecord>> {
    this.calls.push(`listIssues:${params.projectId}`);
    const rows = this.issues
      .filter((issue) => issue.projectId === String(params.projectId))
      .map(({ events: _events, ...issue }) => issue);
    return this.page(rows, params.cursor, params.limit);
  }

  async getIssue(params: { projectId: number; groupId: number }): Promise<IssueRecord | undefined> {
    this.calls.push(`getIssue:${params.projectId}:${params.groupId}`);
    const found = this.issues.find(
      (issue) => issue.projectId === String(params.projectId) && issue.id === String(params.groupId),
    );
    if (!found) return undefined;
    const { events: _events, ...issue } = found;
    return issue;
  }

  async listEvents(params: {
    projectId: number;
    groupId: number;
    cursor?: string;
    limit: number;
  }): Promise<RecordPage<EventRecord>> {
    this.calls.push(`listEvents:${params.projectId}:${params.groupId}`);
    const issue = this.issues.find(
      (candidate) =>
        candidate.projectId === String(params.projectId) && candidate.id === String(params.groupId),
    );
    return this.page(issue?.events ?? [], params.cursor, params.limit);
  }
}

export interface TestServer {
  readonly server: DevServer;
  readonly producer: RecordingProducer;
  readonly issues: FakeIssues;
  readonly metrics: Metrics;
  readonly options: Options;
  readonly agent: Agent;
  send(request: SendRequest): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Options> = {}): Promise<TestServer> {
  const options = loadOptions({}, { devHost: "127.0.0.1", devPort: 0, ...overrides });
  const producer = new RecordingProducer();
  const issues = new FakeIssues();
  const metrics = createMetrics();
  const server = await startDevServer({
    producer,
    projects: PROJECTS,
    issues,
    metrics,
    logger: silentLogger(),
    options,
  });
  // One keep-alive connection: requests after a refused one travel on the same socket.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    server,
    producer,
    issues,
    metrics,
    options,
    agent,
    send: (request) => send(server.url, { agent, ...request }),
    async close() {
      agent.destroy();
      await server.close();
    },
  };
}

export interface SendRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: Buffer | string;
  readonly agent?: Agent;
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly json: unknown;
}

export function send(baseUrl: string, request: SendRequest): Promise<Reply> {
  const url = new URL(request.path, baseUrl);
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: request.method ?? "POST", headers: request.headers ?? {}, agent: request.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const isJson = (res.headers["content-type"] ?? "").startsWith("application/json");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: isJson ? JSON.parse(body.toString("utf8")) : undefined,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

/** X-Sentry-Auth as SDKs send it. */
export function sentryAuth(key: string): Record<string, string> {
  return {
    "x-sentry-auth": `Sentry sentry_version=7, sentry_client=sentry.javascript.node/8.9.2, sentry_key=${key}`,
  };
}

export const ENVELOPE_PATH = "/api/1/envelope/";

/** A minimal valid error envelope (formats.md §6.3). */
export function minimalEnvelope(eventId = "9ec79c33ec9942ab8353589fcb2e04dc"): string {
  return `{"event_id":"${eventId}","sent_at":"2024-01-01T00:00:00Z"}\n{"type":"event","length":41}\n{"message":"hello world","level":"error"}\n`;
}
