// consumers/normalize/emit.ts
import { isObject, jsonEqual } from "./json.js";
import { CONTEXT_DEFS, EVENT } from "./schema.js";
function orderedChildren(node, ty, value) {
  const keys = [...node.children?.keys() ?? []];
  if (keys.length <= 1) return keys;
  const def = ty?.k === "struct" ? ty.def : void 0;
  if (def !== void 0) return orderForStruct(keys, def);
  if (ty?.k === "array" || ty?.k === "pairs" || ty?.k === "fingerprint" || Array.isArray(value)) {
    return keys.sort((a, b) => Number(a) - Number(b));
  }
  return keys.sort();
}
function orderForStruct(keys, def) {
  const known = [];
  const other = [];
  for (const key of keys) {
    const index = def.lookup.get(key);
    if (index !== void 0 && def.fields[index]?.name === key) known.push([index, key]);
    else other.push(key);
  }
  known.sort((a, b) => a[0] - b[0]);
  return [...known.map(([, key]) => key), ...other.sort()];
}
function childType(ty, key, value) {
  if (ty === void 0) return void 0;
  switch (ty.k) {
    case "struct": {
      const index = ty.def.lookup.get(key);
      return index === void 0 ? void 0 : ty.def.fields[index]?.ty;
    }
    case "array":
    case "object":
      return ty.item;
    case "values":
      return key === "values" ? { k: "array", item: ty.item } : void 0;
    case "contexts": {
      const context = isObject(value) ? value[key] : void 0;
      const type = isObject(context) && typeof context.type === "string" ? context.type : key;
      const def = CONTEXT_DEFS.get(type);
      return def === void 0 ? { k: "value" } : { k: "struct", def };
    }
    case "value":
      return ty;
    default:
      return void 0;
  }
}
function childValue(value, key) {
  if (Array.isArray(value)) return value[Number(key)];
  if (isObject(value)) return Object.hasOwn(value, key) ? value[key] : void 0;
  return void 0;
}
function walk(node, ty, value, path, out) {
  if (node.errors !== void 0 && node.errors.length > 0) {
    let original = node.hasOriginal ? node.original : void 0;
    for (const error of node.errors) {
      const entry = { type: error.kind, name: path };
      if (original !== void 0) entry.value = original;
      original = void 0;
      if (error.data !== void 0) {
        for (const key of Object.keys(error.data)) if (!(key in entry)) entry[key] = error.data[key];
      }
      out.push(entry);
    }
  }
  for (const key of orderedChildren(node, ty, value)) {
    const child = node.children?.get(key);
    if (child === void 0 || !hasErrorsBelow(child)) continue;
    walk(child, childType(ty, key, value), childValue(value, key), path === "" ? key : `${path}.${key}`, out);
  }
}
function hasErrorsBelow(node) {
  if (node.errors !== void 0 && node.errors.length > 0) return true;
  if (node.children === void 0) return false;
  for (const child of node.children.values()) if (hasErrorsBelow(child)) return true;
  return false;
}
var EVENT_TYPE = { k: "struct", def: EVENT };
function collectErrors(event, meta, rootType = EVENT_TYPE) {
  const out = [];
  if (hasErrorsBelow(meta.root)) walk(meta.root, rootType, event, "", out);
  return out;
}
function mergeErrors(existing, fresh) {
  const out = [...existing];
  for (const entry of fresh) {
    if (existing.some((old) => jsonEqual(old, entry))) continue;
    out.push(entry);
  }
  return out;
}
export {
  collectErrors,
  mergeErrors
};
//# sourceMappingURL=emit.js.map
