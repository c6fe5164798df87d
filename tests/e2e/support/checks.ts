import { Kafka, logLevel } from "kafkajs";
import { DLQ_HEADERS } from "../../../pipelines/dlq.ts";
import { eventIdFromKey } from "../../../schemas/relay/codec.ts";
import type { Pipeline } from "./pipeline.ts";
import { sleep } from "./supervisor.ts";

// What the suite asserts after the stream drained, read from the real stores: rows in
// ClickHouse (FINAL), dead letters on every DLQ topic, and the group assignment.

export interface DeadLetter {
  readonly topic: string;
  /** Event id from the record key (relay-intake keys by event id), when it has one. */
  readonly eventId: string | undefined;
  readonly reason: string | undefined;
  readonly originalTopic: string | undefined;
}

const DLQ_TOPICS = ["ingest-events-dlq", "events-raw-dlq", "events-normalized-dlq", "events-dlq"] as const;

/** Every record on the run's DLQ topics, read from the beginning up to the end offsets. */
export async function readDeadLetters(pipeline: Pipeline): Promise<DeadLetter[]> {
  const kafka = new Kafka({
    clientId: "e2e-dlq-reader",
    brokers: [...pipeline.options.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const topics = DLQ_TOPICS.map((name) => pipeline.topology.topic(name));
  let remaining = 0;
  for (const topic of topics) {
    for (const end of (await pipeline.admin.endOffsets(topic)).values()) remaining += end;
  }
  const letters: DeadLetter[] = [];
  if (remaining === 0) return letters;
  const consumer = kafka.consumer({ groupId: `${pipeline.config.prefix}-dlq-reader`, maxBytes: 64 << 20 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const header = (name: string) => {
          const value = message.headers?.[name];
          const first = Array.isArray(value) ? value[0] : value;
          return first === undefined ? undefined : first.toString();
        };
        letters.push({
          topic,
          eventId: eventIdFromKey(message.key ?? null),
          reason: header(DLQ_HEADERS.reason),
          originalTopic: header(DLQ_HEADERS.originalTopic),
        });
      },
    });
    const deadline = Date.now() + 120_000;
    while (letters.length < remaining && Date.now() < deadline) await sleep(250);
  } finally {
    await consumer.disconnect();
  }
  return letters;
}

export interface ExactlyOnce {
  readonly missing: string[];
  readonly duplicated: string[];
  readonly unexpected: string[];
}

export function exactlyOnce(expected: ReadonlySet<string>, counts: ReadonlyMap<string, number>): ExactlyOnce {
  const missing: string[] = [];
  const duplicated: string[] = [];
  const unexpected: string[] = [];
  for (const id of expected) {
    const n = counts.get(id) ?? 0;
    if (n === 0) missing.push(id);
    else if (n > 1) duplicated.push(id);
  }
  for (const id of counts.keys()) if (!expected.has(id)) unexpected.push(id);
  return { missing, duplicated, unexpected };
}

/**
 * Rows whose group does not hold their primary hash: for each stored event, the groups
 * table rows of (project, group id) must list the event's primary hash among their hashes.
 * Joined here rather than in SQL, so it runs on every ClickHouse version services.sh brings.
 */
export async function rowsOutsideTheirGroup(
  pipeline: Pipeline,
): Promise<{ rows: number; examples: string[] }> {
  const db = pipeline.database;
  const groups = await pipeline.query<{ project_id: string; group_id: string; hashes: string[] }>(
    `SELECT toString(project_id) AS project_id, toString(group_id) AS group_id, hashes FROM ${db}.groups`,
  );
  const hashesOf = new Map<string, Set<string>>();
  for (const group of groups) {
    const key = `${group.project_id}/${group.group_id}`;
    const set = hashesOf.get(key) ?? new Set<string>();
    for (const hash of group.hashes) set.add(hash);
    hashesOf.set(key, set);
  }
  const rows = await pipeline.query<{ project_id: string; group_id: string; hash: string; n: string }>(
    `SELECT toString(project_id) AS project_id, toString(group_id) AS group_id,
            replaceAll(toString(primary_hash), '-', '') AS hash, count() AS n
     FROM ${db}.errors FINAL GROUP BY project_id, group_id, hash`,
  );
  let outside = 0;
  const examples: string[] = [];
  for (const row of rows) {
    const key = `${row.project_id}/${row.group_id}`;
    if (hashesOf.get(key)?.has(row.hash)) continue;
    outside += Number(row.n);
    if (examples.length < 5) examples.push(`${key} ${row.hash}`);
  }
  return { rows: outside, examples };
}

/** Group ids used in more than one project (must be none: ids are per issue, issues per project). */
export async function groupsSharedAcrossProjects(pipeline: Pipeline): Promise<number> {
  const rows = await pipeline.query<{ group_id: string; projects: string }>(
    `SELECT toString(group_id) AS group_id, uniqExact(project_id) AS projects
     FROM ${pipeline.database}.errors FINAL GROUP BY group_id`,
  );
  return rows.filter((row) => Number(row.projects) > 1).length;
}

/** Project → distinct group ids of the events with this fingerprint. */
export async function groupsOfEvents(
  pipeline: Pipeline,
  eventIds: ReadonlyArray<string>,
): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  if (eventIds.length === 0) return out;
  const list = eventIds.map((id) => `'${id}'`).join(",");
  const rows = await pipeline.query<{ project_id: string; group_id: string }>(
    `SELECT DISTINCT project_id, toString(group_id) AS group_id FROM ${pipeline.database}.errors FINAL
     WHERE replaceAll(toString(event_id), '-', '') IN (${list})`,
  );
  for (const row of rows) {
    const project = Number(row.project_id);
    const set = out.get(project) ?? new Set<string>();
    set.add(row.group_id);
    out.set(project, set);
  }
  return out;
}
