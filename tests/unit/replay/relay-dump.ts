import { randomUUID } from "node:crypto";
import { DUMP_FORMAT, DUMP_VERSION, type DumpedMessage, DumpWriter } from "../../../replay/dump-format.ts";
import { relayEventMessage } from "../../../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../../../schemas/relay/codec.ts";

// Dumps of `ingest-events` as Relay writes it (msgpack event messages keyed by the event
// id's 16 bytes), for the replay tests that feed the dev pipeline.

export interface TestEvent {
  readonly eventId: string;
  readonly projectId: number;
  readonly body: Record<string, unknown>;
}

function frame(fn: string, module: string, lineno: number): Record<string, unknown> {
  return {
    function: fn,
    module,
    filename: `${module}.py`,
    abs_path: `/app/${module}.py`,
    lineno,
    in_app: true,
  };
}

function exceptionEvent(type: string, value: string, frames: ReadonlyArray<Record<string, unknown>>) {
  return {
    platform: "python",
    level: "error",
    exception: { values: [{ type, value, stacktrace: { frames } }] },
  };
}

/**
 * Six events in three groups under the default settings: three TypeErrors with one stack,
 * one ValueError with another, and two KeyErrors that share a stack but not a value.
 */
export function groupingEvents(projectId = 1): TestEvent[] {
  const stackA = [frame("main", "app.main", 10), frame("load_user", "app.users", 42)];
  const stackB = [frame("main", "app.main", 12), frame("parse", "app.parser", 7)];
  const stackC = [frame("main", "app.main", 14), frame("lookup", "app.cache", 99)];
  const bodies = [
    exceptionEvent("TypeError", "'NoneType' object is not subscriptable", stackA),
    exceptionEvent("TypeError", "'NoneType' object is not subscriptable", stackA),
    exceptionEvent("TypeError", "'NoneType' object is not subscriptable", stackA),
    exceptionEvent("ValueError", "invalid literal for int()", stackB),
    exceptionEvent("KeyError", "'alpha'", stackC),
    exceptionEvent("KeyError", "'beta'", stackC),
  ];
  const now = Date.now() / 1000;
  return bodies.map((body, i) => {
    const eventId = randomUUID().replaceAll("-", "");
    return { eventId, projectId, body: { ...body, event_id: eventId, timestamp: now - 60 + i } };
  });
}

/** The ingest-events record Relay would write for `event`. */
export function relayRecord(event: TestEvent, offset: number): DumpedMessage {
  const message = relayEventMessage({
    payload: Buffer.from(JSON.stringify(event.body)),
    eventId: event.eventId,
    projectId: event.projectId,
    startTime: Math.floor(Date.now() / 1000),
  });
  return {
    partition: 0,
    offset,
    timestamp: Date.now(),
    key: eventIdToKey(event.eventId),
    value: encodeRelayMessage(message),
    headers: [],
  };
}

/** Writes `events` as a dump of `topic` to `path`. */
export async function writeRelayDump(
  path: string,
  events: ReadonlyArray<TestEvent>,
  topic = "ingest-events",
): Promise<void> {
  const writer = await DumpWriter.open(path, {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    topic,
    createdAt: new Date().toISOString(),
    ranges: [{ partition: 0, start: 0, end: events.length }],
    expectedMessages: events.length,
  });
  for (const [i, event] of events.entries()) await writer.write(relayRecord(event, i));
  await writer.close();
}
