// cli/dev-pipeline.ts
import { setTimeout as sleep } from "node:timers/promises";
import { loadProjectsFile } from "../config/projects.js";
import { loadTopology } from "../config/topology.js";
import { memoryBackend } from "../consumers/backends.js";
import { groupingConsumer } from "../consumers/grouping/definition.js";
import { CONSUMER_NAMES, consumerDefinition } from "../consumers/registry.js";
import { startConsumer } from "../consumers/runner.js";
import { resolveConsumerSettings } from "../consumers/settings.js";
import { getIssue, InvalidQueryError, listEvents, listIssues } from "../consumers/storage/queries.js";
import { SqliteSink } from "../consumers/storage/sqlite-sink.js";
import { RELAY_TOPICS } from "../dev/intake.js";
import { IssuesQueryError } from "../dev/issues-api.js";
import { startDevServer } from "../dev/server.js";
import { MemoryBroker } from "../producers/memory-broker.js";
import { groupingSeededFromSqlite } from "./dev-grouping-seed.js";
var DevPipelineError = class extends Error {
  constructor(reason, message, options) {
    super(message, options);
    this.reason = reason;
    this.name = "DevPipelineError";
  }
  reason;
};
var DRAIN_POLL_MS = 20;
function backlogOf(broker, consumers) {
  const backlog = /* @__PURE__ */ new Map();
  for (const { settings } of consumers) {
    let behind = 0;
    for (const topic of settings.inputs) {
      for (const p of broker.partitionsOf(topic)) {
        behind += broker.endOffset(p) - (broker.committedOffset(settings.groupId, p) ?? 0);
      }
    }
    backlog.set(settings.name, behind);
  }
  return backlog;
}
function issuesQuery(sink) {
  const translate = async (read) => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof InvalidQueryError) throw new IssuesQueryError(error.message, { cause: error });
      throw error;
    }
  };
  return {
    listIssues: (params) => translate(async () => {
      const page = await listIssues(sink, params);
      return { items: page.items, nextCursor: page.nextCursor };
    }),
    getIssue: (params) => translate(() => getIssue(sink, params)),
    listEvents: (params) => translate(async () => {
      const page = await listEvents(sink, params);
      return { items: page.items, nextCursor: page.nextCursor };
    })
  };
}
async function startDevPipeline(given, deps) {
  const options = Object.freeze({
    ...given,
    commitIntervalMs: Math.min(given.commitIntervalMs, given.devMaxBatchTimeMs)
  });
  const topology = await loadTopology(options.topologyFile);
  const projects = await loadProjectsFile(options.projectsFile);
  const broker = new MemoryBroker();
  for (const topic of Object.values(topology.topics)) broker.createTopic(topic.name, topic.partitions);
  const backend = memoryBackend(broker, options);
  const consumers = [];
  const stopConsumers = async () => {
    for (const consumer of consumers) {
      consumer.shutdown();
      await consumer.done;
    }
  };
  try {
    for (const name of CONSUMER_NAMES) {
      const definition = name === "grouping" ? groupingSeededFromSqlite(
        groupingConsumer,
        options.sqlitePath,
        (report) => deps.logger.info(report, "dev.grouping_state_restored")
      ) : consumerDefinition(name);
      if (definition === void 0) throw new Error(`consumer ${name} has no definition in this build`);
      const settings = resolveConsumerSettings(topology, name, options, {
        maxBatchTimeMs: options.devMaxBatchTimeMs
      });
      consumers.push(
        await startConsumer(definition, {
          settings,
          options,
          backend,
          mode: "embedded",
          metrics: deps.metrics,
          logger: deps.logger
        })
      );
    }
  } catch (error) {
    await stopConsumers();
    throw error;
  }
  const readSink = SqliteSink.open(options.sqlitePath);
  const server = await startDevServer({
    producer: backend.producerFactory("dev-intake"),
    projects,
    issues: issuesQuery(readSink),
    metrics: deps.metrics,
    logger: deps.logger,
    options,
    // The errors pipeline consumes neither topic; their items are counted as dropped.
    topics: { ...RELAY_TOPICS, transactions: null, feedback: null }
  });
  let stopped = null;
  for (const consumer of consumers) {
    consumer.done.then(
      () => {
        stopped ??= { name: consumer.settings.name, error: void 0 };
      },
      (error) => {
        stopped ??= { name: consumer.settings.name, error };
      }
    );
  }
  const total = () => [...backlogOf(broker, consumers).values()].reduce((a, b) => a + b, 0);
  return {
    server,
    broker,
    consumers,
    projects,
    storage: readSink,
    backlog: total,
    waitUntilDrained: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (total() > 0) {
        if (stopped !== null) {
          throw new DevPipelineError("consumer_stopped", `consumer ${stopped.name} stopped while draining`, {
            cause: stopped.error
          });
        }
        if (Date.now() > deadline) {
          const behind = Object.fromEntries(backlogOf(broker, consumers));
          throw new DevPipelineError(
            "drain_timeout",
            `the dev pipeline did not drain within ${timeoutMs} ms; uncommitted messages per consumer: ${JSON.stringify(behind)}`
          );
        }
        await sleep(DRAIN_POLL_MS);
      }
    },
    close: async () => {
      await server.close();
      await stopConsumers();
      await backend.close();
      await readSink.close();
    }
  };
}
export {
  DevPipelineError,
  startDevPipeline
};
//# sourceMappingURL=dev-pipeline.js.map
