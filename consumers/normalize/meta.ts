// Relay keeps every value as "value + meta". The event we produce is plain JSON; the meta lives
// in this side tree keyed by the same path (object keys, array indexes as strings) and is written
// out in Relay's `_meta` wire form. Most events carry no meta at all, so nodes are created lazily.

import { estimateSize, jsonEqual, setOwn } from "./json.ts";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** An error without data is written as its bare kind, with data as `[kind, {data}]`. */
export interface MetaError {
  readonly kind: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** `[rule_id, type]` or `[rule_id, type, start, end]`; `s` substituted, `x` removed. */
export type Remark = readonly [string, string] | readonly [string, string, number, number];

export class MetaNode {
  errors: MetaError[] | undefined = undefined;
  hasOriginal = false;
  original: unknown = undefined;
  remarks: Remark[] | undefined = undefined;
  length: number | undefined = undefined;
  children: Map<string, MetaNode> | undefined = undefined;

  hasErrors(): boolean {
    return this.errors !== undefined && this.errors.length > 0;
  }

  /** True when this node itself carries nothing (children are not considered). */
  isInnerEmpty(): boolean {
    return !this.hasErrors() && !this.hasOriginal && this.remarks === undefined && this.length === undefined;
  }

  isEmpty(): boolean {
    if (!this.isInnerEmpty()) return false;
    if (this.children === undefined) return true;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  child(key: PathSegment): MetaNode | undefined {
    return this.children?.get(String(key));
  }

  ensureChild(key: PathSegment): MetaNode {
    const name = String(key);
    if (this.children === undefined) this.children = new Map();
    let node = this.children.get(name);
    if (node === undefined) {
      node = new MetaNode();
      this.children.set(name, node);
    }
    return node;
  }

  /** Identical errors are recorded once, as in Relay's `Meta::add_error`. */
  addError(kind: string, data?: Readonly<Record<string, unknown>>): void {
    const error: MetaError = data === undefined ? { kind } : { kind, data };
    if (this.errors === undefined) {
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
  setOriginal(value: unknown): void {
    // `val: null` reads back as no original at all; non-finite numbers (in-memory callers only)
    // serialize as null.
    if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value)))
      return;
    if (estimateSize(value, 500) >= 500) return;
    this.hasOriginal = true;
    this.original = value;
  }

  /**
   * Soft delete of a struct: Relay sizes the struct as serialized (unset fields skipped) but
   * stores its full value (unset fields as null); the children's meta goes with the value.
   */
  softDeleteStruct(serializedSize: number, full: unknown): void {
    this.children = undefined;
    if (serializedSize >= 500) return;
    this.hasOriginal = true;
    this.original = full;
  }

  /** Originals read back from a client's `_meta` are taken as they are. */
  restoreOriginal(value: unknown): void {
    this.hasOriginal = true;
    this.original = value;
  }

  addRemark(remark: Remark): void {
    if (this.remarks === undefined) this.remarks = [remark];
    else this.remarks.push(remark);
  }

  /** Like Relay's `set_original_length`: only the first (outermost) length is kept. */
  setLength(length: number): void {
    if (this.length === undefined) this.length = length;
  }

  /** Replaces the inner data with that of `other`, keeping children (Relay's meta merge). */
  mergeInner(other: MetaNode): void {
    if (other.errors !== undefined) for (const error of other.errors) this.addError(error.kind, error.data);
    if (other.hasOriginal) this.restoreOriginal(other.original);
    if (other.remarks !== undefined) for (const remark of other.remarks) this.addRemark(remark);
    if (other.length !== undefined) this.setLength(other.length);
  }

  clearInner(): void {
    this.errors = undefined;
    this.hasOriginal = false;
    this.original = undefined;
    this.remarks = undefined;
    this.length = undefined;
  }
}

export class MetaTree {
  readonly root = new MetaNode();

  get(path: Path): MetaNode | undefined {
    let node: MetaNode | undefined = this.root;
    for (const segment of path) {
      node = node.child(segment);
      if (node === undefined) return undefined;
    }
    return node;
  }

  at(path: Path): MetaNode {
    let node = this.root;
    for (const segment of path) node = node.ensureChild(segment);
    return node;
  }

  hasErrors(path: Path): boolean {
    return this.get(path)?.hasErrors() ?? false;
  }

  /** Meta of the value itself (errors, original, remarks, length), children ignored. */
  hasInner(path: Path): boolean {
    const node = this.get(path);
    return node !== undefined && !node.isInnerEmpty();
  }

  addError(path: Path, kind: string, data?: Readonly<Record<string, unknown>>): void {
    this.at(path).addError(kind, data);
  }

  /** Relay's `DeleteValueSoft` bookkeeping: error plus the original value. */
  addErrorWithOriginal(
    path: Path,
    kind: string,
    data: Readonly<Record<string, unknown>> | undefined,
    original: unknown,
  ): void {
    const node = this.at(path);
    node.addError(kind, data);
    node.setOriginal(original);
  }

  addRemark(path: Path, remark: Remark): void {
    this.at(path).addRemark(remark);
  }

  /** Detaches the subtree at `path` and returns it. */
  take(path: Path): MetaNode | undefined {
    if (path.length === 0) return undefined;
    const parent = this.get(path.slice(0, -1));
    const key = String(path[path.length - 1]);
    const node = parent?.children?.get(key);
    if (node !== undefined) parent?.children?.delete(key);
    return node;
  }

  /** Puts a detached subtree at `path`, replacing whatever was there. */
  put(path: Path, node: MetaNode | undefined): void {
    if (path.length === 0) return;
    if (node === undefined) {
      this.take(path);
      return;
    }
    const parent = this.at(path.slice(0, -1));
    if (parent.children === undefined) parent.children = new Map();
    parent.children.set(String(path[path.length - 1]), node);
  }

  remove(path: Path): void {
    this.take(path);
  }

  /**
   * Re-keys the children of an array node after items were removed. `keep[i]` is the new index
   * of old item i, or -1 when it was dropped.
   */
  reindexArray(path: Path, mapping: readonly number[]): void {
    const node = this.get(path);
    if (node?.children === undefined) return;
    const old = node.children;
    const next = new Map<string, MetaNode>();
    for (const [key, child] of old) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= mapping.length) continue;
      const target = mapping[index];
      if (target !== undefined && target >= 0) next.set(String(target), child);
    }
    node.children = next;
  }

  isEmpty(): boolean {
    return this.root.isEmpty();
  }
}

function errorToWire(error: MetaError): unknown {
  return error.data === undefined ? error.kind : [error.kind, { ...error.data }];
}

/** Relay's `_meta` wire form of a subtree, or undefined when nothing is recorded below it. */
export function metaNodeToWire(node: MetaNode): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  const { errors, remarks } = node;
  const hasErrors = errors !== undefined && errors.length > 0;
  if (hasErrors || node.hasOriginal || remarks !== undefined || node.length !== undefined) {
    const inner: Record<string, unknown> = {};
    if (hasErrors) inner.err = errors.map(errorToWire);
    if (node.hasOriginal) inner.val = node.original;
    if (remarks !== undefined) {
      const rem: unknown[] = new Array(remarks.length);
      for (let i = 0; i < remarks.length; i++) rem[i] = (remarks[i] as Remark).slice();
      inner.rem = rem;
    }
    if (node.length !== undefined) inner.len = node.length;
    out = { "": inner };
  }
  if (node.children !== undefined) {
    for (const key of node.children.keys()) {
      // A member named "" has no wire form: that key holds the node's own meta.
      if (key === "") continue;
      const wire = metaNodeToWire(node.children.get(key) as MetaNode);
      if (wire === undefined) continue;
      if (out === undefined) out = {};
      setOwn(out, key, wire);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseWireError(raw: unknown): MetaError | undefined {
  if (typeof raw === "string") return { kind: raw };
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === "string" && isPlainObject(raw[1])) {
    return { kind: raw[0], data: { ...raw[1] } };
  }
  return undefined;
}

function parseWireRemark(raw: unknown): Remark | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== "string" || typeof raw[1] !== "string") return undefined;
  if (raw.length === 2) return [raw[0], raw[1]];
  if (raw.length === 4 && Number.isInteger(raw[2]) && Number.isInteger(raw[3])) {
    return [raw[0], raw[1], raw[2] as number, raw[3] as number];
  }
  return undefined;
}

/**
 * Reads a client-sent (or previously emitted) `_meta` tree. Anything that is not valid meta is
 * ignored, as Relay does; a normalized event fed back in therefore keeps its annotations.
 */
export function metaNodeFromWire(raw: unknown, depth = 0): MetaNode | undefined {
  if (!isPlainObject(raw) || depth > 64) return undefined;
  const node = new MetaNode();
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (key === "") {
      if (!isPlainObject(value)) continue;
      if (Array.isArray(value.err)) {
        for (const entry of value.err) {
          const error = parseWireError(entry);
          if (error !== undefined) node.addError(error.kind, error.data);
        }
      }
      if (Object.hasOwn(value, "val") && value.val !== null && value.val !== undefined)
        node.restoreOriginal(value.val);
      if (Array.isArray(value.rem)) {
        for (const entry of value.rem) {
          const remark = parseWireRemark(entry);
          if (remark !== undefined) node.addRemark(remark);
        }
      }
      if (Number.isSafeInteger(value.len) && (value.len as number) >= 0) node.setLength(value.len as number);
      continue;
    }
    const child = metaNodeFromWire(value, depth + 1);
    if (child !== undefined) {
      if (node.children === undefined) node.children = new Map();
      node.children.set(key, child);
    }
  }
  return node;
}
