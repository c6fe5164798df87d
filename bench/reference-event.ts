// The reference workload both framework benchmarks use (reference-chain on the in-memory
// broker, kafka-chain on real Kafka): a Sentry-like 2 KB error event, its decode and the
// small transform, so the two figures are measured on exactly the same work.

export interface Summary {
  readonly eventId: string;
  readonly projectId: number;
  readonly timestamp: number;
  readonly level: string;
  readonly platform: string;
  readonly inAppFrames: number;
}

interface Frame {
  readonly in_app?: boolean;
}

export interface Event {
  readonly event_id: string;
  readonly project: number;
  readonly timestamp: number;
  readonly level: string;
  readonly platform: string;
  readonly exception?: {
    readonly values?: ReadonlyArray<{ readonly stacktrace?: { readonly frames?: Frame[] } }>;
  };
}

/** A Sentry-like error event of about 2 KB. */
export function event(i: number): Buffer {
  const frames = Array.from({ length: 8 }, (_, f) => ({
    filename: `app/services/module_${f}.py`,
    function: `handle_${f}`,
    module: `app.services.module_${f}`,
    lineno: 100 + f,
    in_app: f % 3 !== 0,
    context_line: `    result = process(payload, retries=${f})`,
  }));
  return Buffer.from(
    JSON.stringify({
      event_id: (i.toString(16) + "0".repeat(32)).slice(0, 32),
      project: 1 + (i % 7),
      timestamp: 1_700_000_000 + i,
      level: "error",
      platform: "python",
      logger: "app.worker",
      transaction: "/api/0/projects/{organization_slug}/{project_slug}/events/",
      release: "backend@24.11.0",
      environment: "production",
      message: "Failed to process payload",
      exception: {
        values: [{ type: "ValueError", value: `invalid literal for int(): '${i}'`, stacktrace: { frames } }],
      },
      tags: [
        ["server_name", "web-1"],
        ["browser", "Chrome 120"],
      ],
      user: { id: String(i % 1000), ip_address: "10.0.0.1" },
      sdk: { name: "sentry.python", version: "1.40.0" },
      contexts: { runtime: { name: "CPython", version: "3.11.7" }, os: { name: "Linux" } },
    }),
  );
}

export function decode(value: Buffer): Event {
  return JSON.parse(value.toString("utf8")) as Event;
}

export function summarise(e: Event): Summary {
  let inApp = 0;
  for (const f of e.exception?.values?.[0]?.stacktrace?.frames ?? []) if (f.in_app) inApp++;
  return {
    eventId: e.event_id,
    projectId: e.project,
    timestamp: e.timestamp,
    level: e.level,
    platform: e.platform,
    inAppFrames: inApp,
  };
}
