// F1 (trimming) and Relay's serialization rules, in one walk over the typed event.
//
// Trimming follows Relay's TrimmingProcessor: strings longer than `max_chars + allowance` are cut
// to `max_chars` with `...` (remark `!limit`, `len`); below a databag field every visited value
// costs its flat JSON size + 1 byte against the bag budget, strings are cut to what is left,
// containers are cut where the budget runs out (`len` on the container), and containers at the
// last allowed depth become compact JSON strings. Stack traces keep at most 250 frames and lose
// `vars`/context lines in the middle beyond 50.
//
// Serialization: a value removed with meta prints as null; without meta it disappears; fields
// marked `skip_serialization = "empty"` disappear when empty and unannotated.
//
// The walk carries the meta node of the current value (a cursor), so events without meta never
// look anything up; free-form JSON inside a budget is first scanned read-only and only walked in
// detail (and copied on write) when the scan shows something would change.

import { enforceFrameLimit, slimFrameData } from "./frame-limits.ts";
import {
  charCount,
  compactJson,
  estimateFlatSize,
  isObject,
  type JsonObject,
  setOwn,
  sortedKeys,
  takeChars,
} from "./json.ts";
import type { MetaNode, MetaTree, PathSegment } from "./meta.ts";
import {
  type Bag,
  CONTEXT_DEFS,
  contextBag,
  type Field,
  type Skip,
  type StructDef,
  type Ty,
} from "./schema.ts";
import { childSkip, isShallowEmpty, pruneMembers, pruneNullOthers } from "./skip.ts";

interface BagState {
  readonly maxDepth: number | undefined;
  readonly at: number;
  remaining: number | undefined;
}

const REMOVED = Symbol("removed");
const VALUE: Ty = { k: "value" };
const STRING: Ty = { k: "string" };

function flatSize(value: unknown): number {
  if (typeof value === "string")
    return value.length > 32 ? Buffer.byteLength(value, "utf8") + 2 : estimateFlatSize(value);
  return estimateFlatSize(value);
}

/** Relay's shallow `Empty`; members set to `undefined` count as absent. */
function isEmptyShallow(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const key in value) if ((value as JsonObject)[key] !== undefined) return false;
    return true;
  }
  return false;
}

function annotated(node: MetaNode | undefined): boolean {
  return node !== undefined && !node.isEmpty();
}

/**
 * Read-only scan of free-form JSON below `value` (not counting `value` itself): the budget its
 * descendants consume (flat size + 1 each) and whether any container sits at the last allowed
 * level (`levels` <= 1), where trimming would rewrite it. Returns -1 in that case, or once the
 * cost passes `limit`.
 */
function scanJson(value: unknown, levels: number, limit: number): number {
  if (typeof value !== "object" || value === null) return 0;
  if (levels <= 1) return -1;
  let cost = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      cost += flatSize(item) + 1;
      if (typeof item === "object" && item !== null) {
        const inner = scanJson(item, levels - 1, limit - cost);
        if (inner < 0) return -1;
        cost += inner;
      }
      if (cost > limit) return -1;
    }
    return cost;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as JsonObject)[key];
    if (item === undefined) continue;
    cost += flatSize(item) + 1;
    if (typeof item === "object" && item !== null) {
      const inner = scanJson(item, levels - 1, limit - cost);
      if (inner < 0) return -1;
      cost += inner;
    }
    if (cost > limit) return -1;
  }
  return cost;
}

/**
 * Upper bound of the bytes Relay's walk charges for unset struct fields below a value of type
 * `ty` (one per declared field); infinite where structs repeat (lists or maps of structs).
 */
const slackOfDef = new WeakMap<StructDef, number>();
function structSlack(def: StructDef): number {
  const known = slackOfDef.get(def);
  if (known !== undefined) return known;
  slackOfDef.set(def, Number.POSITIVE_INFINITY);
  let slack = def.fields.length;
  for (const field of def.fields) slack += tySlack(field.ty);
  slackOfDef.set(def, slack);
  return slack;
}

function tySlack(ty: Ty): number {
  switch (ty.k) {
    case "struct":
      return structSlack(ty.def);
    case "array":
    case "object":
    case "values":
      return tySlack(ty.item) === 0 && ty.item.k !== "struct" ? 0 : Number.POSITIVE_INFINITY;
    case "contexts":
      return Number.POSITIVE_INFINITY;
    default:
      return 0;
  }
}

/** At least `flatSize`: short strings are charged 3 bytes per UTF-16 unit instead of counted. */
function boundedFlatSize(value: unknown): number {
  return typeof value === "string" && value.length <= 32 ? value.length * 3 + 2 : flatSize(value);
}

/**
 * Like `scanJson`, but also gives up (-1) on unset members below the root, which a budgeted walk
 * would print as null; unset members of the root itself are skipped when `rootIsStruct`.
 */
function boundedCost(value: unknown, levels: number, limit: number, rootIsStruct: boolean): number {
  if (typeof value !== "object" || value === null) return 0;
  if (levels <= 1) return -1;
  let cost = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === undefined) return -1;
      cost += boundedFlatSize(item) + 1;
      if (typeof item === "object" && item !== null) {
        const inner = boundedCost(item, levels - 1, limit - cost, false);
        if (inner < 0) return -1;
        cost += inner;
      }
      if (cost > limit) return -1;
    }
    return cost;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as JsonObject)[key];
    if (item === undefined) {
      if (rootIsStruct) continue;
      return -1;
    }
    cost += boundedFlatSize(item) + 1;
    if (typeof item === "object" && item !== null) {
      const inner = boundedCost(item, levels - 1, limit - cost, false);
      if (inner < 0) return -1;
      cost += inner;
    }
    if (cost > limit) return -1;
  }
  return cost;
}

/**
 * True when a budget opened on `value` (outside any other budget) can never run out: every
 * container stays above the last allowed level and the most the walk can charge (flat sizes of
 * all descendants plus one byte per unset struct field) stays below the byte limit. The walk
 * then changes nothing a walk without the budget would not, so the budget can be skipped.
 */
function fitsBag(value: unknown, slack: number, bag: Bag, itemBag: Bag | undefined): boolean {
  if (!Number.isFinite(slack)) return false;
  const bytes = Math.min(bag.bytes ?? Number.MAX_SAFE_INTEGER, itemBag?.bytes ?? Number.MAX_SAFE_INTEGER);
  const levels = Math.min(
    bag.depth ?? Number.MAX_SAFE_INTEGER,
    itemBag?.depth === undefined ? Number.MAX_SAFE_INTEGER : itemBag.depth + 1,
  );
  const limit = bytes - slack - 1;
  if (limit < 0) return false;
  const cost = boundedCost(value, levels, limit, slack > 0);
  return cost >= 0 && cost + slack < bytes;
}

export class Finisher {
  private readonly bags: BagState[] = [];
  private readonly path: PathSegment[] = [];
  /** `values` containers whose items were all dropped: Relay still prints them as `{}`. */
  // Created on first use: most events have none, and a WeakSet per event is not free.
  private shells: WeakSet<object> | undefined;

  constructor(
    private readonly meta: MetaTree,
    private readonly trimming: boolean,
  ) {}

  /** Finishes a whole struct (the event) in place and returns it. */
  finishRoot(value: JsonObject, def: StructDef): JsonObject {
    this.finishStruct(value, def, 0, this.meta.root);
    return value;
  }

  /** Finishes a bare value (unit scopes); returns its new value. */
  finishValue(value: unknown, ty: Ty, field: Field | undefined): unknown {
    const result = this.visit(value, ty, field, 0, false, this.meta.root);
    return result === REMOVED ? undefined : result;
  }

  // --- budgets ------------------------------------------------------------------------------

  private remainingDepth(depth: number): number | undefined {
    let min: number | undefined;
    for (const bag of this.bags) {
      if (bag.maxDepth === undefined) continue;
      const left = Math.max(0, bag.maxDepth - (depth - bag.at));
      if (min === undefined || left < min) min = left;
    }
    return min;
  }

  private remainingSize(): number | undefined {
    let min: number | undefined;
    for (const bag of this.bags) {
      if (bag.remaining === undefined) continue;
      if (min === undefined || bag.remaining < min) min = bag.remaining;
    }
    return min;
  }

  private consumeCost(cost: number): void {
    for (const bag of this.bags)
      if (bag.remaining !== undefined) bag.remaining = Math.max(0, bag.remaining - cost);
  }

  private consume(value: unknown): void {
    this.consumeCost((value === undefined || value === REMOVED ? 0 : flatSize(value)) + 1);
  }

  private nodeAt(): MetaNode {
    return this.meta.at(this.path);
  }

  // --- the walk -----------------------------------------------------------------------------

  /**
   * Visits one value at `depth`. `entered` is false for values that share their parent's slot
   * (Relay's newtype wrappers), which do not pay for themselves twice.
   */
  private visit(
    value: unknown,
    ty: Ty,
    field: Field | undefined,
    depth: number,
    entered: boolean,
    node: MetaNode | undefined,
    extraBag?: Bag,
  ): unknown {
    let pushed = 0;
    if (this.trimming) {
      if (
        field?.bag !== undefined &&
        !(
          this.bags.length === 0 &&
          extraBag === undefined &&
          fitsBag(value, tySlack(field.ty), field.bag, field.itemBag)
        )
      ) {
        this.bags.push({ maxDepth: field.bag.depth, at: depth, remaining: field.bag.bytes });
        pushed++;
      }
      if (extraBag !== undefined) {
        this.bags.push({ maxDepth: extraBag.depth, at: depth, remaining: extraBag.bytes });
        pushed++;
      }
    }
    let result: unknown;
    if (this.bags.length > 0 && (this.remainingSize() === 0 || this.remainingDepth(depth) === 0)) {
      result = REMOVED;
      if (node !== undefined) node.children = undefined;
    } else if (value === undefined || value === null) {
      result = value;
    } else {
      result = this.process(value, ty, field, depth, node);
    }
    for (let i = 0; i < pushed; i++) this.bags.pop();
    if (entered && this.bags.length > 0) this.consume(result);
    return result;
  }

  private process(
    value: unknown,
    ty: Ty,
    field: Field | undefined,
    depth: number,
    node: MetaNode | undefined,
  ): unknown {
    if (typeof value === "string") return this.trimming ? this.finishString(value, field) : value;
    switch (ty.k) {
      case "struct":
        if (isObject(value)) this.finishStruct(value, ty.def, depth, node);
        return value;
      case "values":
        if (isObject(value)) this.finishValues(value, ty.item, depth, node);
        return value;
      case "array":
        return Array.isArray(value) ? this.finishArray(value, ty.item, depth, node) : value;
      case "object":
        return isObject(value) ? this.finishObject(value, ty.item, depth, node, field?.itemBag) : value;
      case "frameVars":
        return isObject(value) ? this.finishObject(value, VALUE, depth, node) : value;
      case "pairs":
        return Array.isArray(value)
          ? this.finishPairs(value, depth, ty.variant === "tags" ? TAG_PART : PAIR_PART, node)
          : value;
      case "contexts":
        if (isObject(value)) this.finishContexts(value, depth, node);
        return value;
      case "value":
      case "debugImage":
        return this.finishJson(value, depth, node);
      default:
        return value;
    }
  }

  private finishString(value: string, field: Field | undefined): string {
    let out = value;
    if (field?.maxChars !== undefined) out = this.trimString(out, field.maxChars, field.allowance ?? 0);
    const last = this.bags[this.bags.length - 1];
    if (last?.remaining !== undefined && out.length > last.remaining)
      out = this.trimString(out, last.remaining, 0);
    return out;
  }

  private trimString(value: string, maxChars: number, allowance: number): string {
    if (value.length <= maxChars + allowance) return value;
    return trimString(value, maxChars, allowance, this.meta, this.path);
  }

  /** Free-form JSON: untouched outside budgets, copy on write inside them. */
  private finishJson(value: unknown, depth: number, node: MetaNode | undefined): unknown {
    if (!this.trimming || this.bags.length === 0) return value;
    if (typeof value === "string") return this.finishString(value, undefined);
    if (typeof value !== "object" || value === null) return value;
    const levels = this.remainingDepth(depth);
    if (levels === 1) return this.finishString(compactJson(value), undefined);
    if (node?.children === undefined) {
      const budget = this.remainingSize();
      const cost = scanJson(value, levels ?? Number.MAX_SAFE_INTEGER, budget ?? Number.MAX_SAFE_INTEGER);
      if (cost >= 0) {
        this.consumeCost(cost);
        return value;
      }
    }
    if (Array.isArray(value)) return this.finishArray(value, VALUE, depth, node);
    return this.finishObject(value as JsonObject, VALUE, depth, node);
  }

  private finishArray(items: unknown[], item: Ty, depth: number, node: MetaNode | undefined): unknown {
    const bagged = this.trimming && this.bags.length > 0;
    if (!bagged && item.k === "value" && node?.children === undefined) return items;
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && items.length > 0) {
      if (node !== undefined) node.children = undefined;
      return REMOVED;
    }
    let out: unknown[] | undefined;
    let cut = -1;
    for (let i = 0; i < items.length; i++) {
      if (bagged && this.remainingSize() === 0) {
        cut = i;
        break;
      }
      const before = items[i];
      if (!bagged && (before === null || typeof before !== "object")) continue;
      this.path.push(i);
      const after = this.visit(before, item, undefined, depth + 1, true, node?.children?.get(String(i)));
      this.path.pop();
      const next = after === REMOVED || after === undefined ? null : after;
      if (next !== before && out === undefined) out = items.slice(0, i);
      if (out !== undefined) out.push(next);
    }
    if (cut >= 0) {
      out ??= items.slice(0, cut);
      this.nodeAt().setLength(items.length);
      const meta = this.meta.get(this.path);
      if (meta?.children !== undefined)
        for (const key of [...meta.children.keys()]) if (Number(key) >= cut) meta.children.delete(key);
    }
    return out ?? items;
  }

  /** Objects are visited in key order (Relay's maps are BTreeMaps). */
  private finishObject(
    object: JsonObject,
    item: Ty,
    depth: number,
    node: MetaNode | undefined,
    itemBag?: Bag,
  ): unknown {
    const bagged = this.trimming && this.bags.length > 0;
    if (!bagged && item.k === "value" && node?.children === undefined) return object;
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && !isEmptyShallow(object)) {
      if (node !== undefined) node.children = undefined;
      return REMOVED;
    }
    if (bagged && item.k === "value" && itemBag === undefined && node?.children === undefined) {
      const cost = scanJson(
        object,
        this.remainingDepth(depth) ?? Number.MAX_SAFE_INTEGER,
        this.remainingSize() ?? Number.MAX_SAFE_INTEGER,
      );
      if (cost >= 0) {
        this.consumeCost(cost);
        return object;
      }
    }
    const keys = bagged ? sortedKeys(object) : Object.keys(object);
    let out: JsonObject | undefined;
    let cutAt = -1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (bagged && this.remainingSize() === 0) {
        cutAt = i;
        break;
      }
      this.path.push(key);
      const before = object[key];
      const after = this.visit(
        before,
        item,
        undefined,
        depth + 1,
        true,
        node?.children?.get(key),
        this.trimming ? itemBag : undefined,
      );
      this.path.pop();
      const next = after === REMOVED || after === undefined ? null : after;
      if (next !== before && out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, object[keys[j] as string]);
      }
      if (out !== undefined) setOwn(out, key, next);
    }
    if (cutAt >= 0) {
      if (out === undefined) {
        out = {};
        for (let j = 0; j < cutAt; j++) setOwn(out, keys[j] as string, object[keys[j] as string]);
      }
      this.nodeAt().setLength(keys.length);
      const meta = this.meta.get(this.path);
      if (meta?.children !== undefined) for (const key of keys.slice(cutAt)) meta.children.delete(key);
    }
    return out ?? object;
  }

  /** Pair lists are tuples: never cut, items past the budget become null. */
  private finishPairs(pairs: unknown[], depth: number, part: Field, node: MetaNode | undefined): unknown[] {
    if (!this.trimming) return pairs;
    const bagged = this.bags.length > 0;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (bagged && (this.remainingSize() === 0 || this.remainingDepth(depth + 1) === 0)) {
        const child = node?.children?.get(String(i));
        if (child !== undefined) child.children = undefined;
        this.consume(REMOVED);
        pairs[i] = null;
        continue;
      }
      if (Array.isArray(pair)) {
        this.path.push(i);
        const pairNode = node?.children?.get(String(i));
        for (let j = 0; j < pair.length; j++) {
          const value = pair[j];
          if (
            !bagged &&
            (typeof value !== "string" || part.maxChars === undefined || value.length <= part.maxChars)
          )
            continue;
          this.path.push(j);
          const result = this.visit(value, STRING, part, depth + 2, true, pairNode?.children?.get(String(j)));
          this.path.pop();
          pair[j] = result === REMOVED || result === undefined ? null : result;
        }
        this.path.pop();
      }
      if (bagged) this.consume(pair);
    }
    return pairs;
  }

  private finishValues(container: JsonObject, item: Ty, depth: number, node: MetaNode | undefined): void {
    this.path.push("values");
    const child = node?.children?.get("values");
    const before = container.values;
    const hadItems = Array.isArray(before) && before.length > 0;
    const values = this.visit(before, { k: "array", item }, undefined, depth + 1, true, child);
    this.applyField(container, "values", values, "emptyDeep", { k: "array", item }, child);
    // Relay's parent checks the shallow emptiness of the unpruned list.
    if (hadItems && container.values === undefined) {
      this.shells ??= new WeakSet();
      this.shells.add(container);
    }
    this.path.pop();
  }

  private finishContexts(contexts: JsonObject, depth: number, node: MetaNode | undefined): void {
    for (const key of Object.keys(contexts)) {
      const context = contexts[key];
      if (!isObject(context)) continue;
      this.path.push(key);
      const child = node?.children?.get(key);
      const type = typeof context.type === "string" ? context.type : key;
      const def = CONTEXT_DEFS.get(type);
      const bag = contextBag(type);
      const budgeted =
        this.trimming &&
        !(
          this.bags.length === 0 && fitsBag(context, def === undefined ? 0 : structSlack(def), bag, undefined)
        );
      if (budgeted) this.bags.push({ maxDepth: bag.depth, at: depth + 1, remaining: bag.bytes });
      if (def !== undefined) this.finishStruct(context, def, depth + 1, child);
      else this.finishOtherContext(context, depth + 1, child);
      if (budgeted) this.bags.pop();
      this.path.pop();
    }
  }

  /** Free-form contexts: past the budget, entries become null rather than being cut off. */
  private finishOtherContext(context: JsonObject, depth: number, node: MetaNode | undefined): void {
    if (!this.trimming) return;
    if (node?.children === undefined) {
      const levels = this.remainingDepth(depth) ?? Number.MAX_SAFE_INTEGER;
      const budget = this.remainingSize() ?? Number.MAX_SAFE_INTEGER;
      const cost = scanJson(context, levels, budget);
      if (cost >= 0) {
        this.consumeCost(cost);
        return;
      }
    }
    for (const key of sortedKeys(context)) {
      if (key === "type") {
        // The tag survives an exhausted budget (Relay nulls it): without it, normalizing the
        // event again would read the context as a different kind.
        this.consume(context.type);
        continue;
      }
      this.path.push(key);
      const result = this.visit(context[key], VALUE, undefined, depth + 1, true, node?.children?.get(key));
      this.path.pop();
      setOwn(context, key, result === REMOVED || result === undefined ? null : result);
    }
  }

  private finishStruct(object: JsonObject, def: StructDef, depth: number, node: MetaNode | undefined): void {
    const isStacktrace = def.name === "Stacktrace";
    if (isStacktrace && this.trimming) enforceFrameLimit(object, this.meta, this.path);
    if (this.bags.length > 0) {
      // Inside a budget the order and the unset fields count: Relay visits every field.
      for (const field of def.fields) {
        const value = object[field.name];
        const child = node?.children?.get(field.name);
        if (value === undefined && child === undefined) this.consumeCost(1);
        else this.finishField(object, field, value, depth, child);
      }
    } else {
      const children = node?.children;
      for (const key in object) {
        const value = object[key];
        if (value === undefined) continue;
        const index = def.lookup.get(key);
        if (index === undefined) continue;
        const field = def.fields[index] as Field;
        if (field.name !== key) continue;
        // Leaves that need nothing: most fields of most events. Outside a budget a leaf's meta
        // only matters to an empty string that may be skipped.
        if (typeof value === "string") {
          if (
            value === ""
              ? field.skip === undefined || field.skip === "null"
              : field.maxChars === undefined ||
                !this.trimming ||
                value.length <= field.maxChars + (field.allowance ?? 0)
          )
            continue;
        } else if (typeof value === "number" || typeof value === "boolean") {
          continue;
        }
        this.finishField(object, field, value, depth, children?.get(key));
      }
      if (node?.children !== undefined) {
        // Fields without a value but with meta print as null.
        for (const [key, child] of node.children) {
          const index = def.lookup.get(key);
          if (index === undefined || object[key] !== undefined) continue;
          const field = def.fields[index] as Field;
          if (field.name === key) this.finishField(object, field, undefined, depth, child);
        }
      }
    }
    if (def.other === "retain") {
      pruneNullOthers(object, def, node);
      for (const key of Object.keys(object)) {
        if (def.lookup.has(key) || key === "type") continue;
        const value = object[key];
        if (value === undefined) continue;
        const child = node?.children?.get(key);
        if (!this.trimming && child === undefined) continue;
        this.path.push(key);
        const result = this.visit(value, VALUE, undefined, depth + 1, true, child);
        this.path.pop();
        // Like null members, a member trimming removed is only printed (as null) with meta.
        const gone = result === REMOVED || result === undefined || result === null;
        setOwn(object, key, gone ? (annotated(child) ? null : undefined) : result);
      }
    }
    if (isStacktrace && this.trimming) slimFrameData(object);
  }

  private finishField(
    object: JsonObject,
    field: Field,
    value: unknown,
    depth: number,
    child: MetaNode | undefined,
  ): void {
    this.path.push(field.name);
    const result = this.visit(value, field.ty, field, depth + 1, true, child);
    this.applyField(object, field.name, result, field.skip ?? "null", field.ty, child);
    this.path.pop();
  }

  /** Writes a finished field back, applying Relay's null and skip rules. */
  private applyField(
    object: JsonObject,
    name: string,
    finished: unknown,
    skip: Skip,
    ty: Ty | undefined,
    node: MetaNode | undefined,
  ): void {
    if (finished === undefined || finished === null || finished === REMOVED) {
      // Unset fields stay as `undefined` (absent in JSON); `delete` would slow the object down.
      if (annotated(node)) object[name] = null;
      else if (object[name] !== undefined) object[name] = undefined;
      return;
    }
    const value =
      ty !== undefined && (ty.k === "array" || ty.k === "object")
        ? pruneMembers(finished, ty.item, childSkip(skip), node)
        : finished;
    if (skip !== "null" && !annotated(node) && !this.shells?.has(value as object)) {
      const structLike = ty !== undefined && (ty.k === "struct" || ty.k === "values");
      const empty =
        skip === "emptyDeep"
          ? isDeepEmpty(value)
          : structLike
            ? isShallowEmpty(value, ty, node)
            : isEmptyShallow(value);
      if (empty) {
        object[name] = undefined;
        return;
      }
    }
    if (object[name] !== value) object[name] = value;
  }
}

/**
 * Relay's `trim_string`: past `maxChars + allowance` chars, keep `maxChars - 3` chars plus `...`
 * and record the `!limit` remark and the original length at `path`.
 */
export function trimString(
  value: string,
  maxChars: number,
  allowance: number,
  meta: MetaTree,
  path: readonly PathSegment[],
): string {
  if (value.length <= maxChars + allowance) return value;
  const length = charCount(value);
  if (length <= maxChars + allowance) return value;
  const keptLength = Math.max(0, maxChars - 3);
  const node = meta.at(path);
  node.addRemark(["!limit", "s", keptLength, keptLength + 3]);
  node.setLength(length);
  return `${takeChars(value, keptLength)}...`;
}

const PAIR_PART: Field = { name: "", ty: STRING };
/** Tag keys and values: 200 chars each. */
const TAG_PART: Field = { name: "", ty: STRING, maxChars: 200 };

/**
 * A copy with the keys in schema order, then the other keys, without unset members: how Relay
 * serializes a struct. Used for output meant to be read (the CLI, wire-form comparisons).
 */
export function inSchemaOrder(value: JsonObject, def: StructDef): JsonObject {
  const out: JsonObject = {};
  for (const field of def.fields) if (value[field.name] !== undefined) out[field.name] = value[field.name];
  for (const key of Object.keys(value))
    if (!def.lookup.has(key) && value[key] !== undefined) setOwn(out, key, value[key]);
  return out;
}

function isDeepEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.every(isDeepEmpty);
  if (typeof value === "object") {
    for (const key in value) if (!isDeepEmpty((value as JsonObject)[key])) return false;
  }
  return typeof value === "object";
}
