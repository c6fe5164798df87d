// consumers/grouping/component.ts
import { hash } from "node:crypto";
var MAJOR_COMPONENT_NAMES = {
  app: "in-app",
  exception: "exception",
  stacktrace: "stack-trace",
  threads: "thread",
  hostname: "hostname",
  violation: "violation",
  uri: "URL",
  message: "message",
  template: "template"
};
function computeContributes(values) {
  for (const value of values) {
    if (!(value instanceof GroupingComponent) || value.contributes) return true;
  }
  return false;
}
var GroupingComponent = class _GroupingComponent {
  constructor(id, init = {}) {
    this.id = id;
    this.values = init.values ?? [];
    this.hint = init.hint ?? null;
    this.contributes = init.contributes ?? computeContributes(this.values);
  }
  id;
  contributes;
  hint;
  values;
  /** Only meaningful on frame components. */
  inApp = false;
  /**
   * Sentry's `update`: new values recompute `contributes` unless it is given, a quirk some
   * normalizations rely on (a cleaned module contributes again).
   */
  update(change) {
    if (change.hint !== void 0) this.hint = change.hint;
    let contributes = change.contributes;
    if (change.values !== void 0) {
      this.values = change.values;
      if (contributes === void 0) contributes = computeContributes(this.values);
    }
    if (contributes !== void 0) this.contributes = contributes;
    return this;
  }
  /**
   * A copy for the next variant built from the same frame. Children are shared: once a frame
   * component is built, variants only change the frame's own `contributes` and `hint`, and
   * `values` arrays are replaced, never edited, so sharing cannot leak a change across.
   */
  copyForVariant() {
    const copy = new _GroupingComponent(this.id, { values: this.values, contributes: this.contributes });
    copy.hint = this.hint;
    copy.inApp = this.inApp;
    return copy;
  }
  get name() {
    return MAJOR_COMPONENT_NAMES[this.id];
  }
  /** The primitives that feed the hash, depth first. */
  contributingValues(out = []) {
    if (!this.contributes) return out;
    for (const value of this.values) {
      if (value instanceof _GroupingComponent) value.contributingValues(out);
      else out.push(primitiveText(value));
    }
    return out;
  }
  hash() {
    return this.contributes ? hashText(this.contributingText("")) : null;
  }
  /** `text` followed by the contributing primitives: the hashed message, without an array. */
  contributingText(text) {
    if (!this.contributes) return text;
    for (const value of this.values) {
      text = value instanceof _GroupingComponent ? value.contributingText(text) : text + primitiveText(value);
    }
    return text;
  }
  /** Finds contributing descendants with `id`, not descending into non-contributing ones. */
  hasContributingDescendant(id) {
    for (const value of this.values) {
      if (!(value instanceof _GroupingComponent) || !value.contributes) continue;
      if (value.id === id || value.hasContributingDescendant(id)) return true;
    }
    return false;
  }
  /** The UI description: the longest chain of contributing named components. */
  get description() {
    let best = [];
    const path = [];
    const walk = (component) => {
      const name = component.name;
      if (name !== void 0) path.push(name);
      for (const value of component.values) {
        if (value instanceof _GroupingComponent && value.contributes) walk(value);
      }
      if (path.length > best.length || path.length === best.length && comparePaths(path, best) > 0) {
        best = [...path];
      }
      if (name !== void 0) path.pop();
    };
    walk(this);
    return best.length > 0 ? best.join(" ") : this.name ?? "others";
  }
};
function comparePaths(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return a.length - b.length;
}
function primitiveText(value) {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}
function hashValues(values) {
  return hashText(values.join(""));
}
function hashText(text) {
  return hash("md5", text, "hex");
}
export {
  GroupingComponent,
  hashValues
};
//# sourceMappingURL=component.js.map
