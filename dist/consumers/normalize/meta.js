// consumers/normalize/meta.ts
import { estimateSize, jsonEqual, setOwn } from "./json.js";
var MetaNode = class _MetaNode {
  errors = void 0;
  hasOriginal = false;
  original = void 0;
  remarks = void 0;
  length = void 0;
  children = void 0;
  hasErrors() {
    return this.errors !== void 0 && this.errors.length > 0;
  }
  /** True when this node itself carries nothing (children are not considered). */
  isInnerEmpty() {
    return !this.hasErrors() && !this.hasOriginal && this.remarks === void 0 && this.length === void 0;
  }
  isEmpty() {
    if (!this.isInnerEmpty()) return false;
    if (this.children === void 0) return true;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }
  child(key) {
    return this.children?.get(String(key));
  }
  ensureChild(key) {
    const name = String(key);
    if (this.children === void 0) this.children = /* @__PURE__ */ new Map();
    let node = this.children.get(name);
    if (node === void 0) {
      node = new _MetaNode();
      this.children.set(name, node);
    }
    return node;
  }
  /** Identical errors are recorded once, as in Relay's `Meta::add_error`. */
  addError(kind, data) {
    const error = data === void 0 ? { kind } : { kind, data };
    if (this.errors === void 0) {
      this.errors = [error];
      return;
    }
    for (const existing of this.errors) {
      if (existing.kind === kind && jsonEqual(existing.data, data)) return;
    }
    this.errors.push(error);
  }
  /**
   * Relay only keeps originals whose JSON size estimate is below 500 bytes: meta is never
   * trimmed, so a large original would defeat trimming.
   */
  setOriginal(value) {
    if (value === null || value === void 0 || typeof value === "number" && !Number.isFinite(value))
      return;
    if (estimateSize(value, 500) >= 500) return;
    this.hasOriginal = true;
    this.original = value;
  }
  /**
   * Soft delete of a struct: Relay sizes the struct as serialized (unset fields skipped) but
   * stores its full value (unset fields as null); the children's meta goes with the value.
   */
  softDeleteStruct(serializedSize, full) {
    this.children = void 0;
    if (serializedSize >= 500) return;
    this.hasOriginal = true;
    this.original = full;
  }
  /** Originals read back from a client's `_meta` are taken as they are. */
  restoreOriginal(value) {
    this.hasOriginal = true;
    this.original = value;
  }
  addRemark(remark) {
    if (this.remarks === void 0) this.remarks = [remark];
    else this.remarks.push(remark);
  }
  /** Like Relay's `set_original_length`: only the first (outermost) length is kept. */
  setLength(length) {
    if (this.length === void 0) this.length = length;
  }
  /** Replaces the inner data with that of `other`, keeping children (Relay's meta merge). */
  mergeInner(other) {
    if (other.errors !== void 0) for (const error of other.errors) this.addError(error.kind, error.data);
    if (other.hasOriginal) this.restoreOriginal(other.original);
    if (other.remarks !== void 0) for (const remark of other.remarks) this.addRemark(remark);
    if (other.length !== void 0) this.setLength(other.length);
  }
  clearInner() {
    this.errors = void 0;
    this.hasOriginal = false;
    this.original = void 0;
    this.remarks = void 0;
    this.length = void 0;
  }
};
var MetaTree = class {
  root = new MetaNode();
  get(path) {
    let node = this.root;
    for (const segment of path) {
      node = node.child(segment);
      if (node === void 0) return void 0;
    }
    return node;
  }
  at(path) {
    let node = this.root;
    for (const segment of path) node = node.ensureChild(segment);
    return node;
  }
  hasErrors(path) {
    return this.get(path)?.hasErrors() ?? false;
  }
  /** Meta of the value itself (errors, original, remarks, length), children ignored. */
  hasInner(path) {
    const node = this.get(path);
    return node !== void 0 && !node.isInnerEmpty();
  }
  addError(path, kind, data) {
    this.at(path).addError(kind, data);
  }
  /** Relay's `DeleteValueSoft` bookkeeping: error plus the original value. */
  addErrorWithOriginal(path, kind, data, original) {
    const node = this.at(path);
    node.addError(kind, data);
    node.setOriginal(original);
  }
  addRemark(path, remark) {
    this.at(path).addRemark(remark);
  }
  /** Detaches the subtree at `path` and returns it. */
  take(path) {
    if (path.length === 0) return void 0;
    const parent = this.get(path.slice(0, -1));
    const key = String(path[path.length - 1]);
    const node = parent?.children?.get(key);
    if (node !== void 0) parent?.children?.delete(key);
    return node;
  }
  /** Puts a detached subtree at `path`, replacing whatever was there. */
  put(path, node) {
    if (path.length === 0) return;
    if (node === void 0) {
      this.take(path);
      return;
    }
    const parent = this.at(path.slice(0, -1));
    if (parent.children === void 0) parent.children = /* @__PURE__ */ new Map();
    parent.children.set(String(path[path.length - 1]), node);
  }
  remove(path) {
    this.take(path);
  }
  /**
   * Re-keys the children of an array node after items were removed. `keep[i]` is the new index
   * of old item i, or -1 when it was dropped.
   */
  reindexArray(path, mapping) {
    const node = this.get(path);
    if (node?.children === void 0) return;
    const old = node.children;
    const next = /* @__PURE__ */ new Map();
    for (const [key, child] of old) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= mapping.length) continue;
      const target = mapping[index];
      if (target !== void 0 && target >= 0) next.set(String(target), child);
    }
    node.children = next;
  }
  isEmpty() {
    return this.root.isEmpty();
  }
};
function errorToWire(error) {
  return error.data === void 0 ? error.kind : [error.kind, { ...error.data }];
}
function metaNodeToWire(node) {
  let out;
  if (!node.isInnerEmpty()) {
    const inner = {};
    if (node.errors !== void 0 && node.errors.length > 0) inner.err = node.errors.map(errorToWire);
    if (node.hasOriginal) inner.val = node.original;
    if (node.remarks !== void 0) inner.rem = node.remarks.map((remark) => [...remark]);
    if (node.length !== void 0) inner.len = node.length;
    out = { "": inner };
  }
  if (node.children !== void 0) {
    for (const [key, child] of node.children) {
      if (key === "") continue;
      const wire = metaNodeToWire(child);
      if (wire === void 0) continue;
      if (out === void 0) out = {};
      setOwn(out, key, wire);
    }
  }
  return out;
}
function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function parseWireError(raw) {
  if (typeof raw === "string") return { kind: raw };
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === "string" && isPlainObject(raw[1])) {
    return { kind: raw[0], data: { ...raw[1] } };
  }
  return void 0;
}
function parseWireRemark(raw) {
  if (!Array.isArray(raw) || typeof raw[0] !== "string" || typeof raw[1] !== "string") return void 0;
  if (raw.length === 2) return [raw[0], raw[1]];
  if (raw.length === 4 && Number.isInteger(raw[2]) && Number.isInteger(raw[3])) {
    return [raw[0], raw[1], raw[2], raw[3]];
  }
  return void 0;
}
function metaNodeFromWire(raw, depth = 0) {
  if (!isPlainObject(raw) || depth > 64) return void 0;
  const node = new MetaNode();
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (key === "") {
      if (!isPlainObject(value)) continue;
      if (Array.isArray(value.err)) {
        for (const entry of value.err) {
          const error = parseWireError(entry);
          if (error !== void 0) node.addError(error.kind, error.data);
        }
      }
      if (Object.hasOwn(value, "val") && value.val !== null && value.val !== void 0)
        node.restoreOriginal(value.val);
      if (Array.isArray(value.rem)) {
        for (const entry of value.rem) {
          const remark = parseWireRemark(entry);
          if (remark !== void 0) node.addRemark(remark);
        }
      }
      if (Number.isSafeInteger(value.len) && value.len >= 0) node.setLength(value.len);
      continue;
    }
    const child = metaNodeFromWire(value, depth + 1);
    if (child !== void 0) {
      if (node.children === void 0) node.children = /* @__PURE__ */ new Map();
      node.children.set(key, child);
    }
  }
  return node;
}
export {
  MetaNode,
  MetaTree,
  metaNodeFromWire,
  metaNodeToWire
};
//# sourceMappingURL=meta.js.map
