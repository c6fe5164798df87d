import { describe, expect, it } from "vitest";
import { formatLag, lagJson } from "../../../cli/commands/lag.ts";
import { startMetricsServer } from "../../../observability/http.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { Partition } from "../../../pipelines/types.ts";

describe("metrics server", () => {
  it("serves /metrics in Prometheus text format and /health from the probe", async () => {
    const metrics = createMetrics();
    metrics.messagesConsumed.inc({ consumer: "storage", topic: "events" }, 3);
    let healthy = true;
    const server = await startMetricsServer({
      registry: metrics.registry,
      port: 0,
      health: () =>
        healthy ? { healthy: true } : { healthy: false, detail: "the processing loop is stuck" },
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await scrape.text()).toContain(
        'ingest_messages_consumed_total{consumer="storage",topic="events"} 3',
      );

      const ok = await fetch(`${base}/health`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: "ok" });
      healthy = false;
      const stuck = await fetch(`${base}/health`);
      expect(stuck.status).toBe(503);
      expect(await stuck.json()).toEqual({ status: "unhealthy", detail: "the processing loop is stuck" });

      expect((await fetch(`${base}/nothing`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

describe("ingest lag output", () => {
  const groups = [
    {
      group: "storage-consumer",
      consumer: "storage",
      partitions: [
        { partition: Partition.of("events", 0), end: 120, committed: 100, lag: 20 },
        { partition: Partition.of("events", 1), end: 5, committed: null, lag: 5 },
      ],
      missingTopics: [],
    },
    { group: "normalize-consumer", consumer: "normalize", partitions: [], missingTopics: ["events-raw"] },
  ];

  it("prints one row per partition, '-' for no commit, then each group's total and missing topics", () => {
    expect(formatLag(groups)).toEqual([
      "GROUP             TOPIC   PARTITION  COMMITTED  END  LAG",
      "storage-consumer  events          0        100  120   20",
      "storage-consumer  events          1          -    5    5",
      "storage-consumer (consumer storage): total lag 25 over 2 partition(s)",
      "normalize-consumer (consumer normalize): total lag 0 over 0 partition(s)",
      "normalize-consumer: topic events-raw does not exist",
    ]);
  });

  it("prints JSON with null for a partition without commit", () => {
    expect(lagJson(groups)).toEqual([
      {
        group: "storage-consumer",
        consumer: "storage",
        missingTopics: [],
        partitions: [
          { topic: "events", partition: 0, committed: 100, end: 120, lag: 20 },
          { topic: "events", partition: 1, committed: null, end: 5, lag: 5 },
        ],
      },
      { group: "normalize-consumer", consumer: "normalize", missingTopics: ["events-raw"], partitions: [] },
    ]);
  });
});
