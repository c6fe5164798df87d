import { setTimeout as sleep } from "node:timers/promises";
import type { Options } from "../config/options.ts";
import { loadProjectsFile, type ProjectsFile } from "../config/projects.ts";
import { loadTopology } from "../config/topology.ts";
import { memoryBackend } from "../consumers/backends.ts";
import { groupingConsumer } from "../consumers/grouping/definition.ts";
import { CONSUMER_NAMES, consumerDefinition, type RegisteredConsumer } from "../consumers/registry.ts";
import { type RunningConsumer, startConsumer } from "../consumers/runner.ts";
import { resolveConsumerSettings } from "../consumers/settings.ts";
import { getIssue, InvalidQueryError, listEvents, listIssues } from "../consumers/storage/queries.ts";
import type { StorageSink } from "../consumers/storage/sink.ts";
import { SqliteSink } from "../consumers/storage/sqlite-sink.ts";
import { RELAY_TOPICS } from "../dev/intake.ts";
import { type IssuesQuery, IssuesQueryError } from "../dev/issues-api.ts";
import { type DevServer, startDevServer } from "../dev/server.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import { groupingSeededFromSqlite } from "./dev-grouping-seed.ts";

export interface DevPipeline {
  readonly server: DevServer;
  readonly broker: MemoryBroker;
  readonly consumers: ReadonlyArray<RunningConsumer>;
  readonly projects: ProjectsFile;
  /** A read connection to the storage consumer's SQLite file. */
  readonly storage: StorageSink;
  /** Messages on the consumers' input topics that their groups have not committed yet. */
  backlog(): number;
  /**
   * Resolves once every consumer has committed everything on its inputs (so every event
   * that entered is stored, dropped or dead-lettered). Rejects with `DevPipelineError` when a
   * consumer's loop ends meanwhile or `timeoutMs` passes.
   */
  waitUntilDrained(timeoutMs: number): Promise<void>;
  /** Stops the server, then drains every consumer in data-flow order. */
  close(): Promise<void>;
}

export class DevPipelineError extends Error {
  constructor(
    readonly reason: "drain_timeout" | "consumer_stopped",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DevPipelineError";
  }
}

/** How often `waitUntilDrained` looks at the committed offsets. */
const DRAIN_POLL_MS = 20;

function backlogOf(broker: MemoryBroker, consumers: ReadonlyArray<RunningConsumer>): Map<string, number> {
  const backlog = new Map<string, number>();
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

/** Storage's read path as the dev server's issues API wants it; bad cursors answer 400. */
function issuesQuery(sink: StorageSink): IssuesQuery {
  const translate = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof InvalidQueryError) throw new IssuesQueryError(error.message, { cause: error });
      throw error;
    }
  };
  return {
    listIssues: (params) =>
      translate(async () => {
        const page = await listIssues(sink, params);
        return { items: page.items, nextCursor: page.nextCursor };
      }),
    getIssue: (params) => translate(() => getIssue(sink, params)),
    listEvents: (params) =>
      translate(async () => {
        const page = await listEvents(sink, params);
        return { items: page.items, nextCursor: page.nextCursor };
      }),
  };
}

/**
 * `ingest dev`: the four production chains in one process on the in-memory broker, with
 * the in-process state stores and the SQLite sink ("embedded" resources), behind the
 * Relay-compatible HTTP intake. Nothing here needs a server.
 */
export async function startDevPipeline(
  given: Options,
  deps: { readonly logger: Logger; readonly metrics: Metrics },
): Promise<DevPipeline> {
  // Committing to the in-memory broker is a map update: commit as often as batches close,
  // so "everything committed" (waitUntilDrained) follows the data without a second's lag.
  const options: Options = Object.freeze({
    ...given,
    commitIntervalMs: Math.min(given.commitIntervalMs, given.devMaxBatchTimeMs),
  });
  const topology = await loadTopology(options.topologyFile);
  const projects = await loadProjectsFile(options.projectsFile);
  const broker = new MemoryBroker();
  for (const topic of Object.values(topology.topics)) broker.createTopic(topic.name, topic.partitions);
  const backend = memoryBackend(broker, options);

  const consumers: RunningConsumer[] = [];
  const stopConsumers = async () => {
    for (const consumer of consumers) {
      consumer.shutdown();
      await consumer.done;
    }
  };
  try {
    for (const name of CONSUMER_NAMES) {
      const definition: RegisteredConsumer | undefined =
        name === "grouping"
          ? (groupingSeededFromSqlite(groupingConsumer, options.sqlitePath, (report) =>
              deps.logger.info(report, "dev.grouping_state_restored"),
            ) as RegisteredConsumer)
          : consumerDefinition(name);
      if (definition === undefined) throw new Error(`consumer ${name} has no definition in this build`);
      const settings = resolveConsumerSettings(topology, name, options, {
        maxBatchTimeMs: options.devMaxBatchTimeMs,
      });
      consumers.push(
        await startConsumer(definition, {
          settings,
          options,
          backend,
          mode: "embedded",
          metrics: deps.metrics,
          logger: deps.logger,
        }),
      );
    }
  } catch (error) {
    await stopConsumers();
    throw error;
  }

  // A second connection to the storage consumer's SQLite file, for reads (WAL mode).
  const readSink = SqliteSink.open(options.sqlitePath);
  const server = await startDevServer({
    producer: backend.producerFactory("dev-intake"),
    projects,
    issues: issuesQuery(readSink),
    metrics: deps.metrics,
    logger: deps.logger,
    options,
    // The errors pipeline consumes neither topic; their items are counted as dropped.
    topics: { ...RELAY_TOPICS, transactions: null, feedback: null },
  });

  // A loop that ends before close() was asked for crashed: drain waits must not hang on it.
  let stopped: { name: string; error: unknown } | null = null;
  for (const consumer of consumers) {
    consumer.done.then(
      () => {
        stopped ??= { name: consumer.settings.name, error: undefined };
      },
      (error: unknown) => {
        stopped ??= { name: consumer.settings.name, error };
      },
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
      // The broker is single-threaded: one pass over every group sees one consistent state.
      while (total() > 0) {
        if (stopped !== null) {
          throw new DevPipelineError("consumer_stopped", `consumer ${stopped.name} stopped while draining`, {
            cause: stopped.error,
          });
        }
        if (Date.now() > deadline) {
          const behind = Object.fromEntries(backlogOf(broker, consumers));
          throw new DevPipelineError(
            "drain_timeout",
            `the dev pipeline did not drain within ${timeoutMs} ms; uncommitted messages per consumer: ${JSON.stringify(behind)}`,
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
    },
  };
}
