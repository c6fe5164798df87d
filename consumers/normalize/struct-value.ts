// Relay's `IntoValue` of a struct: every declared field appears (null when unset), keys sorted
// (the value is an `Object`, a BTreeMap). Used as the original (`val`) of soft-deleted structs.

import { estimateSize, isObject, type JsonObject, setOwn, sortedKeys, utf8Length } from "./json.ts";
import type { StructDef, Ty } from "./schema.ts";

function valueOfTy(value: unknown, ty: Ty): unknown {
  if (value === undefined || value === null) return null;
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

export function valueOfStruct(def: StructDef, value: JsonObject): JsonObject {
  const collected: JsonObject = {};
  for (const field of def.fields) collected[field.name] = valueOfTy(value[field.name], field.ty);
  for (const key of Object.keys(value)) {
    if (def.lookup.has(key) || value[key] === undefined) continue;
    setOwn(collected, key, value[key]);
  }
  const out: JsonObject = {};
  for (const key of sortedKeys(collected)) setOwn(out, key, collected[key]);
  return out;
}

/** Relay's shallow `Empty`: no value, `""`, `[]` or `{}`. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const key in value) if ((value as JsonObject)[key] !== undefined) return false;
    return true;
  }
  return false;
}

function isDeepEmptyValue(value: unknown): boolean {
  if (isEmptyValue(value)) return true;
  if (Array.isArray(value)) return value.every(isDeepEmptyValue);
  if (isObject(value)) return Object.values(value).every(isDeepEmptyValue);
  return false;
}

function estimateTyped(value: unknown, ty: Ty, limit: number): number {
  if (value === undefined || value === null) return 4;
  switch (ty.k) {
    case "struct":
      return isObject(value) ? estimateStruct(value, ty.def, limit) : estimateSize(value, limit);
    case "values": {
      if (!isObject(value)) return estimateSize(value, limit);
      const items = value.values;
      if (items === undefined || items === null) return 2;
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

/**
 * Relay's `estimate_size` of a struct as serialized: unset (and skip-when-empty) fields are
 * left out, and each struct field costs one byte more than a map entry does.
 */
export function estimateStruct(value: JsonObject, def: StructDef, limit = Number.MAX_SAFE_INTEGER): number {
  let size = 2;
  let first = true;
  const add = (key: string, cost: number): void => {
    size += (first ? 0 : 1) + 2 + utf8Length(key) + 2 + cost;
    first = false;
  };
  for (const field of def.fields) {
    const item = value[field.name];
    if (item === undefined || item === null) continue;
    if (field.skip === "empty" && isEmptyValue(item)) continue;
    if (field.skip === "emptyDeep" && isDeepEmptyValue(item)) continue;
    add(field.name, estimateTyped(item, field.ty, limit - size));
    if (size > limit) return size;
  }
  for (const key of Object.keys(value)) {
    if (def.lookup.has(key) || value[key] === undefined) continue;
    add(key, estimateSize(value[key], limit - size));
    if (size > limit) return size;
  }
  return size;
}
