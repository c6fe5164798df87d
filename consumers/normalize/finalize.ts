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

import { charCount, compactJson, estimateFlatSize, isObject, type JsonObject, setOwn, sortedKeys, takeChars } from "./json.ts";
import type { MetaTree, PathSegment } from "./meta.ts";
import { type Bag, contextBag, CONTEXT_DEFS, type Field, type Skip, type StructDef, type Ty } from "./schema.ts";

/** Relay keeps the newest frames of a stack trace beyond this count. */
export const MAX_FRAMES = 250;
/** Beyond this many frames, middle frames lose vars and context lines. */
export const FRAME_ALLOWANCE = 50;

interface BagState {
  readonly maxDepth: number | undefined;
  readonly at: number;
  remaining: number | undefined;
}

const REMOVED = Symbol("removed");

function flatSize(value: unknown): number {
  if (typeof value === "string" && value.length > 32) return Buffer.byteLength(value, "utf8") + 2;
  return estimateFlatSize(value);
}

function isEmptyShallow(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

export class Finisher {
  private readonly bags: BagState[] = [];
  private readonly path: PathSegment[] = [];

  constructor(
    private readonly meta: MetaTree,
    private readonly trimming: boolean,
  ) {}

  /** Finishes a whole struct (the event) and returns it with its keys in schema order. */
  finishRoot(value: JsonObject, def: StructDef): JsonObject {
    this.finishStruct(value, def, 0);
    return reorder(value, def);
  }

  /** Finishes a bare value (unit scopes); returns its new value. */
  finishValue(value: unknown, ty: Ty, field: Field | undefined): unknown {
    const result = this.visit(value, ty, field, 0, false);
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

  private consume(value: unknown): void {
    const cost = (value === undefined || value === REMOVED ? 0 : flatSize(value)) + 1;
    for (const bag of this.bags) if (bag.remaining !== undefined) bag.remaining = Math.max(0, bag.remaining - cost);
  }

  private inBag(): boolean {
    return this.bags.length > 0;
  }

  // --- the walk -----------------------------------------------------------------------------

  /**
   * Visits one value at `depth`. `entered` is false for values that share their parent's slot
   * (Relay's newtype wrappers), which do not pay for themselves twice.
   */
  private visit(value: unknown, ty: Ty, field: Field | undefined, depth: number, entered: boolean, extraBag?: Bag): unknown {
    let pushed = 0;
    if (this.trimming) {
      if (field?.bag !== undefined) {
        this.bags.push({ maxDepth: field.bag.depth, at: depth, remaining: field.bag.bytes });
        pushed++;
      }
      if (extraBag !== undefined) {
        this.bags.push({ maxDepth: extraBag.depth, at: depth, remaining: extraBag.bytes });
        pushed++;
      }
    }
    let result: unknown;
    if (this.trimming && this.inBag() && (this.remainingSize() === 0 || this.remainingDepth(depth) === 0)) {
      result = REMOVED;
      this.dropChildMeta();
    } else if (value === undefined || value === null) {
      result = value;
    } else {
      result = this.process(value, ty, field, depth);
    }
    for (let i = 0; i < pushed; i++) this.bags.pop();
    if (entered && this.inBag()) this.consume(result);
    return result;
  }

  private dropChildMeta(): void {
    const node = this.meta.get(this.path);
    if (node !== undefined) node.children = undefined;
  }

  private process(value: unknown, ty: Ty, field: Field | undefined, depth: number): unknown {
    if (typeof value === "string") return this.finishString(value, field);
    switch (ty.k) {
      case "struct":
        if (isObject(value)) this.finishStruct(value, ty.def, depth);
        return value;
      case "values":
        if (isObject(value)) this.finishValues(value, ty.item, depth);
        return value;
      case "array":
        return Array.isArray(value) ? this.finishArray(value, ty.item, depth) : value;
      case "object":
        return isObject(value) ? this.finishObject(value, ty.item, depth, true, field?.itemBag) : value;
      case "frameVars":
        return isObject(value) ? this.finishObject(value, { k: "value" }, depth, true) : value;
      case "pairs":
        return Array.isArray(value) ? this.finishPairs(value, depth, ty.variant === "tags" ? TAG_PART : PAIR_PART) : value;
      case "contexts":
        if (isObject(value)) this.finishContexts(value, depth);
        return value;
      case "value":
      case "debugImage":
        return this.finishJson(value, depth);
      default:
        return value;
    }
  }

  private finishString(value: string, field: Field | undefined): string {
    if (!this.trimming) return value;
    let out = value;
    if (field?.maxChars !== undefined) out = this.trimString(out, field.maxChars, field.allowance ?? 0);
    const last = this.bags[this.bags.length - 1];
    if (last?.remaining !== undefined) out = this.trimString(out, last.remaining, 0);
    return out;
  }

  private trimString(value: string, maxChars: number, allowance: number): string {
    return trimString(value, maxChars, allowance, this.meta, this.path);
  }

  /** Free-form JSON below a bag: copy on write, so shared input objects stay untouched. */
  private finishJson(value: unknown, depth: number): unknown {
    if (!this.trimming || !this.inBag()) return value;
    if (typeof value === "string") return this.finishString(value, undefined);
    if (typeof value !== "object" || value === null) return value;
    if (this.remainingDepth(depth) === 1) return this.finishString(compactJson(value), undefined);
    if (Array.isArray(value)) return this.finishArray(value, { k: "value" }, depth);
    return this.finishObject(value as JsonObject, { k: "value" }, depth, true);
  }

  private finishArray(items: unknown[], item: Ty, depth: number): unknown {
    const bagged = this.trimming && this.inBag();
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && items.length > 0) {
      this.dropChildMeta();
      return REMOVED;
    }
    let out: unknown[] | undefined;
    let cut = -1;
    for (let i = 0; i < items.length; i++) {
      if (bagged && this.remainingSize() === 0) {
        cut = i;
        break;
      }
      this.path.push(i);
      const before = items[i];
      const after = this.visit(before, item, undefined, depth + 1, true);
      this.path.pop();
      const next = after === REMOVED || after === undefined ? null : after;
      if (next !== before && out === undefined) out = items.slice(0, i);
      if (out !== undefined) out.push(next);
    }
    if (cut >= 0) {
      out ??= items.slice(0, cut);
      this.meta.at(this.path).setLength(items.length);
      this.trimMetaChildren(cut);
    }
    return out ?? items;
  }

  private trimMetaChildren(keep: number): void {
    const node = this.meta.get(this.path);
    if (node?.children === undefined) return;
    for (const key of [...node.children.keys()]) if (Number(key) >= keep) node.children.delete(key);
  }

  /** Objects are visited in key order (Relay's maps are BTreeMaps). */
  private finishObject(object: JsonObject, item: Ty, depth: number, split: boolean, itemBag?: Bag): unknown {
    const bagged = this.trimming && this.inBag();
    if (!bagged && item.k === "value") return object;
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && Object.keys(object).length > 0) {
      this.dropChildMeta();
      return REMOVED;
    }
    const keys = bagged ? sortedKeys(object) : Object.keys(object);
    let out: JsonObject | undefined;
    let cutAt = -1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (bagged && split && this.remainingSize() === 0) {
        cutAt = i;
        break;
      }
      this.path.push(key);
      const before = object[key];
      const after = this.visit(before, item, undefined, depth + 1, true, itemBag);
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
      this.meta.at(this.path).setLength(keys.length);
      const node = this.meta.get(this.path);
      if (node?.children !== undefined) for (const key of keys.slice(cutAt)) node.children.delete(key);
    }
    return out ?? object;
  }

  /** Pair lists are tuples: never cut, items past the budget become null. */
  private finishPairs(pairs: unknown[], depth: number, part: Field): unknown[] {
    if (!this.trimming) return pairs;
    for (let i = 0; i < pairs.length; i++) {
      this.path.push(i);
      const pair = pairs[i];
      const result = this.visitPair(pair, depth + 1, part);
      this.path.pop();
      pairs[i] = result === REMOVED || result === undefined ? null : result;
    }
    return pairs;
  }

  private visitPair(pair: unknown, depth: number, part: Field): unknown {
    if (this.inBag() && (this.remainingSize() === 0 || this.remainingDepth(depth) === 0)) {
      this.dropChildMeta();
      this.consume(REMOVED);
      return REMOVED;
    }
    if (Array.isArray(pair)) {
      for (let j = 0; j < pair.length; j++) {
        this.path.push(j);
        const result = this.visit(pair[j], { k: "string" }, part, depth + 1, true);
        this.path.pop();
        pair[j] = result === REMOVED || result === undefined ? null : result;
      }
    }
    if (this.inBag()) this.consume(pair);
    return pair;
  }

  private finishValues(container: JsonObject, item: Ty, depth: number): void {
    this.path.push("values");
    const values = this.visit(container.values, { k: "array", item }, undefined, depth + 1, true);
    this.applyField(container, "values", values, "emptyDeep");
    this.path.pop();
  }

  private finishContexts(contexts: JsonObject, depth: number): void {
    for (const key of Object.keys(contexts)) {
      const context = contexts[key];
      if (!isObject(context)) continue;
      this.path.push(key);
      const type = typeof context.type === "string" ? context.type : key;
      const def = CONTEXT_DEFS.get(type);
      const bag = contextBag(type);
      let pushed = false;
      if (this.trimming) {
        this.bags.push({ maxDepth: bag.depth, at: depth + 1, remaining: bag.bytes });
        pushed = true;
      }
      if (def !== undefined) this.finishStruct(context, def, depth + 1);
      else this.finishOtherContext(context, depth + 1);
      if (pushed) this.bags.pop();
      this.path.pop();
    }
  }

  /** Free-form contexts: past the budget, entries become null rather than being cut off. */
  private finishOtherContext(context: JsonObject, depth: number): void {
    if (!this.trimming) return;
    for (const key of sortedKeys(context)) {
      this.path.push(key);
      const result = this.visit(context[key], { k: "value" }, undefined, depth + 1, true);
      this.path.pop();
      setOwn(context, key, result === REMOVED || result === undefined ? null : result);
    }
  }

  private finishStruct(object: JsonObject, def: StructDef, depth: number): void {
    if (def.name === "Stacktrace" && this.trimming) enforceFrameLimit(object, this.meta, this.path);
    for (const field of def.fields) {
      this.path.push(field.name);
      const value = object[field.name];
      const result = value === undefined && !this.inBag() ? undefined : this.visit(value, field.ty, field, depth + 1, true);
      this.applyField(object, field.name, result, field.skip ?? "null", field.ty);
      this.path.pop();
    }
    if (def.other === "retain") {
      for (const key of Object.keys(object)) {
        if (def.lookup.has(key) || key === "type") continue;
        this.path.push(key);
        const result = this.visit(object[key], { k: "value" }, undefined, depth + 1, true);
        this.path.pop();
        setOwn(object, key, result === REMOVED || result === undefined ? null : result);
      }
    }
    if (def.name === "Stacktrace" && this.trimming) slimFrameData(object);
  }

  /** Writes a finished field back, applying Relay's null and skip rules. */
  private applyField(object: JsonObject, name: string, value: unknown, skip: Skip, ty?: Ty): void {
    const removed = value === undefined || value === null || value === REMOVED;
    if (removed) {
      const node = this.meta.get(this.path);
      if (node !== undefined && !node.isEmpty()) object[name] = null;
      else delete object[name];
      return;
    }
    if (skip !== "null") {
      const node = this.meta.get(this.path);
      const annotated = node !== undefined && !node.isEmpty();
      const structLike = ty !== undefined && (ty.k === "struct" || ty.k === "values");
      const empty = skip === "emptyDeep" ? isDeepEmpty(value) : structLike ? isStructEmpty(value) : isEmptyShallow(value);
      if (!annotated && empty) {
        delete object[name];
        return;
      }
    }
    object[name] = value;
  }
}

/**
 * Relay's `trim_string`: past `maxChars + allowance` chars, keep `maxChars - 3` chars plus `...`
 * and record the `!limit` remark and the original length at `path`.
 */
export function trimString(value: string, maxChars: number, allowance: number, meta: MetaTree, path: readonly PathSegment[]): string {
  if (value.length <= maxChars + allowance) return value;
  const length = charCount(value);
  if (length <= maxChars + allowance) return value;
  const keptLength = Math.max(0, maxChars - 3);
  const node = meta.at(path);
  node.addRemark(["!limit", "s", keptLength, keptLength + 3]);
  node.setLength(length);
  return `${takeChars(value, keptLength)}...`;
}

const PAIR_PART: Field = { name: "", ty: { k: "string" } };
/** Tag keys and values: 200 chars each. */
const TAG_PART: Field = { name: "", ty: { k: "string" }, maxChars: 200 };

/** Schema order, then the other keys in their order (Relay serializes structs that way). */
function reorder(value: JsonObject, def: StructDef): JsonObject {
  const out: JsonObject = {};
  for (const field of def.fields) if (Object.hasOwn(value, field.name)) out[field.name] = value[field.name];
  for (const key of Object.keys(value)) if (!def.lookup.has(key)) setOwn(out, key, value[key]);
  return out;
}

/** Relay's derived `Empty` of a struct: every field unset or shallowly empty. */
function isStructEmpty(value: unknown): boolean {
  if (!isObject(value)) return isEmptyShallow(value);
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (isObject(field) ? !isStructEmpty(field) : !isEmptyShallow(field)) return false;
  }
  return true;
}

function isDeepEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.every(isDeepEmpty);
  if (typeof value === "object") return Object.values(value).every(isDeepEmpty);
  return false;
}

/** Keeps the newest `MAX_FRAMES` frames; their meta moves with them. */
function enforceFrameLimit(stacktrace: JsonObject, meta: MetaTree, path: readonly PathSegment[]): void {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= MAX_FRAMES) return;
  const removed = frames.length - MAX_FRAMES;
  const framesPath = [...path, "frames"];
  meta.at(framesPath).setLength(frames.length);
  const mapping = frames.map((_, index) => (index < removed ? -1 : index - removed));
  meta.reindexArray(framesPath, mapping);
  stacktrace.frames = frames.slice(removed);
}

/** Sentry's `slim_frame_data`: beyond the allowance, middle frames lose their heavy data. */
function slimFrameData(stacktrace: JsonObject): void {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= FRAME_ALLOWANCE) return;
  const app: number[] = [];
  const system: number[] = [];
  frames.forEach((frame, index) => {
    if (!isObject(frame)) return;
    if (frame.in_app === true) app.push(index);
    else system.push(index);
  });
  const systemHalf = Math.floor(Math.max(0, FRAME_ALLOWANCE - app.length) / 2);
  const systemRemoved = systemHalf <= system.length - systemHalf ? system.slice(systemHalf, system.length - systemHalf) : [];
  const remaining = Math.max(0, frames.length - FRAME_ALLOWANCE - systemRemoved.length);
  const appHalf = Math.floor(Math.max(0, app.length - remaining) / 2);
  const appRemoved = appHalf <= app.length - appHalf ? app.slice(appHalf, app.length - appHalf) : [];
  for (const index of [...systemRemoved, ...appRemoved]) {
    const frame = frames[index];
    if (!isObject(frame)) continue;
    delete frame.vars;
    delete frame.pre_context;
    delete frame.post_context;
  }
}
