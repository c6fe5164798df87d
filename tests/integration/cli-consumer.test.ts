import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONSUMER_NAMES, consumerDefinition } from "../../consumers/registry.ts";
import { requireClickHouse, requireKafka, requireRedis } from "../helpers/services.ts";
import { consumerSuite, scrape, total } from "./cli-consumer-support.ts";
import { freePort, IngestProcess, ingest, waitUntil } from "./cli-support.ts";

// `ingest consumer run NAME` as a container runs it: the real binary with every flag, its
// health file, /metrics and /health, stopped with SIGTERM. Every consumer of the registry
// runs here; one the registry does not have yet must be refused with exit code 2.

requireKafka();
requireClickHouse();
requireRedis();

const RUNNABLE = CONSUMER_NAMES.filter((name) => consumerDefinition(name) !== undefined);
const NOT_YET = CONSUMER_NAMES.filter((name) => consumerDefinition(name) === undefined);
const suite = consumerSuite("clicons");

describe.each(RUNNABLE)("ingest consumer run %s", (name) => {
  it("starts with every flag applied, keeps its health file and endpoints, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const healthFile = join(suite.dir, `${name}-health.txt`);
    const group = `${suite.prefix}-flags-${name}`;
    const run = new IngestProcess(
      [
        "consumer",
        "run",
        name,
        "--topology",
        suite.topology.file,
        "--consumer-group",
        group,
        "--max-batch-size",
        "7",
        "--max-batch-time-ms",
        "300",
        "--concurrency",
        "1",
        "--auto-offset-reset",
        "latest",
        "--no-strict-offset-reset",
        "--healthcheck-file",
        healthFile,
        "--disable-dlq",
        "--max-poll-interval-ms",
        "20000",
        "--group-instance-id",
        `${name}-0`,
        "--metrics-port",
        String(port),
        "--log-level",
        "info",
      ],
      suite.env,
    );
    try {
      const started = await run.waitForLog("consumer.started");
      expect(started).toMatchObject({
        consumer: name,
        groupId: group,
        maxBatchSize: 7,
        maxBatchTimeMs: 300,
        concurrency: 1,
        autoOffsetReset: "latest",
        strictOffsetReset: false,
        dlqEnabled: false,
        dlq: {},
        maxPollIntervalMs: 20000,
        groupInstanceId: `${name}-0`,
        healthcheckFile: healthFile,
        metrics: `127.0.0.1:${port}`,
        backend: "kafka",
        mode: "production",
      });
      expect(run.logs().filter((line) => line.msg === "consumer.started")).toHaveLength(1);
      expect(run.logs().find((line) => line.msg === "kafka.static_membership_unsupported")).toMatchObject({
        level: 40,
        groupInstanceId: `${name}-0`,
      });
      await run.waitForLog("partitions.assigned");

      expect(existsSync(healthFile)).toBe(true);
      unlinkSync(healthFile);
      await waitUntil("the health file to come back", () => existsSync(healthFile), 3000);

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const metrics = await scrape(port);
      expect(total(metrics, "ingest_rebalances_total", { consumer: name, kind: "assign" })).toBeGreaterThan(
        0,
      );
      expect(total(metrics, "ingest_healthcheck_touches_total", { consumer: name })).toBeGreaterThan(0);
    } finally {
      expect(await run.stop("SIGTERM")).toBe(0);
    }
    const stopped = run.logs().find((line) => line.msg === "processor.stopped");
    expect(stopped).toMatchObject({ terminated: false });
    expect(run.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(["consumer.shutdown_signal", "partitions.revoked", "consumer.stopped"]),
    );
    // It left the group instead of waiting to be timed out of it.
    expect((await suite.admin.describeGroup(group)).members).toEqual([]);
  });
});

describe.each(NOT_YET)("ingest consumer run %s (no implementation in this build yet)", (name) => {
  it("exits 2 with the reason", async () => {
    const result = await ingest(["consumer", "run", name, "--topology", suite.topology.file], suite.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^ingest: consumer "${name}" is declared in the topology but this build has no implementation`,
      ),
    );
  });
});
