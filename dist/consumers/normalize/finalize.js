// consumers/normalize/finalize.ts
import { enforceFrameLimit, slimFrameData } from "./frame-limits.js";
import {
  charCount,
  compactJson,
  estimateFlatSize,
  isObject,
  setOwn,
  sortedKeys,
  takeChars
} from "./json.js";
import {
  CONTEXT_DEFS,
  contextBag
} from "./schema.js";
import { childSkip, isShallowEmpty, pruneMembers, pruneNullOthers } from "./skip.js";
var REMOVED = /* @__PURE__ */ Symbol("removed");
var VALUE = { k: "value" };
var STRING = { k: "string" };
function flatSize(value) {
  if (typeof value === "string")
    return value.length > 32 ? Buffer.byteLength(value, "utf8") + 2 : estimateFlatSize(value);
  return estimateFlatSize(value);
}
function isEmptyShallow(value) {
  if (value === void 0 || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const key in value) if (value[key] !== void 0) return false;
    return true;
  }
  return false;
}
function annotated(node) {
  return node !== void 0 && !node.isEmpty();
}
function scanJson(value, levels, limit) {
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
    const item = value[key];
    if (item === void 0) continue;
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
var slackOfDef = /* @__PURE__ */ new WeakMap();
function structSlack(def) {
  const known = slackOfDef.get(def);
  if (known !== void 0) return known;
  slackOfDef.set(def, Number.POSITIVE_INFINITY);
  let slack = def.fields.length;
  for (const field of def.fields) slack += tySlack(field.ty);
  slackOfDef.set(def, slack);
  return slack;
}
function tySlack(ty) {
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
function boundedCost(value, levels, limit, rootIsStruct) {
  if (typeof value !== "object" || value === null) return 0;
  if (levels <= 1) return -1;
  let cost = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === void 0) return -1;
      cost += flatSize(item) + 1;
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
    const item = value[key];
    if (item === void 0) {
      if (rootIsStruct) continue;
      return -1;
    }
    cost += flatSize(item) + 1;
    if (typeof item === "object" && item !== null) {
      const inner = boundedCost(item, levels - 1, limit - cost, false);
      if (inner < 0) return -1;
      cost += inner;
    }
    if (cost > limit) return -1;
  }
  return cost;
}
function fitsBag(value, slack, bag, itemBag) {
  if (!Number.isFinite(slack)) return false;
  const bytes = Math.min(bag.bytes ?? Number.MAX_SAFE_INTEGER, itemBag?.bytes ?? Number.MAX_SAFE_INTEGER);
  const levels = Math.min(
    bag.depth ?? Number.MAX_SAFE_INTEGER,
    itemBag?.depth === void 0 ? Number.MAX_SAFE_INTEGER : itemBag.depth + 1
  );
  const limit = bytes - slack - 1;
  if (limit < 0) return false;
  const cost = boundedCost(value, levels, limit, slack > 0);
  return cost >= 0 && cost + slack < bytes;
}
var Finisher = class {
  constructor(meta, trimming) {
    this.meta = meta;
    this.trimming = trimming;
  }
  meta;
  trimming;
  bags = [];
  path = [];
  /** `values` containers whose items were all dropped: Relay still prints them as `{}`. */
  shells = /* @__PURE__ */ new WeakSet();
  /** Finishes a whole struct (the event) in place and returns it. */
  finishRoot(value, def) {
    this.finishStruct(value, def, 0, this.meta.root);
    return value;
  }
  /** Finishes a bare value (unit scopes); returns its new value. */
  finishValue(value, ty, field) {
    const result = this.visit(value, ty, field, 0, false, this.meta.root);
    return result === REMOVED ? void 0 : result;
  }
  // --- budgets ------------------------------------------------------------------------------
  remainingDepth(depth) {
    let min;
    for (const bag of this.bags) {
      if (bag.maxDepth === void 0) continue;
      const left = Math.max(0, bag.maxDepth - (depth - bag.at));
      if (min === void 0 || left < min) min = left;
    }
    return min;
  }
  remainingSize() {
    let min;
    for (const bag of this.bags) {
      if (bag.remaining === void 0) continue;
      if (min === void 0 || bag.remaining < min) min = bag.remaining;
    }
    return min;
  }
  consumeCost(cost) {
    for (const bag of this.bags)
      if (bag.remaining !== void 0) bag.remaining = Math.max(0, bag.remaining - cost);
  }
  consume(value) {
    this.consumeCost((value === void 0 || value === REMOVED ? 0 : flatSize(value)) + 1);
  }
  nodeAt() {
    return this.meta.at(this.path);
  }
  // --- the walk -----------------------------------------------------------------------------
  /**
   * Visits one value at `depth`. `entered` is false for values that share their parent's slot
   * (Relay's newtype wrappers), which do not pay for themselves twice.
   */
  visit(value, ty, field, depth, entered, node, extraBag) {
    let pushed = 0;
    if (this.trimming) {
      if (field?.bag !== void 0 && !(this.bags.length === 0 && extraBag === void 0 && fitsBag(value, tySlack(field.ty), field.bag, field.itemBag))) {
        this.bags.push({ maxDepth: field.bag.depth, at: depth, remaining: field.bag.bytes });
        pushed++;
      }
      if (extraBag !== void 0) {
        this.bags.push({ maxDepth: extraBag.depth, at: depth, remaining: extraBag.bytes });
        pushed++;
      }
    }
    let result;
    if (this.bags.length > 0 && (this.remainingSize() === 0 || this.remainingDepth(depth) === 0)) {
      result = REMOVED;
      if (node !== void 0) node.children = void 0;
    } else if (value === void 0 || value === null) {
      result = value;
    } else {
      result = this.process(value, ty, field, depth, node);
    }
    for (let i = 0; i < pushed; i++) this.bags.pop();
    if (entered && this.bags.length > 0) this.consume(result);
    return result;
  }
  process(value, ty, field, depth, node) {
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
        return Array.isArray(value) ? this.finishPairs(value, depth, ty.variant === "tags" ? TAG_PART : PAIR_PART, node) : value;
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
  finishString(value, field) {
    let out = value;
    if (field?.maxChars !== void 0) out = this.trimString(out, field.maxChars, field.allowance ?? 0);
    const last = this.bags[this.bags.length - 1];
    if (last?.remaining !== void 0 && out.length > last.remaining)
      out = this.trimString(out, last.remaining, 0);
    return out;
  }
  trimString(value, maxChars, allowance) {
    if (value.length <= maxChars + allowance) return value;
    return trimString(value, maxChars, allowance, this.meta, this.path);
  }
  /** Free-form JSON: untouched outside budgets, copy on write inside them. */
  finishJson(value, depth, node) {
    if (!this.trimming || this.bags.length === 0) return value;
    if (typeof value === "string") return this.finishString(value, void 0);
    if (typeof value !== "object" || value === null) return value;
    const levels = this.remainingDepth(depth);
    if (levels === 1) return this.finishString(compactJson(value), void 0);
    if (node?.children === void 0) {
      const budget = this.remainingSize();
      const cost = scanJson(value, levels ?? Number.MAX_SAFE_INTEGER, budget ?? Number.MAX_SAFE_INTEGER);
      if (cost >= 0) {
        this.consumeCost(cost);
        return value;
      }
    }
    if (Array.isArray(value)) return this.finishArray(value, VALUE, depth, node);
    return this.finishObject(value, VALUE, depth, node);
  }
  finishArray(items, item, depth, node) {
    const bagged = this.trimming && this.bags.length > 0;
    if (!bagged && item.k === "value" && node?.children === void 0) return items;
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && items.length > 0) {
      if (node !== void 0) node.children = void 0;
      return REMOVED;
    }
    let out;
    let cut = -1;
    for (let i = 0; i < items.length; i++) {
      if (bagged && this.remainingSize() === 0) {
        cut = i;
        break;
      }
      const before = items[i];
      if (!bagged && (before === null || typeof before !== "object")) continue;
      this.path.push(i);
      const after = this.visit(before, item, void 0, depth + 1, true, node?.children?.get(String(i)));
      this.path.pop();
      const next = after === REMOVED || after === void 0 ? null : after;
      if (next !== before && out === void 0) out = items.slice(0, i);
      if (out !== void 0) out.push(next);
    }
    if (cut >= 0) {
      out ??= items.slice(0, cut);
      this.nodeAt().setLength(items.length);
      const meta = this.meta.get(this.path);
      if (meta?.children !== void 0) {
        for (const key of [...meta.children.keys()]) if (Number(key) >= cut) meta.children.delete(key);
      }
    }
    return out ?? items;
  }
  /** Objects are visited in key order (Relay's maps are BTreeMaps). */
  finishObject(object, item, depth, node, itemBag) {
    const bagged = this.trimming && this.bags.length > 0;
    if (!bagged && item.k === "value" && node?.children === void 0) return object;
    if (bagged && item.k !== "value" && this.remainingDepth(depth) === 1 && !isEmptyShallow(object)) {
      if (node !== void 0) node.children = void 0;
      return REMOVED;
    }
    if (bagged && item.k === "value" && itemBag === void 0 && node?.children === void 0) {
      const cost = scanJson(
        object,
        this.remainingDepth(depth) ?? Number.MAX_SAFE_INTEGER,
        this.remainingSize() ?? Number.MAX_SAFE_INTEGER
      );
      if (cost >= 0) {
        this.consumeCost(cost);
        return object;
      }
    }
    const keys = bagged ? sortedKeys(object) : Object.keys(object);
    let out;
    let cutAt = -1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (bagged && this.remainingSize() === 0) {
        cutAt = i;
        break;
      }
      this.path.push(key);
      const before = object[key];
      const after = this.visit(
        before,
        item,
        void 0,
        depth + 1,
        true,
        node?.children?.get(key),
        this.trimming ? itemBag : void 0
      );
      this.path.pop();
      const next = after === REMOVED || after === void 0 ? null : after;
      if (next !== before && out === void 0) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j], object[keys[j]]);
      }
      if (out !== void 0) setOwn(out, key, next);
    }
    if (cutAt >= 0) {
      if (out === void 0) {
        out = {};
        for (let j = 0; j < cutAt; j++) setOwn(out, keys[j], object[keys[j]]);
      }
      this.nodeAt().setLength(keys.length);
      const meta = this.meta.get(this.path);
      if (meta?.children !== void 0) for (const key of keys.slice(cutAt)) meta.children.delete(key);
    }
    return out ?? object;
  }
  /** Pair lists are tuples: never cut, items past the budget become null. */
  finishPairs(pairs, depth, part, node) {
    if (!this.trimming) return pairs;
    const bagged = this.bags.length > 0;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (bagged && (this.remainingSize() === 0 || this.remainingDepth(depth + 1) === 0)) {
        const child = node?.children?.get(String(i));
        if (child !== void 0) child.children = void 0;
        this.consume(REMOVED);
        pairs[i] = null;
        continue;
      }
      if (Array.isArray(pair)) {
        this.path.push(i);
        const pairNode = node?.children?.get(String(i));
        for (let j = 0; j < pair.length; j++) {
          const value = pair[j];
          if (!bagged && (typeof value !== "string" || part.maxChars === void 0 || value.length <= part.maxChars))
            continue;
          this.path.push(j);
          const result = this.visit(value, STRING, part, depth + 2, true, pairNode?.children?.get(String(j)));
          this.path.pop();
          pair[j] = result === REMOVED || result === void 0 ? null : result;
        }
        this.path.pop();
      }
      if (bagged) this.consume(pair);
    }
    return pairs;
  }
  finishValues(container, item, depth, node) {
    this.path.push("values");
    const child = node?.children?.get("values");
    const before = container.values;
    const hadItems = Array.isArray(before) && before.length > 0;
    const values = this.visit(before, { k: "array", item }, void 0, depth + 1, true, child);
    this.applyField(container, "values", values, "emptyDeep", { k: "array", item }, child);
    if (hadItems && container.values === void 0) this.shells.add(container);
    this.path.pop();
  }
  finishContexts(contexts, depth, node) {
    for (const key of Object.keys(contexts)) {
      const context = contexts[key];
      if (!isObject(context)) continue;
      this.path.push(key);
      const child = node?.children?.get(key);
      const type = typeof context.type === "string" ? context.type : key;
      const def = CONTEXT_DEFS.get(type);
      const bag = contextBag(type);
      const budgeted = this.trimming && !(this.bags.length === 0 && fitsBag(context, def === void 0 ? 0 : structSlack(def), bag, void 0));
      if (budgeted) this.bags.push({ maxDepth: bag.depth, at: depth + 1, remaining: bag.bytes });
      if (def !== void 0) this.finishStruct(context, def, depth + 1, child);
      else this.finishOtherContext(context, depth + 1, child);
      if (budgeted) this.bags.pop();
      this.path.pop();
    }
  }
  /** Free-form contexts: past the budget, entries become null rather than being cut off. */
  finishOtherContext(context, depth, node) {
    if (!this.trimming) return;
    if (node?.children === void 0) {
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
        this.consume(context.type);
        continue;
      }
      this.path.push(key);
      const result = this.visit(context[key], VALUE, void 0, depth + 1, true, node?.children?.get(key));
      this.path.pop();
      setOwn(context, key, result === REMOVED || result === void 0 ? null : result);
    }
  }
  finishStruct(object, def, depth, node) {
    const isStacktrace = def.name === "Stacktrace";
    if (isStacktrace && this.trimming) enforceFrameLimit(object, this.meta, this.path);
    if (this.bags.length > 0) {
      for (const field of def.fields) {
        const value = object[field.name];
        const child = node?.children?.get(field.name);
        if (value === void 0 && child === void 0) this.consumeCost(1);
        else this.finishField(object, field, value, depth, child);
      }
    } else {
      const children = node?.children;
      for (const key in object) {
        const value = object[key];
        if (value === void 0) continue;
        const index = def.lookup.get(key);
        if (index === void 0) continue;
        const field = def.fields[index];
        if (field.name !== key) continue;
        const child = children?.get(key);
        if (child === void 0) {
          if (typeof value === "string") {
            if (value === "" ? field.skip === void 0 || field.skip === "null" : field.maxChars === void 0 || !this.trimming || value.length <= field.maxChars + (field.allowance ?? 0))
              continue;
          } else if (typeof value === "number" || typeof value === "boolean") {
            continue;
          }
        }
        this.finishField(object, field, value, depth, child);
      }
      if (node?.children !== void 0) {
        for (const [key, child] of node.children) {
          const index = def.lookup.get(key);
          if (index === void 0 || object[key] !== void 0) continue;
          const field = def.fields[index];
          if (field.name === key) this.finishField(object, field, void 0, depth, child);
        }
      }
    }
    if (def.other === "retain") {
      pruneNullOthers(object, def, node);
      for (const key of Object.keys(object)) {
        if (def.lookup.has(key) || key === "type") continue;
        const value = object[key];
        if (value === void 0) continue;
        const child = node?.children?.get(key);
        if (!this.trimming && child === void 0) continue;
        this.path.push(key);
        const result = this.visit(value, VALUE, void 0, depth + 1, true, child);
        this.path.pop();
        const gone = result === REMOVED || result === void 0 || result === null;
        setOwn(object, key, gone ? annotated(child) ? null : void 0 : result);
      }
    }
    if (isStacktrace && this.trimming) slimFrameData(object);
  }
  finishField(object, field, value, depth, child) {
    this.path.push(field.name);
    const result = this.visit(value, field.ty, field, depth + 1, true, child);
    this.applyField(object, field.name, result, field.skip ?? "null", field.ty, child);
    this.path.pop();
  }
  /** Writes a finished field back, applying Relay's null and skip rules. */
  applyField(object, name, finished, skip, ty, node) {
    if (finished === void 0 || finished === null || finished === REMOVED) {
      if (annotated(node)) object[name] = null;
      else if (object[name] !== void 0) object[name] = void 0;
      return;
    }
    const value = ty !== void 0 && (ty.k === "array" || ty.k === "object") ? pruneMembers(finished, ty.item, childSkip(skip), node) : finished;
    if (skip !== "null" && !annotated(node) && !this.shells.has(value)) {
      const structLike = ty !== void 0 && (ty.k === "struct" || ty.k === "values");
      const empty = skip === "emptyDeep" ? isDeepEmpty(value) : structLike ? isShallowEmpty(value, ty, node) : isEmptyShallow(value);
      if (empty) {
        object[name] = void 0;
        return;
      }
    }
    if (object[name] !== value) object[name] = value;
  }
};
function trimString(value, maxChars, allowance, meta, path) {
  if (value.length <= maxChars + allowance) return value;
  const length = charCount(value);
  if (length <= maxChars + allowance) return value;
  const keptLength = Math.max(0, maxChars - 3);
  const node = meta.at(path);
  node.addRemark(["!limit", "s", keptLength, keptLength + 3]);
  node.setLength(length);
  return `${takeChars(value, keptLength)}...`;
}
var PAIR_PART = { name: "", ty: STRING };
var TAG_PART = { name: "", ty: STRING, maxChars: 200 };
function inSchemaOrder(value, def) {
  const out = {};
  for (const field of def.fields) if (value[field.name] !== void 0) out[field.name] = value[field.name];
  for (const key of Object.keys(value))
    if (!def.lookup.has(key) && value[key] !== void 0) setOwn(out, key, value[key]);
  return out;
}
function isDeepEmpty(value) {
  if (value === void 0 || value === null || value === "") return true;
  if (Array.isArray(value)) return value.every(isDeepEmpty);
  if (typeof value === "object") {
    for (const key in value) if (!isDeepEmpty(value[key])) return false;
  }
  return typeof value === "object";
}
export {
  Finisher,
  inSchemaOrder,
  trimString
};
//# sourceMappingURL=finalize.js.map
