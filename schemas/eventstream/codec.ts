import { DecodeError, EncodeError } from "../errors.ts";
import { type JsonObject, type JsonValue, type PayloadLimits, parseJsonBytes } from "../json-payload.ts";
import {
  EVENTSTREAM_VERSION,
  type EventStreamMessage,
  type EventStreamOperation,
  type InsertEventBody,
  type PostProcessState,
  REPLACEMENT_OPERATIONS,
} from "./types.ts";

const FORMAT = "eventstream-json";

type FieldKind = "string" | "nullable-string" | "id" | "nullable-id" | "int" | "id[]" | "string[]" | "object";
interface BodyShape {
  readonly required: Readonly<Record<string, FieldKind>>;
  readonly optional: Readonly<Record<string, FieldKind>>;
}

// Field types per operation, from events.v1.schema.json (`integer` with minimum 0 → "id").
// Optional fields may also be null: Sentry builds bodies from Python values that can be None
// and Snuba's replacer reads them with `.get`.
const DELETE_GROUPS: BodyShape = {
  required: { project_id: "id", group_ids: "id[]", datetime: "string" },
  optional: { transaction_id: "string" },
};
const MERGE: BodyShape = {
  required: { project_id: "id", previous_group_ids: "id[]", new_group_id: "int", datetime: "string" },
  optional: { transaction_id: "string", new_group_first_seen: "string" },
};
const UNMERGE_FIELDS = {
  previous_group_id: "int",
  new_group_id: "int",
  hashes: "string[]",
  datetime: "string",
} as const satisfies Record<string, FieldKind>;

const SHAPES: Readonly<Record<EventStreamOperation, BodyShape>> = {
  insert: {
    required: {
      event_id: "string",
      project_id: "id",
      group_id: "id",
      primary_hash: "string",
      message: "string",
      data: "object",
    },
    optional: {
      organization_id: "id",
      group_ids: "id[]",
      group_first_seen: "string",
      platform: "nullable-string",
      datetime: "string",
      retention_days: "nullable-id",
    },
  },
  start_delete_groups: DELETE_GROUPS,
  end_delete_groups: DELETE_GROUPS,
  start_merge: MERGE,
  end_merge: MERGE,
  start_unmerge: {
    required: { project_id: "id" },
    optional: { transaction_id: "string", ...UNMERGE_FIELDS },
  },
  end_unmerge: { required: { project_id: "id", ...UNMERGE_FIELDS }, optional: { transaction_id: "string" } },
  start_delete_tag: { required: { project_id: "id" }, optional: { tag: "string", datetime: "string" } },
  end_delete_tag: { required: { project_id: "id", tag: "string", datetime: "string" }, optional: {} },
  tombstone_events: {
    required: { project_id: "id", event_ids: "string[]" },
    optional: {
      old_primary_hash: "nullable-string",
      from_timestamp: "string",
      to_timestamp: "string",
      datetime: "string",
    },
  },
  replace_group: {
    required: { project_id: "id", event_ids: "string[]", new_group_id: "int" },
    optional: {
      from_timestamp: "string",
      to_timestamp: "string",
      transaction_id: "string",
      datetime: "string",
    },
  },
  exclude_groups: { required: { project_id: "id", group_ids: "id[]" }, optional: {} },
};

/**
 * Parses one `events` message value into a typed message. Throws only `DecodeError`; the body
 * objects are the parsed JSON itself (unknown keys kept), checked field by field.
 */
export function parseEventStreamMessage(bytes: Uint8Array, limits: PayloadLimits): EventStreamMessage {
  const tuple = parseJsonBytes(bytes, limits, FORMAT);
  if (!Array.isArray(tuple) || tuple.length < 3) {
    throw new DecodeError(FORMAT, "not-eventstream-tuple", "expected a JSON array of 3 or 4 elements");
  }
  const [version, operation, body] = tuple;
  if (version !== EVENTSTREAM_VERSION) {
    throw new DecodeError(
      FORMAT,
      "unsupported-version",
      `version ${JSON.stringify(version)}, expected 2`,
      "[0]",
    );
  }
  if (typeof operation !== "string") {
    throw new DecodeError(FORMAT, "wrong-type", "operation is not a string", "[1]");
  }
  if (operation !== "insert" && !(REPLACEMENT_OPERATIONS as ReadonlyArray<string>).includes(operation)) {
    throw new DecodeError(FORMAT, "unknown-operation", `operation ${JSON.stringify(operation)}`, "[1]");
  }
  const op = operation as EventStreamOperation;
  const expectedLength = op === "insert" ? 4 : 3;
  if (tuple.length !== expectedLength) {
    throw new DecodeError(
      FORMAT,
      "not-eventstream-tuple",
      `${op} carries ${expectedLength} elements, got ${tuple.length}`,
    );
  }
  const checked = checkBody(body, SHAPES[op], "[2]");
  if (op === "insert") {
    const received = (checked.data as JsonObject).received;
    if (received === undefined) {
      throw new DecodeError(FORMAT, "missing-field", "required key received is missing", "[2].data.received");
    }
    if (typeof received !== "number") {
      throw new DecodeError(FORMAT, "wrong-type", "expected a number", "[2].data.received");
    }
    return {
      version: EVENTSTREAM_VERSION,
      operation: op,
      body: checked as InsertEventBody,
      state: tuple[3]!,
    };
  }
  return { version: EVENTSTREAM_VERSION, operation: op, body: checked } as EventStreamMessage;
}

function checkBody(body: JsonValue | undefined, shape: BodyShape, path: string): JsonObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new DecodeError(FORMAT, "wrong-type", "body is not a JSON object", path);
  }
  for (const [key, kind] of Object.entries(shape.required)) {
    const value = body[key];
    if (value === undefined) {
      throw new DecodeError(FORMAT, "missing-field", `required key ${key} is missing`, `${path}.${key}`);
    }
    if (value === null && kind.startsWith("nullable")) continue;
    checkField(value, kind, `${path}.${key}`);
  }
  for (const [key, kind] of Object.entries(shape.optional)) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    checkField(value, kind, `${path}.${key}`);
  }
  return body;
}

function checkField(value: JsonValue, kind: FieldKind, path: string): void {
  const fail = (expected: string): never => {
    throw new DecodeError(FORMAT, "wrong-type", `expected ${expected}`, path);
  };
  switch (kind) {
    case "string":
    case "nullable-string":
      if (typeof value !== "string") fail("a string");
      return;
    case "id":
    case "nullable-id":
      checkInteger(value, path, 0);
      return;
    case "int":
      checkInteger(value, path, Number.MIN_SAFE_INTEGER);
      return;
    case "id[]":
      if (!Array.isArray(value)) fail("an array of integers");
      for (const [i, item] of (value as JsonValue[]).entries()) {
        checkInteger(item, `${path}[${i}]`, Number.MIN_SAFE_INTEGER);
      }
      return;
    case "string[]":
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
        fail("an array of strings");
      return;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) fail("a JSON object");
      return;
  }
}

function checkInteger(value: JsonValue, path: string, minimum: number): void {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new DecodeError(FORMAT, "wrong-type", "expected an integer", path);
  }
  // JSON.parse already rounded anything beyond 2^53; such ids cannot be handled exactly.
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new DecodeError(FORMAT, "out-of-range", `integer ${value} is out of range`, path);
  }
}

/** The value bytes, as Sentry's `json.dumps((2, op) + extra_data)` (compact separators). */
export function serializeEventStreamMessage(message: EventStreamMessage): Buffer {
  const tuple: JsonValue[] =
    message.operation === "insert"
      ? [message.version, message.operation, message.body as JsonObject, message.state]
      : [message.version, message.operation, message.body as JsonObject];
  return Buffer.from(JSON.stringify(tuple), "utf8");
}

/** Semantic partitioning: every message of a project on one partition, in order. */
export function eventStreamKey(projectId: number): Buffer {
  return Buffer.from(String(projectId), "utf8");
}

export interface InsertHeaderOptions {
  /** `data.received` of the event, epoch seconds (Sentry passes it as a float). */
  readonly receivedTimestamp: number;
  /** Post-process queue; default from the state's `queue`, else `post_process_errors`. */
  readonly queue?: string;
  /** Sentry's `eventstream:kafka-headers` option: also event/group ids and flags. */
  readonly detailed?: boolean;
}

/**
 * Kafka headers Sentry sets: inserts carry `Received-Timestamp` and `queue` (plus the detailed
 * set when asked), every message ends with `operation` and `version`. Null values are left out.
 */
export function eventStreamHeaders(
  message: EventStreamMessage,
  options?: InsertHeaderOptions,
): Array<[string, Buffer]> {
  const headers: Array<[string, string]> = [];
  if (message.operation === "insert") {
    if (!options)
      throw new EncodeError(FORMAT, "invalid-value", "insert headers need the received timestamp");
    const state = stateObject(message.state);
    const queue = options.queue ?? (typeof state?.queue === "string" ? state.queue : "post_process_errors");
    headers.push(["Received-Timestamp", pythonFloat(options.receivedTimestamp)]);
    if (options.detailed) {
      const body = message.body;
      const flag = (value: unknown): string => (value === true ? "1" : "0");
      headers.push(["event_id", body.event_id], ["project_id", String(body.project_id)]);
      const occurrence = body.occurrence_data;
      if (occurrence && typeof occurrence === "object" && !Array.isArray(occurrence)) {
        const id = occurrence.id;
        if (typeof id === "string") headers.push(["occurrence_id", id]);
      }
      headers.push(["group_id", String(body.group_id)], ["primary_hash", body.primary_hash]);
      headers.push(
        ["is_new", flag(state?.is_new)],
        ["is_new_group_environment", flag(state?.is_new_group_environment)],
        ["is_regression", flag(state?.is_regression)],
        ["skip_consume", flag(state?.skip_consume)],
      );
      if (state?.group_states !== undefined)
        headers.push(["group_states", JSON.stringify(state.group_states)]);
    }
    headers.push(["queue", queue]);
  }
  headers.push(["operation", message.operation], ["version", String(EVENTSTREAM_VERSION)]);
  return headers.map(([name, value]) => [name, Buffer.from(value, "utf8")]);
}

function stateObject(state: JsonValue): Partial<PostProcessState> | undefined {
  return typeof state === "object" && state !== null && !Array.isArray(state)
    ? (state as Partial<PostProcessState>)
    : undefined;
}

/** Python's `str(float)`: whole numbers keep a `.0`. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
