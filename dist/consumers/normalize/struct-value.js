// consumers/normalize/struct-value.ts
import { estimateSize, isObject, setOwn, sortedKeys, utf8Length } from "./json.js";
function valueOfTy(value, ty) {
  if (value === void 0 || value === null) return null;
  switch (ty.k) {
    case "struct":
      return isObject(value) ? valueOfStruct(ty.def, value) : value;
    case "array":
      return Array.isArray(value) ? value.map((item) => valueOfTy(item, ty.item)) : value;
    case "values": {
      if (!isObject(value)) return value;
      const items = Array.isArray(value.values) ? value.values.map((item) => valueOfTy(item, ty.item)) : null;
      return { values: items };
    }
    default:
      return value;
  }
}
function valueOfStruct(def, value) {
  const collected = {};
  for (const field of def.fields) collected[field.name] = valueOfTy(value[field.name], field.ty);
  for (const key of Object.keys(value)) {
    if (def.lookup.has(key) || value[key] === void 0) continue;
    setOwn(collected, key, value[key]);
  }
  const out = {};
  for (const key of sortedKeys(collected)) setOwn(out, key, collected[key]);
  return out;
}
function isEmptyValue(value) {
  if (value === void 0 || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const key in value) if (value[key] !== void 0) return false;
    return true;
  }
  return false;
}
function isDeepEmptyValue(value) {
  if (isEmptyValue(value)) return true;
  if (Array.isArray(value)) return value.every(isDeepEmptyValue);
  if (isObject(value)) return Object.values(value).every(isDeepEmptyValue);
  return false;
}
function estimateTyped(value, ty, limit) {
  if (value === void 0 || value === null) return 4;
  switch (ty.k) {
    case "struct":
      return isObject(value) ? estimateStruct(value, ty.def, limit) : estimateSize(value, limit);
    case "values": {
      if (!isObject(value)) return estimateSize(value, limit);
      const items = value.values;
      if (items === void 0 || items === null) return 2;
      return 2 + 2 + "values".length + 2 + estimateTyped(items, { k: "array", item: ty.item }, limit);
    }
    case "array": {
      if (!Array.isArray(value)) return estimateSize(value, limit);
      let size = 2;
      for (let i = 0; i < value.length && size <= limit; i++)
        size += (i > 0 ? 1 : 0) + estimateTyped(value[i], ty.item, limit - size);
      return size;
    }
    default:
      return estimateSize(value, limit);
  }
}
function estimateStruct(value, def, limit = Number.MAX_SAFE_INTEGER) {
  let size = 2;
  let first = true;
  const add = (key, cost) => {
    size += (first ? 0 : 1) + 2 + utf8Length(key) + 2 + cost;
    first = false;
  };
  for (const field of def.fields) {
    const item = value[field.name];
    if (item === void 0 || item === null) continue;
    if (field.skip === "empty" && isEmptyValue(item)) continue;
    if (field.skip === "emptyDeep" && isDeepEmptyValue(item)) continue;
    add(field.name, estimateTyped(item, field.ty, limit - size));
    if (size > limit) return size;
  }
  for (const key of Object.keys(value)) {
    if (def.lookup.has(key) || value[key] === void 0) continue;
    add(key, estimateSize(value[key], limit - size));
    if (size > limit) return size;
  }
  return size;
}
export {
  estimateStruct,
  isEmptyValue,
  valueOfStruct
};
//# sourceMappingURL=struct-value.js.map
