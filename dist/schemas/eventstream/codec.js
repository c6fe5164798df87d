// schemas/eventstream/codec.ts
import { DecodeError, EncodeError } from "../errors.js";
import { parseJsonBytes } from "../json-payload.js";
import {
  EVENTSTREAM_VERSION,
  REPLACEMENT_OPERATIONS
} from "./types.js";
var FORMAT = "eventstream-json";
var DELETE_GROUPS = {
  required: { project_id: "id", group_ids: "id[]", datetime: "string" },
  optional: { transaction_id: "string" }
};
var MERGE = {
  required: { project_id: "id", previous_group_ids: "id[]", new_group_id: "int", datetime: "string" },
  optional: { transaction_id: "string", new_group_first_seen: "string" }
};
var UNMERGE_FIELDS = {
  previous_group_id: "int",
  new_group_id: "int",
  hashes: "string[]",
  datetime: "string"
};
var SHAPES = {
  insert: {
    required: {
      event_id: "string",
      project_id: "id",
      group_id: "id",
      primary_hash: "string",
      message: "string",
      data: "object"
    },
    optional: {
      organization_id: "id",
      group_ids: "id[]",
      group_first_seen: "string",
      platform: "nullable-string",
      datetime: "string",
      retention_days: "nullable-id"
    }
  },
  start_delete_groups: DELETE_GROUPS,
  end_delete_groups: DELETE_GROUPS,
  start_merge: MERGE,
  end_merge: MERGE,
  start_unmerge: {
    required: { project_id: "id" },
    optional: { transaction_id: "string", ...UNMERGE_FIELDS }
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
      datetime: "string"
    }
  },
  replace_group: {
    required: { project_id: "id", event_ids: "string[]", new_group_id: "int" },
    optional: {
      from_timestamp: "string",
      to_timestamp: "string",
      transaction_id: "string",
      datetime: "string"
    }
  },
  exclude_groups: { required: { project_id: "id", group_ids: "id[]" }, optional: {} }
};
function parseEventStreamMessage(bytes, limits) {
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
      "[0]"
    );
  }
  if (typeof operation !== "string") {
    throw new DecodeError(FORMAT, "wrong-type", "operation is not a string", "[1]");
  }
  if (operation !== "insert" && !REPLACEMENT_OPERATIONS.includes(operation)) {
    throw new DecodeError(FORMAT, "unknown-operation", `operation ${JSON.stringify(operation)}`, "[1]");
  }
  const op = operation;
  const expectedLength = op === "insert" ? 4 : 3;
  if (tuple.length !== expectedLength) {
    throw new DecodeError(
      FORMAT,
      "not-eventstream-tuple",
      `${op} carries ${expectedLength} elements, got ${tuple.length}`
    );
  }
  const checked = checkBody(body, SHAPES[op], "[2]");
  if (op === "insert") {
    const received = checked.data.received;
    if (received === void 0) {
      throw new DecodeError(FORMAT, "missing-field", "required key received is missing", "[2].data.received");
    }
    if (typeof received !== "number") {
      throw new DecodeError(FORMAT, "wrong-type", "expected a number", "[2].data.received");
    }
    return {
      version: EVENTSTREAM_VERSION,
      operation: op,
      body: checked,
      state: tuple[3]
    };
  }
  return { version: EVENTSTREAM_VERSION, operation: op, body: checked };
}
function checkBody(body, shape, path) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new DecodeError(FORMAT, "wrong-type", "body is not a JSON object", path);
  }
  for (const [key, kind] of Object.entries(shape.required)) {
    const value = body[key];
    if (value === void 0) {
      throw new DecodeError(FORMAT, "missing-field", `required key ${key} is missing`, `${path}.${key}`);
    }
    if (value === null && kind.startsWith("nullable")) continue;
    checkField(value, kind, `${path}.${key}`);
  }
  for (const [key, kind] of Object.entries(shape.optional)) {
    const value = body[key];
    if (value === void 0 || value === null) continue;
    checkField(value, kind, `${path}.${key}`);
  }
  return body;
}
function checkField(value, kind, path) {
  const fail = (expected) => {
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
      for (const [i, item] of value.entries()) {
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
function checkInteger(value, path, minimum) {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new DecodeError(FORMAT, "wrong-type", "expected an integer", path);
  }
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new DecodeError(FORMAT, "out-of-range", `integer ${value} is out of range`, path);
  }
}
function serializeEventStreamMessage(message) {
  const tuple = message.operation === "insert" ? [message.version, message.operation, message.body, message.state] : [message.version, message.operation, message.body];
  return Buffer.from(JSON.stringify(tuple), "utf8");
}
function eventStreamKey(projectId) {
  return Buffer.from(String(projectId), "utf8");
}
function eventStreamHeaders(message, options) {
  const headers = [];
  if (message.operation === "insert") {
    if (!options)
      throw new EncodeError(FORMAT, "invalid-value", "insert headers need the received timestamp");
    const state = stateObject(message.state);
    const queue = options.queue ?? (typeof state?.queue === "string" ? state.queue : "post_process_errors");
    headers.push(["Received-Timestamp", pythonFloat(options.receivedTimestamp)]);
    if (options.detailed) {
      const body = message.body;
      const flag = (value) => value === true ? "1" : "0";
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
        ["skip_consume", flag(state?.skip_consume)]
      );
      if (state?.group_states !== void 0)
        headers.push(["group_states", JSON.stringify(state.group_states)]);
    }
    headers.push(["queue", queue]);
  }
  headers.push(["operation", message.operation], ["version", String(EVENTSTREAM_VERSION)]);
  return headers.map(([name, value]) => [name, Buffer.from(value, "utf8")]);
}
function stateObject(state) {
  return typeof state === "object" && state !== null && !Array.isArray(state) ? state : void 0;
}
function pythonFloat(value) {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
export {
  eventStreamHeaders,
  eventStreamKey,
  parseEventStreamMessage,
  serializeEventStreamMessage
};
//# sourceMappingURL=codec.js.map
