// Relay's `SkipSerialization` for the members of containers. A field's attribute decides what its
// children may drop when they carry no meta of their own: the default (`Null(true)`) drops null
// members at every typed level, `empty_deep` drops deep-empty members, `empty` drops nothing.
// Relay extracts the meta tree separately, so its meta keeps the indices from before the drop and
// then points at the wrong items; we move the meta with its items (KNOWN_DIFFERENCES.md).

import { isObject, type JsonObject, setOwn, shallowCopy } from "./json.ts";
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

/** A member named "" has no wire form for its meta (that key is the parent's own meta). */
function childNode(node: MetaNode | undefined, key: string | number): MetaNode | undefined {
  return key === "" ? undefined : node?.children?.get(String(key));
}

/** Relay's `Annotated::skip_serialization` of one value under `skip`. */
function skips(value: unknown, ty: Ty, skip: Skip, node: MetaNode | undefined): boolean {
  if (hasOwnMeta(node)) return false;
  if (skip === "emptyDeep") return isDeepEmpty(value, ty, node);
  if (skip === "empty") return isShallowEmpty(value, ty, node);
  return value === undefined || value === null;
}

/** Relay's `Empty::is_empty`: structs recurse through their fields, containers do not. */
export function isShallowEmpty(value: unknown, ty: Ty, node: MetaNode | undefined): boolean {
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
      // Unknown members (`other`, default attribute): `is_empty` asks whether each is empty,
      // `is_deep_empty` whether each would be skipped, i.e. is null.
      if (member === undefined) continue;
      if (hasOwnMeta(child) || (deep ? member !== null : !isShallowEmpty(member, VALUE, child))) return false;
      continue;
    }
    const empty = deep
      ? skips(member, field.ty, field.skip ?? "null", child)
      : !hasOwnMeta(child) && isShallowEmpty(member, field.ty, child);
    if (!empty) return false;
  }
  return true;
}

/**
 * The members of a finished array or map that Relay would serialize under `behavior`; nested
 * typed containers inherit the behaviour. Copies on write (parts may be shared with the input).
 */
export function pruneMembers(
  value: unknown,
  item: Ty,
  behavior: ChildSkip,
  node: MetaNode | undefined,
): unknown {
  if (behavior === "never" || typeof value !== "object" || value === null) return value;
  const nested = item.k === "array" || item.k === "object" ? item.item : undefined;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    const mapping: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      const child = childNode(node, i);
      if (dropped(member, item, behavior, child)) {
        out ??= value.slice(0, i);
        mapping.push(-1);
        continue;
      }
      const next = nested === undefined ? member : pruneMembers(member, nested, behavior, child);
      if (next !== member) out ??= value.slice(0, i);
      mapping.push(out === undefined ? i : out.length);
      out?.push(next);
    }
    if (out === undefined) return value;
    if (out.length < value.length) shiftMeta(node, mapping, value.length - out.length);
    return out;
  }
  const object = value as JsonObject;
  let out: JsonObject | undefined;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === undefined) continue;
    const child = childNode(node, key);
    if (dropped(member, item, behavior, child)) {
      out ??= shallowCopy(object);
      out[key] = undefined;
      // Meta under "" cannot be written, so the member goes with it.
      if (key === "") node?.children?.delete("");
      continue;
    }
    if (nested === undefined) continue;
    const next = pruneMembers(member, nested, behavior, child);
    if (next !== member) {
      out ??= shallowCopy(object);
      setOwn(out, key, next);
    }
  }
  return out ?? object;
}

/** Moves the meta of kept items to their new indices (`mapping[i]` is -1 for dropped items). */
function shiftMeta(node: MetaNode | undefined, mapping: readonly number[], droppedCount: number): void {
  const children = node?.children;
  if (node === undefined || children === undefined || children.size === 0) return;
  const next = new Map<string, MetaNode>();
  for (const [key, child] of children) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) continue;
    const target = index < mapping.length ? (mapping[index] as number) : index - droppedCount;
    if (target >= 0) next.set(String(target), child);
  }
  node.children = next;
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
