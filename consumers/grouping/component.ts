import { hash } from "node:crypto";

// Grouping components: the tree Sentry builds per variant (`grouping/component.py`). A leaf
// holds one primitive value; the variant hash is the MD5 of every primitive reached through
// contributing components only, concatenated without separators.

export type ComponentValue = GroupingComponent | string | number | boolean | null;

// Component ids Sentry names in descriptions ("in-app exception stack-trace").
const MAJOR_COMPONENT_NAMES: Readonly<Record<string, string>> = {
  app: "in-app",
  exception: "exception",
  stacktrace: "stack-trace",
  threads: "thread",
  hostname: "hostname",
  violation: "violation",
  uri: "URL",
  message: "message",
  template: "template",
};

function computeContributes(values: ReadonlyArray<ComponentValue>): boolean {
  for (const value of values) {
    if (!(value instanceof GroupingComponent) || value.contributes) return true;
  }
  return false;
}

export interface ComponentUpdate {
  readonly contributes?: boolean;
  readonly hint?: string;
  readonly values?: ReadonlyArray<ComponentValue>;
}

export class GroupingComponent {
  contributes: boolean;
  hint: string | null;
  values: ComponentValue[];
  /** Only meaningful on frame components. */
  inApp = false;

  constructor(
    readonly id: string,
    init: ComponentUpdate = {},
  ) {
    // Callers hand over fresh arrays; copying them again only feeds the garbage collector.
    this.values = (init.values as ComponentValue[] | undefined) ?? [];
    this.hint = init.hint ?? null;
    this.contributes = init.contributes ?? computeContributes(this.values);
  }

  /**
   * Sentry's `update`: new values recompute `contributes` unless it is given, a quirk some
   * normalizations rely on (a cleaned module contributes again).
   */
  update(change: ComponentUpdate): this {
    if (change.hint !== undefined) this.hint = change.hint;
    let contributes = change.contributes;
    if (change.values !== undefined) {
      this.values = change.values as ComponentValue[];
      if (contributes === undefined) contributes = computeContributes(this.values);
    }
    if (contributes !== undefined) this.contributes = contributes;
    return this;
  }

  /**
   * A copy for the next variant built from the same frame. Children are shared: once a frame
   * component is built, variants only change the frame's own `contributes` and `hint`, and
   * `values` arrays are replaced, never edited, so sharing cannot leak a change across.
   */
  copyForVariant(): GroupingComponent {
    const copy = new GroupingComponent(this.id, { values: this.values, contributes: this.contributes });
    copy.hint = this.hint;
    copy.inApp = this.inApp;
    return copy;
  }

  get name(): string | undefined {
    return MAJOR_COMPONENT_NAMES[this.id];
  }

  /** The primitives that feed the hash, depth first. */
  contributingValues(out: string[] = []): string[] {
    if (!this.contributes) return out;
    for (const value of this.values) {
      if (value instanceof GroupingComponent) value.contributingValues(out);
      else out.push(primitiveText(value));
    }
    return out;
  }

  hash(): string | null {
    return this.contributes ? hashText(this.contributingText("")) : null;
  }

  /** `text` followed by the contributing primitives: the hashed message, without an array. */
  private contributingText(text: string): string {
    if (!this.contributes) return text;
    for (const value of this.values) {
      text = value instanceof GroupingComponent ? value.contributingText(text) : text + primitiveText(value);
    }
    return text;
  }

  /** Finds contributing descendants with `id`, not descending into non-contributing ones. */
  hasContributingDescendant(id: string): boolean {
    for (const value of this.values) {
      if (!(value instanceof GroupingComponent) || !value.contributes) continue;
      if (value.id === id || value.hasContributingDescendant(id)) return true;
    }
    return false;
  }

  /** The UI description: the longest chain of contributing named components. */
  get description(): string {
    let best: string[] = [];
    const path: string[] = [];
    const walk = (component: GroupingComponent): void => {
      const name = component.name;
      if (name !== undefined) path.push(name);
      for (const value of component.values) {
        if (value instanceof GroupingComponent && value.contributes) walk(value);
      }
      if (path.length > best.length || (path.length === best.length && comparePaths(path, best) > 0)) {
        best = [...path];
      }
      if (name !== undefined) path.pop();
    };
    walk(this);
    return best.length > 0 ? best.join(" ") : (this.name ?? "others");
  }
}

function comparePaths(a: ReadonlyArray<string>, b: ReadonlyArray<string>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return a.length - b.length;
}

/** How Python's `force_bytes(value)` spells a primitive. */
function primitiveText(value: string | number | boolean | null): string {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** Lowercase hex MD5 of the UTF-8 bytes of the values, concatenated. */
export function hashValues(values: ReadonlyArray<string>): string {
  // One one-shot native call: the concatenation is the hashed message.
  return hashText(values.join(""));
}

function hashText(text: string): string {
  return hash("md5", text, "hex");
}
