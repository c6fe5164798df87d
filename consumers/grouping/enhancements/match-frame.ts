import type { GroupingFrame } from "../event-view.ts";
import { behaviorFamily } from "../platform.ts";

// Frames as stack-trace rules see them (Sentry's `create_match_frame`): the trimmed function
// or `<unknown>`, lower-cased paths with `/` separators, and the engine's family bits.

export const FAMILY_OTHER = 0b001;
export const FAMILY_NATIVE = 0b010;
export const FAMILY_JAVASCRIPT = 0b100;
export const FAMILY_ALL = 0xff;

export function familyBitsOfRule(list: string): number {
  let bits = 0;
  for (const family of list.split(",")) {
    if (family === "other") bits |= FAMILY_OTHER;
    else if (family === "native") bits |= FAMILY_NATIVE;
    else if (family === "javascript") bits |= FAMILY_JAVASCRIPT;
    else if (family === "all") bits |= FAMILY_ALL;
  }
  return bits;
}

function familyBitsOfPlatform(platform: string | undefined): number {
  switch (behaviorFamily(platform)) {
    case "native":
      return FAMILY_NATIVE;
    case "javascript":
      return FAMILY_JAVASCRIPT;
    case "other":
      return FAMILY_OTHER;
    default:
      // The engine knows three families; a "java" frame matches no family rule.
      return 0;
  }
}

/** A path-like value as rules match it: lower-cased, `/` separators. */
export function normalizeMatchPath(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes("\\") ? lower.replaceAll("\\", "/") : lower;
}

function normalizePath(value: string | undefined): string | undefined {
  return value === undefined ? undefined : normalizeMatchPath(value);
}

/**
 * A frame as the rules see it. The frame's values are taken when it is made; their
 * normalized forms are computed when a rule first looks at them, since the literal index
 * (keyed by the values as sent) rules out most rules without them.
 */
export class MatchFrame {
  readonly function: string;
  readonly module: string | undefined;
  /** The values the normalized fields are made of, as sent. */
  readonly rawPackage: string | undefined;
  readonly rawPath: string | undefined;
  readonly rawFilename: string | undefined;
  private lowerFunction: string | undefined = undefined;
  private lowerModule: string | undefined = undefined;
  private normalizedPackage: string | undefined = undefined;
  private normalizedPath: string | undefined = undefined;
  private normalizedFilename: string | undefined = undefined;

  constructor(
    readonly frame: GroupingFrame,
    readonly family: number,
  ) {
    this.function = frame.function || "<unknown>";
    this.module = frame.module;
    this.rawPackage = frame.package;
    this.rawPath = frame.absPath || frame.filename;
    this.rawFilename = frame.filename;
  }

  get functionLower(): string {
    this.lowerFunction ??= this.function.toLowerCase();
    return this.lowerFunction;
  }

  get moduleLower(): string | undefined {
    if (this.module === undefined) return undefined;
    this.lowerModule ??= this.module.toLowerCase();
    return this.lowerModule;
  }

  /** Lower-cased, `/` separators. */
  get package(): string | undefined {
    if (this.rawPackage === undefined) return undefined;
    this.normalizedPackage ??= normalizePath(this.rawPackage);
    return this.normalizedPackage;
  }

  /** The absolute path, else the filename; lower-cased, `/` separators. */
  get path(): string | undefined {
    if (this.rawPath === undefined) return undefined;
    this.normalizedPath ??= normalizePath(this.rawPath);
    return this.normalizedPath;
  }

  /** Lower-cased, `/` separators. */
  get filename(): string | undefined {
    if (this.rawFilename === undefined) return undefined;
    this.normalizedFilename ??= normalizePath(this.rawFilename);
    return this.normalizedFilename;
  }
}

export function toMatchFrames(
  frames: ReadonlyArray<GroupingFrame>,
  eventPlatform: string | undefined,
): MatchFrame[] {
  const out: MatchFrame[] = new Array(frames.length);
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    out[i] = new MatchFrame(frame, familyBitsOfPlatform(frame.platform ?? eventPlatform));
  }
  return out;
}

export type NeedleField = "function" | "module" | "package" | "path" | "filename" | "category";

const STATIC_FIELDS = ["function", "module", "package", "path", "filename"] as const;

/** A field's value as sent: the literal index is keyed by it. */
function rawFieldValue(frame: MatchFrame, field: (typeof STATIC_FIELDS)[number]): string | undefined {
  switch (field) {
    case "function":
      return frame.function;
    case "module":
      return frame.module;
    case "package":
      return frame.rawPackage;
    case "path":
      return frame.rawPath;
    case "filename":
      return frame.rawFilename;
  }
}

/** The form rules match a field's value in (and the literals are written in). */
function normalizedFieldValue(field: NeedleField, raw: string): string {
  switch (field) {
    case "function":
    case "module":
    case "category":
      return raw.toLowerCase();
    default:
      return normalizePath(raw)!;
  }
}

const VALUE_CACHE_LIMIT = 100_000;
const NONE: ReadonlyArray<number> = [];

const FIELD_SLOTS: Readonly<Record<NeedleField, number>> = {
  function: 0,
  module: 1,
  package: 2,
  path: 3,
  filename: 4,
  category: 5,
};

/**
 * Every literal the rules of a rule set require, by field, with the answer to "which of them
 * does this value contain" cached per value: frames repeat across events (the same modules,
 * paths and functions), so most stack traces are pre-filtered without scanning anything.
 */
export class NeedleIndex {
  private readonly ids = new Map<string, number>();
  // Indexed by FIELD_SLOTS: one array lookup instead of a map lookup per field and value.
  private readonly byField: Array<Array<readonly [string, number]> | undefined> = [];
  private readonly valueCache: Array<Map<string, ReadonlyArray<number>>> = [];
  private readonly categoryIds = new Set<number>();
  private cachedValues = 0;

  constructor() {
    for (let i = 0; i < STATIC_FIELDS.length + 1; i++) this.valueCache.push(new Map());
  }

  /** The id of a (field, literal) requirement. */
  register(field: NeedleField, needle: string): number {
    const key = `${field}\u0000${needle}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      const slot = FIELD_SLOTS[field];
      const list = this.byField[slot];
      if (list) list.push([needle, id]);
      else this.byField[slot] = [[needle, id]];
      if (field === "category") this.categoryIds.add(id);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Whether an id stands for a category literal (categories change while rules run). */
  isCategory(id: number): boolean {
    return this.categoryIds.has(id);
  }

  /** Ids of the literals of `field` contained in `value` (as sent; normalized here on a miss). */
  contained(field: NeedleField, value: string): ReadonlyArray<number> {
    const slot = FIELD_SLOTS[field];
    const needles = this.byField[slot];
    if (needles === undefined) return NONE;
    const cache = this.valueCache[slot]!;
    let found = cache.get(value);
    if (found === undefined) {
      const ids: number[] = [];
      const normalized = normalizedFieldValue(field, value);
      // Path-like values are also matched with a leading slash.
      const subject =
        field === "function" || field === "module" || field === "category" ? normalized : `/${normalized}`;
      for (const [needle, id] of needles) if (subject.includes(needle)) ids.push(id);
      found = ids.length === 0 ? NONE : ids;
      if (this.cachedValues >= VALUE_CACHE_LIMIT) {
        for (const map of this.valueCache) map.clear();
        this.cachedValues = 0;
      }
      cache.set(value, found);
      this.cachedValues++;
    }
    return found;
  }
}

/**
 * Which required literals occur in some frame of a stack trace, so that rules which cannot
 * match any frame are skipped without testing frames. Few literals occur in one stack trace,
 * so they are kept as short lists rather than a flag per literal of the rule set.
 */
export class StackFacts {
  /** Ids of the non-category literals found, each once. */
  readonly present: number[] = [];
  private categories: ReadonlyArray<number> = NONE;
  private categoriesDirty = true;
  private anyCategory = false;

  constructor(
    private readonly frames: ReadonlyArray<MatchFrame>,
    private readonly index: NeedleIndex,
  ) {
    const present = this.present;
    for (const f of frames) {
      for (const field of STATIC_FIELDS) {
        const value = rawFieldValue(f, field);
        if (value === undefined) continue;
        const ids = index.contained(field, value);
        for (let i = 0; i < ids.length; i++) if (!present.includes(ids[i]!)) present.push(ids[i]!);
      }
    }
  }

  /** Called whenever a rule assigns a category. */
  categoriesChanged(): void {
    this.categoriesDirty = true;
  }

  /** Whether some frame has a category now. */
  hasAnyCategory(): boolean {
    if (this.categoriesDirty) this.refreshCategories();
    return this.anyCategory;
  }

  has(id: number): boolean {
    if (this.present.includes(id)) return true;
    if (!this.index.isCategory(id)) return false;
    if (this.categoriesDirty) this.refreshCategories();
    return this.categories.includes(id);
  }

  private refreshCategories(): void {
    this.categoriesDirty = false;
    this.anyCategory = false;
    const found: number[] = [];
    for (const f of this.frames) {
      const category = f.frame.category;
      if (category === undefined) continue;
      this.anyCategory = true;
      for (const id of this.index.contained("category", category)) if (!found.includes(id)) found.push(id);
    }
    this.categories = found;
  }
}
