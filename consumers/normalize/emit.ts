// F3: meta errors become `errors[]` entries, depth-first in field order, one per error, the
// original value on the first error of a node only. Remarks never produce entries.

import { isObject, type JsonObject, jsonEqual } from "./json.ts";
import type { MetaNode, MetaTree } from "./meta.ts";
import { CONTEXT_DEFS, EVENT, type StructDef, type Ty } from "./schema.ts";

export interface EventProcessingError {
  readonly type: string;
  readonly name: string;
  readonly value?: unknown;
  readonly [data: string]: unknown;
}

/** Children holding errors somewhere below, in Relay's order. */
function orderedChildren(node: MetaNode, ty: Ty | undefined, value: unknown): string[] {
  const keys: string[] = [];
  if (node.children !== undefined)
    for (const [key, child] of node.children) if (hasErrorsBelow(child)) keys.push(key);
  if (keys.length <= 1) return keys;
  const def = ty?.k === "struct" ? ty.def : undefined;
  if (def !== undefined) return orderForStruct(keys, def);
  if (ty?.k === "array" || ty?.k === "pairs" || ty?.k === "fingerprint" || Array.isArray(value)) {
    return keys.sort((a, b) => Number(a) - Number(b));
  }
  return keys.sort();
}

function orderForStruct(keys: string[], def: StructDef): string[] {
  const known: [number, string][] = [];
  const other: string[] = [];
  for (const key of keys) {
    const index = def.lookup.get(key);
    if (index !== undefined && def.fields[index]?.name === key) known.push([index, key]);
    else other.push(key);
  }
  known.sort((a, b) => a[0] - b[0]);
  return [...known.map(([, key]) => key), ...other.sort()];
}

function childType(ty: Ty | undefined, key: string, value: unknown): Ty | undefined {
  if (ty === undefined) return undefined;
  switch (ty.k) {
    case "struct": {
      const index = ty.def.lookup.get(key);
      return index === undefined ? undefined : ty.def.fields[index]?.ty;
    }
    case "array":
    case "object":
      return ty.item;
    case "values":
      return key === "values" ? { k: "array", item: ty.item } : undefined;
    case "contexts": {
      const context = isObject(value) ? value[key] : undefined;
      const type = isObject(context) && typeof context.type === "string" ? context.type : key;
      const def = CONTEXT_DEFS.get(type);
      return def === undefined ? { k: "value" } : { k: "struct", def };
    }
    case "value":
      return ty;
    default:
      return undefined;
  }
}

function childValue(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value[Number(key)];
  if (isObject(value)) return Object.hasOwn(value, key) ? value[key] : undefined;
  return undefined;
}

function walk(
  node: MetaNode,
  ty: Ty | undefined,
  value: unknown,
  path: string,
  out: EventProcessingError[],
): void {
  if (node.errors !== undefined && node.errors.length > 0) {
    let original = node.hasOriginal ? node.original : undefined;
    for (const error of node.errors) {
      const entry: Record<string, unknown> = { type: error.kind, name: path };
      if (original !== undefined) entry.value = original;
      original = undefined;
      if (error.data !== undefined) {
        for (const key of Object.keys(error.data)) if (!(key in entry)) entry[key] = error.data[key];
      }
      out.push(entry as EventProcessingError);
    }
  }
  for (const key of orderedChildren(node, ty, value)) {
    const child = node.children?.get(key);
    if (child === undefined) continue;
    walk(child, childType(ty, key, value), childValue(value, key), path === "" ? key : `${path}.${key}`, out);
  }
}

function hasErrorsBelow(node: MetaNode): boolean {
  if (node.errors !== undefined && node.errors.length > 0) return true;
  if (node.children === undefined) return false;
  for (const child of node.children.values()) if (hasErrorsBelow(child)) return true;
  return false;
}

const EVENT_TYPE: Ty = { k: "struct", def: EVENT };

/** Errors recorded in `meta`, in Relay's order. */
export function collectErrors(
  event: JsonObject,
  meta: MetaTree,
  rootType: Ty = EVENT_TYPE,
): EventProcessingError[] {
  const out: EventProcessingError[] = [];
  if (hasErrorsBelow(meta.root)) walk(meta.root, rootType, event, "", out);
  return out;
}

/**
 * Appends new errors to those the event already carried. An entry equal to one already there is
 * not added again, so normalizing a normalized event does not duplicate its errors.
 */
export function mergeErrors(existing: readonly unknown[], fresh: readonly EventProcessingError[]): unknown[] {
  const out = [...existing];
  for (const entry of fresh) {
    if (existing.some((old) => jsonEqual(old, entry))) continue;
    out.push(entry);
  }
  return out;
}
