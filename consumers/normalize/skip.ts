// Relay's `SkipSerialization` for the members of containers. A field's attribute decides what its
// children may drop when they carry no meta of their own: the default (`Null(true)`) drops null
// members at every typed level, `empty_deep` drops deep-empty members, `empty` drops nothing.
// Relay extracts the meta tree separately, so dropped array items do not shift the meta indices
// of the items after them; neither do we.

import { isObject, type JsonObject } from "./json.ts";
import type { MetaNode } from "./meta.ts";
import type { Skip, StructDef, Ty } from "./schema.ts";

export type ChildSkip = "never" | "null" | "emptyDeep";

/** Relay's `SkipSerialization::descend`: shallow behaviours stop at the direct children. */
export function childSkip(skip: Skip): ChildSkip {
  if (skip === "empty") return "never";
  return skip === "emptyDeep" ? "emptyDeep" : "null";
}

function hasOwnMeta(node: MetaNode | undefined): boolean {
  return node !== undefined && !node.isInnerEmpty();
}

function childNode(node: MetaNode | undefined, key: string | number): MetaNode | undefined {
  return node?.children?.get(String(key));
}

/** Relay's `Annotated::skip_serialization` of one value under `skip`. */
function skips(value: unknown, ty: Ty, skip: Skip, node: MetaNode | undefined): boolean {
  if (hasOwnMeta(node)) return false;
  if (skip === "emptyDeep") return isDeepEmpty(value, ty, node);
  if (skip === "empty") return isShallowEmpty(value, ty, node);
  return value === undefined || value === null;
}

/** Relay's `Empty::is_empty`: structs recurse through their fields, containers do not. */
function isShallowEmpty(value: unknown, ty: Ty, node: MetaNode | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value === "";
  if (Array.isArray(value)) return value.length === 0;
  if (!isObject(value)) return false;
  if (ty.k === "struct") return structEmpty(value, ty.def, node, false);
  for (const key in value) if (value[key] !== undefined) return false;
  return true;
}

/** Relay's `Empty::is_deep_empty`: nothing below would be serialized. */
export function isDeepEmpty(value: unknown, ty: Ty, node: MetaNode | undefined): boolean {
  if (hasOwnMeta(node)) return false;
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value === "";
  if (typeof value !== "object") return false;
  if (ty.k === "struct" && isObject(value)) return structEmpty(value, ty.def, node, true);
  const item: Ty = ty.k === "array" || ty.k === "object" ? ty.item : VALUE;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isDeepEmpty(value[i], item, childNode(node, i))) return false;
    return true;
  }
  for (const key in value as JsonObject) {
    if (!isDeepEmpty((value as JsonObject)[key], item, childNode(node, key))) return false;
  }
  return true;
}

const VALUE: Ty = { k: "value" };

function structEmpty(value: JsonObject, def: StructDef, node: MetaNode | undefined, deep: boolean): boolean {
  for (const key in value) {
    const member = value[key];
    const index = def.lookup.get(key);
    const field = index === undefined ? undefined : def.fields[index];
    const child = childNode(node, key);
    if (field === undefined || field.name !== key) {
      // Unknown members: skipped when null (the default attribute of `other`).
      if (member === undefined) continue;
      if (member !== null || hasOwnMeta(child)) return false;
      continue;
    }
    const empty = deep ? skips(member, field.ty, field.skip ?? "null", child) : !hasOwnMeta(child) && isShallowEmpty(member, field.ty, child);
    if (!empty) return false;
  }
  return true;
}

/**
 * Drops the members of a finished array or map that Relay would not serialize under `behavior`,
 * in place; nested typed containers inherit the behaviour. Returns the (same) container.
 */
export function pruneMembers(value: unknown, item: Ty, behavior: ChildSkip, node: MetaNode | undefined): unknown {
  if (behavior === "never" || typeof value !== "object" || value === null) return value;
  const nested = item.k === "array" || item.k === "object" ? item.item : undefined;
  if (Array.isArray(value)) {
    let write = 0;
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      const child = childNode(node, i);
      if (dropped(member, item, behavior, child)) continue;
      value[write++] = nested === undefined ? member : pruneMembers(member, nested, behavior, child);
    }
    value.length = write;
    return value;
  }
  const object = value as JsonObject;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === undefined) continue;
    const child = childNode(node, key);
    if (dropped(member, item, behavior, child)) object[key] = undefined;
    else if (nested !== undefined) pruneMembers(member, nested, behavior, child);
  }
  return object;
}

function dropped(member: unknown, item: Ty, behavior: ChildSkip, node: MetaNode | undefined): boolean {
  if (behavior === "null") return (member === null || member === undefined) && !hasOwnMeta(node);
  return isDeepEmpty(member, item, node);
}

/** Retained unknown members of a struct: null ones without meta are not serialized. */
export function pruneNullOthers(object: JsonObject, def: StructDef, node: MetaNode | undefined): void {
  for (const key in object) {
    if (object[key] !== null || def.lookup.has(key)) continue;
    if (!hasOwnMeta(childNode(node, key))) object[key] = undefined;
  }
}
