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

export interface MatchFrame {
  readonly frame: GroupingFrame;
  readonly family: number;
  readonly function: string;
  readonly functionLower: string;
  readonly module: string | undefined;
  readonly moduleLower: string | undefined;
  readonly package: string | undefined;
  readonly path: string | undefined;
  readonly filename: string | undefined;
}

function normalizePath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return lower.includes("\\") ? lower.replaceAll("\\", "/") : lower;
}

export function toMatchFrames(
  frames: ReadonlyArray<GroupingFrame>,
  eventPlatform: string | undefined,
): MatchFrame[] {
  return frames.map((frame) => {
    const fn = frame.function || "<unknown>";
    return {
      frame,
      family: familyBitsOfPlatform(frame.platform ?? eventPlatform),
      function: fn,
      functionLower: fn.toLowerCase(),
      module: frame.module,
      moduleLower: frame.module?.toLowerCase(),
      package: normalizePath(frame.package),
      path: normalizePath(frame.absPath || frame.filename),
      filename: normalizePath(frame.filename),
    };
  });
}

export type NeedleField = "function" | "module" | "package" | "path" | "filename" | "category";

const STATIC_FIELDS = ["function", "module", "package", "path", "filename"] as const;

function fieldValue(frame: MatchFrame, field: (typeof STATIC_FIELDS)[number]): string | undefined {
  switch (field) {
    case "function":
      return frame.functionLower;
    case "module":
      return frame.moduleLower;
    case "package":
      return frame.package;
    case "path":
      return frame.path;
    case "filename":
      return frame.filename;
  }
}

const VALUE_CACHE_LIMIT = 100_000;
const NONE: ReadonlyArray<number> = [];

/**
 * Every literal the rules of a rule set require, by field, with the answer to "which of them
 * does this value contain" cached per value: frames repeat across events (the same modules,
 * paths and functions), so most stack traces are pre-filtered without scanning anything.
 */
export class NeedleIndex {
  private readonly ids = new Map<string, number>();
  private readonly byField = new Map<NeedleField, Array<readonly [string, number]>>();
  private readonly valueCache = new Map<NeedleField, Map<string, ReadonlyArray<number>>>();
  private cachedValues = 0;

  /** The id of a (field, literal) requirement. */
  register(field: NeedleField, needle: string): number {
    const key = `${field}\u0000${needle}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      const list = this.byField.get(field);
      if (list) list.push([needle, id]);
      else this.byField.set(field, [[needle, id]]);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Ids of the literals of `field` contained in `value` (lower-cased). */
  contained(field: NeedleField, value: string): ReadonlyArray<number> {
    const needles = this.byField.get(field);
    if (needles === undefined) return NONE;
    let cache = this.valueCache.get(field);
    if (cache === undefined) {
      cache = new Map();
      this.valueCache.set(field, cache);
    }
    let found = cache.get(value);
    if (found === undefined) {
      const ids: number[] = [];
      // Path-like values are also matched with a leading slash.
      const subject =
        field === "function" || field === "module" || field === "category" ? value : `/${value}`;
      for (const [needle, id] of needles) if (subject.includes(needle)) ids.push(id);
      found = ids.length === 0 ? NONE : ids;
      if (this.cachedValues >= VALUE_CACHE_LIMIT) {
        this.valueCache.clear();
        this.cachedValues = 0;
        cache = new Map();
        this.valueCache.set(field, cache);
      }
      cache.set(value, found);
      this.cachedValues++;
    }
    return found;
  }
}

/**
 * Which required literals occur in some frame of a stack trace, so that rules which cannot
 * match any frame are skipped without testing frames.
 */
export class StackFacts {
  // A plain array: small typed arrays get off-heap backing stores that are costly to collect.
  private readonly present: number[];
  private categoriesDirty = true;

  constructor(
    private readonly frames: ReadonlyArray<MatchFrame>,
    private readonly index: NeedleIndex,
  ) {
    this.present = new Array<number>(index.size).fill(0);
    for (const f of frames) {
      for (const field of STATIC_FIELDS) {
        const value = fieldValue(f, field);
        if (value === undefined) continue;
        const ids = index.contained(field, value);
        for (let i = 0; i < ids.length; i++) this.present[ids[i]!] = 1;
      }
    }
  }

  /** Called whenever a rule assigns a category. */
  categoriesChanged(): void {
    this.categoriesDirty = true;
  }

  has(id: number): boolean {
    if (this.categoriesDirty) this.refreshCategories();
    return this.present[id] === 1;
  }

  private refreshCategories(): void {
    this.categoriesDirty = false;
    for (const f of this.frames) {
      const category = f.frame.category;
      if (category !== undefined)
        for (const id of this.index.contained("category", category.toLowerCase())) this.present[id] = 1;
    }
  }
}
