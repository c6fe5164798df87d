// Relay's `IntoValue` of a struct: every declared field appears (null when unset), keys sorted
// (the value is an `Object`, a BTreeMap). Used as the original (`val`) of soft-deleted structs.

import { isObject, type JsonObject, setOwn, sortedKeys } from "./json.ts";
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
    if (def.lookup.has(key)) continue;
    setOwn(collected, key, value[key] === undefined ? null : value[key]);
  }
  const out: JsonObject = {};
  for (const key of sortedKeys(collected)) setOwn(out, key, collected[key]);
  return out;
}

/** Relay's shallow `Empty`: no value, `""`, `[]` or `{}`. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
