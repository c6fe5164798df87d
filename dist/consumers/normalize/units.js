// consumers/normalize/units.ts
import { normalizeOsContext, normalizeRuntimeContext } from "./contexts.js";
import { normalizePlatformAndLevel } from "./defaults.js";
import { normalizeException, normalizeMechanism } from "./exceptions.js";
import { Finisher, trimString } from "./finalize.js";
import { isObject } from "./json.js";
import { normalizeLogEntry } from "./logentry.js";
import { MetaTree, metaNodeToWire } from "./meta.js";
import { isRejected, normalizeEvent, parseEvent, toRelayJson } from "./normalize.js";
import { parseStruct, parseValue } from "./parse.js";
import { normalizeDist } from "./release.js";
import { normalizeRequest } from "./request.js";
import { EVENT, wrapperDef } from "./schema.js";
import { normalizeFrame } from "./stacktrace.js";
import { rejectStaleTimestamps } from "./timestamps.js";
function toWire(value, meta, path) {
  const wire = meta.get(path);
  const metaWire = wire === void 0 ? void 0 : metaNodeToWire(wire);
  const out = isObject(value) ? { ...value } : { __value__: value ?? null };
  if (metaWire !== void 0) out._meta = metaWire;
  return out;
}
function at(root, path) {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[String(segment)];
    else return void 0;
  }
  return node;
}
function viaEvent(wrapped, path, step, trimming = false) {
  const { event, meta } = parseEvent(wrapped);
  step(event, meta);
  const finished = new Finisher(meta, trimming).finishRoot(event, EVENT);
  return toWire(at(finished, path), meta, path);
}
function parseBare(input, ty) {
  const meta = new MetaTree();
  const value = input === null ? void 0 : parseValue(input, ty, { meta, path: [] }, void 0);
  return toWire(value, meta, []);
}
function runScope(scope, input, settings) {
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
      return viaEvent(input, [], () => {
      }, true);
    case "parse":
    case "unit:RemoveOtherProcessor":
      return viaEvent(input, [], () => {
      });
    case "parse(Breadcrumb)":
      return viaEvent({ breadcrumbs: [input] }, ["breadcrumbs", "values", 0], () => {
      });
    case "parse(LogEntry)":
      return viaEvent({ logentry: input }, ["logentry"], () => {
      });
    case "parse(Exception)":
      return viaEvent({ exception: { values: [input] } }, exceptionPath, () => {
      });
    case "parse(Values<Exception>)":
      return viaEvent({ exception: input }, ["exception"], () => {
      });
    case "parse(Timestamp field 'foo')": {
      const meta = new MetaTree();
      const value = parseStruct(input, wrapperDef("foo", { k: "timestamp" }), { meta, path: [] }, void 0);
      const finished = new Finisher(meta, false).finishValue(
        value,
        { k: "struct", def: wrapperDef("foo", { k: "timestamp" }) },
        void 0
      );
      return toWire(finished, meta, []);
    }
    case "unit:IpAddr":
      return parseBare(input, { k: "ip" });
    case "unit:normalize_platform_and_level":
      return viaEvent(input, [], (event) => normalizePlatformAndLevel(event));
    case "unit:Exception":
      return viaEvent(
        { exception: { values: [input] } },
        exceptionPath,
        (event, meta) => normalizeException(event.exception.values, 0, meta, exceptionPath)
      );
    case "unit:Frame":
    case "unit:Frame(store)": {
      const path = ["stacktrace", "frames", 0];
      return viaEvent(
        { stacktrace: { frames: [input] } },
        path,
        (event, meta) => normalizeFrame(at(event, path), meta, path)
      );
    }
    case "unit:LogEntry":
      return viaEvent(
        { logentry: input },
        ["logentry"],
        (event, meta) => normalizeLogEntry(event, "logentry", meta, ["logentry"])
      );
    case "unit:Request":
      return viaEvent(
        { request: input },
        ["request"],
        (event, meta) => normalizeRequest(event.request, meta, ["request"])
      );
    case "unit:Mechanism":
    case "unit:Mechanism(no os hint)":
    case "unit:Mechanism(os_hint=linux)":
    case "unit:Mechanism(os_hint=darwin)":
    case "unit:Mechanism(os_hint=windows)": {
      const path = [...exceptionPath, "mechanism"];
      return viaEvent(
        { exception: { values: [{ type: "T", mechanism: input }] } },
        path,
        (event, meta) => normalizeMechanism(at(event, path), settings.osHint, meta, path)
      );
    }
    case "unit:OsContext":
    case "unit:RuntimeContext": {
      const key = scope === "unit:OsContext" ? "os" : "runtime";
      const out = viaEvent({ contexts: { [key]: input } }, ["contexts", key], (event) => {
        const context = at(event, ["contexts", key]);
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
      const holder = { dist: input };
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
export {
  runScope,
  toWire
};
//# sourceMappingURL=units.js.map
