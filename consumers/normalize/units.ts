// Entry points below the whole event, as Relay's own unit tests call them: one parsing or
// normalization function on one sub-value. The conformance suite feeds Relay's test vectors
// through these; each returns the value and its `_meta` in Relay's wire form.

import type { NormalizeConfig } from "./config.ts";
import { normalizeOsContext, normalizeRuntimeContext } from "./contexts.ts";
import { normalizePlatformAndLevel } from "./defaults.ts";
import { normalizeException, normalizeMechanism } from "./exceptions.ts";
import { Finisher, trimString } from "./finalize.ts";
import { isObject, type JsonObject } from "./json.ts";
import { normalizeLogEntry } from "./logentry.ts";
import type { OsHint } from "./mechanism-tables.ts";
import { MetaTree, metaNodeToWire, type Path } from "./meta.ts";
import { isRejected, normalizeEvent, parseEvent, toRelayJson } from "./normalize.ts";
import { parseStruct, parseValue } from "./parse.ts";
import { normalizeDist } from "./release.ts";
import { normalizeRequest } from "./request.ts";
import { EVENT, type Ty, wrapperDef } from "./schema.ts";
import { normalizeFrame } from "./stacktrace.ts";
import { rejectStaleTimestamps } from "./timestamps.ts";

/** A sub-value and its meta, written like Relay's snapshots (`__value__` for non-objects). */
export function toWire(value: unknown, meta: MetaTree, path: Path): JsonObject {
  const wire = meta.get(path);
  const metaWire = wire === undefined ? undefined : metaNodeToWire(wire);
  const out: JsonObject = isObject(value) ? { ...value } : { __value__: value ?? null };
  if (metaWire !== undefined) out._meta = metaWire;
  return out;
}

function at(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

/** Parses `input` placed at `path` of an event, runs `step`, finishes without trimming. */
function viaEvent(
  wrapped: JsonObject,
  path: Path,
  step: (event: JsonObject, meta: MetaTree) => void,
  trimming = false,
): JsonObject {
  const { event, meta } = parseEvent(wrapped);
  step(event, meta);
  const finished = new Finisher(meta, trimming).finishRoot(event, EVENT);
  return toWire(at(finished, path), meta, path);
}

function parseBare(input: unknown, ty: Ty): JsonObject {
  const meta = new MetaTree();
  const value = input === null ? undefined : parseValue(input, ty, { meta, path: [] }, undefined);
  return toWire(value, meta, []);
}

export interface VectorSettings {
  readonly config: NormalizeConfig;
  readonly osHint?: OsHint;
}

/** Runs one vector through the entry point its scope names (see the fixtures' INDEX.md). */
export function runScope(scope: string, input: unknown, settings: VectorSettings): JsonObject {
  const exceptionPath = ["exception", "values", 0];
  switch (scope) {
    case "store":
    case "store-processor-only":
    case "store-python":
    case "validate": {
      const result = normalizeEvent(input, settings.config);
      return isRejected(result) ? { __rejected__: result.rejected.message } : toRelayJson(result);
    }
    case "trimming-only":
      return viaEvent(input as JsonObject, [], () => {}, true);
    case "parse":
    case "unit:RemoveOtherProcessor":
      return viaEvent(input as JsonObject, [], () => {});
    case "parse(Breadcrumb)":
      return viaEvent({ breadcrumbs: [input] }, ["breadcrumbs", "values", 0], () => {});
    case "parse(LogEntry)":
      return viaEvent({ logentry: input }, ["logentry"], () => {});
    case "parse(Exception)":
      return viaEvent({ exception: { values: [input] } }, exceptionPath, () => {});
    case "parse(Values<Exception>)":
      return viaEvent({ exception: input }, ["exception"], () => {});
    case "parse(Timestamp field 'foo')": {
      const meta = new MetaTree();
      const value = parseStruct(input, wrapperDef("foo", { k: "timestamp" }), { meta, path: [] }, undefined);
      const finished = new Finisher(meta, false).finishValue(
        value,
        { k: "struct", def: wrapperDef("foo", { k: "timestamp" }) },
        undefined,
      );
      return toWire(finished, meta, []);
    }
    case "unit:IpAddr":
      return parseBare(input, { k: "ip" });
    case "unit:normalize_platform_and_level":
      return viaEvent(input as JsonObject, [], (event) => normalizePlatformAndLevel(event));
    case "unit:Exception":
      return viaEvent({ exception: { values: [input] } }, exceptionPath, (event, meta) =>
        normalizeException((event.exception as JsonObject).values as unknown[], 0, meta, exceptionPath),
      );
    case "unit:Frame":
    case "unit:Frame(store)": {
      const path = ["stacktrace", "frames", 0];
      return viaEvent({ stacktrace: { frames: [input] } }, path, (event, meta) =>
        normalizeFrame(at(event, path) as JsonObject, meta, path),
      );
    }
    case "unit:LogEntry":
      return viaEvent({ logentry: input }, ["logentry"], (event, meta) =>
        normalizeLogEntry(event, "logentry", meta, ["logentry"]),
      );
    case "unit:Request":
      return viaEvent({ request: input }, ["request"], (event, meta) =>
        normalizeRequest(event.request as JsonObject, meta, ["request"]),
      );
    case "unit:Mechanism":
    case "unit:Mechanism(no os hint)":
    case "unit:Mechanism(os_hint=linux)":
    case "unit:Mechanism(os_hint=darwin)":
    case "unit:Mechanism(os_hint=windows)": {
      const path = [...exceptionPath, "mechanism"];
      return viaEvent({ exception: { values: [{ type: "T", mechanism: input }] } }, path, (event, meta) =>
        normalizeMechanism(at(event, path) as JsonObject, settings.osHint, meta, path),
      );
    }
    case "unit:OsContext":
    case "unit:RuntimeContext": {
      const key = scope === "unit:OsContext" ? "os" : "runtime";
      const out = viaEvent({ contexts: { [key]: input } }, ["contexts", key], (event) => {
        const context = at(event, ["contexts", key]) as JsonObject;
        if (key === "os") normalizeOsContext(context);
        else normalizeRuntimeContext(context);
      });
      delete out.type;
      return out;
    }
    case "unit:Breadcrumb": {
      const path = ["breadcrumbs", "values", 0];
      return viaEvent({ breadcrumbs: [input] }, path, (event, meta) => {
        rejectStaleTimestamps(event, meta);
      });
    }
    case "unit:dist": {
      const meta = new MetaTree();
      const holder: JsonObject = { dist: input };
      normalizeDist(holder, "dist", meta, []);
      return toWire(holder.dist, meta, []);
    }
    case "unit:trim_string(max_chars=20)": {
      const meta = new MetaTree();
      return toWire(trimString(String(input), 20, 0, meta, []), meta, []);
    }
    default:
      throw new Error(`no entry point for scope ${scope}`);
  }
}
