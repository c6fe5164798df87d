// consumers/normalize/skip.ts
import { isObject, setOwn, shallowCopy } from "./json.js";
function childSkip(skip) {
  if (skip === "empty") return "never";
  return skip === "emptyDeep" ? "emptyDeep" : "null";
}
function hasOwnMeta(node) {
  return node !== void 0 && !node.isInnerEmpty();
}
function childNode(node, key) {
  return key === "" ? void 0 : node?.children?.get(String(key));
}
function skips(value, ty, skip, node) {
  if (hasOwnMeta(node)) return false;
  if (skip === "emptyDeep") return isDeepEmpty(value, ty, node);
  if (skip === "empty") return isShallowEmpty(value, ty, node);
  return value === void 0 || value === null;
}
function isShallowEmpty(value, ty, node) {
  if (value === void 0 || value === null) return true;
  if (typeof value === "string") return value === "";
  if (Array.isArray(value)) return value.length === 0;
  if (!isObject(value)) return false;
  if (ty.k === "struct") return structEmpty(value, ty.def, node, false);
  for (const key in value) if (value[key] !== void 0) return false;
  return true;
}
function isDeepEmpty(value, ty, node) {
  if (hasOwnMeta(node)) return false;
  if (value === void 0 || value === null) return true;
  if (typeof value === "string") return value === "";
  if (typeof value !== "object") return false;
  if (ty.k === "struct" && isObject(value)) return structEmpty(value, ty.def, node, true);
  const item = ty.k === "array" || ty.k === "object" ? ty.item : VALUE;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isDeepEmpty(value[i], item, childNode(node, i))) return false;
    return true;
  }
  for (const key in value) {
    if (!isDeepEmpty(value[key], item, childNode(node, key))) return false;
  }
  return true;
}
var VALUE = { k: "value" };
function structEmpty(value, def, node, deep) {
  for (const key in value) {
    const member = value[key];
    const index = def.lookup.get(key);
    const field = index === void 0 ? void 0 : def.fields[index];
    const child = childNode(node, key);
    if (field === void 0 || field.name !== key) {
      if (member === void 0) continue;
      if (hasOwnMeta(child) || (deep ? member !== null : !isShallowEmpty(member, VALUE, child))) return false;
      continue;
    }
    const empty = deep ? skips(member, field.ty, field.skip ?? "null", child) : !hasOwnMeta(child) && isShallowEmpty(member, field.ty, child);
    if (!empty) return false;
  }
  return true;
}
function pruneMembers(value, item, behavior, node) {
  if (behavior === "never" || typeof value !== "object" || value === null) return value;
  const nested = item.k === "array" || item.k === "object" ? item.item : void 0;
  if (Array.isArray(value)) {
    let out2;
    const mapping = [];
    for (let i = 0; i < value.length; i++) {
      const member = value[i];
      const child = childNode(node, i);
      if (dropped(member, item, behavior, child)) {
        out2 ??= value.slice(0, i);
        mapping.push(-1);
        continue;
      }
      const next = nested === void 0 ? member : pruneMembers(member, nested, behavior, child);
      if (next !== member) out2 ??= value.slice(0, i);
      mapping.push(out2 === void 0 ? i : out2.length);
      out2?.push(next);
    }
    if (out2 === void 0) return value;
    if (out2.length < value.length) shiftMeta(node, mapping, value.length - out2.length);
    return out2;
  }
  const object = value;
  let out;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === void 0) continue;
    const child = childNode(node, key);
    if (dropped(member, item, behavior, child)) {
      out ??= shallowCopy(object);
      out[key] = void 0;
      if (key === "") node?.children?.delete("");
      continue;
    }
    if (nested === void 0) continue;
    const next = pruneMembers(member, nested, behavior, child);
    if (next !== member) {
      out ??= shallowCopy(object);
      setOwn(out, key, next);
    }
  }
  return out ?? object;
}
function shiftMeta(node, mapping, droppedCount) {
  const children = node?.children;
  if (node === void 0 || children === void 0 || children.size === 0) return;
  const next = /* @__PURE__ */ new Map();
  for (const [key, child] of children) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) continue;
    const target = index < mapping.length ? mapping[index] : index - droppedCount;
    if (target >= 0) next.set(String(target), child);
  }
  node.children = next;
}
function dropped(member, item, behavior, node) {
  if (behavior === "null") return (member === null || member === void 0) && !hasOwnMeta(node);
  return isDeepEmpty(member, item, node);
}
function pruneNullOthers(object, def, node) {
  for (const key in object) {
    if (object[key] !== null || def.lookup.has(key)) continue;
    if (!hasOwnMeta(childNode(node, key))) object[key] = void 0;
  }
}
export {
  childSkip,
  isDeepEmpty,
  isShallowEmpty,
  pruneMembers,
  pruneNullOthers
};
//# sourceMappingURL=skip.js.map
