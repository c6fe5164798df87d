// consumers/grouping/enhancements/match-frame.ts
import { behaviorFamily } from "../platform.js";
var FAMILY_OTHER = 1;
var FAMILY_NATIVE = 2;
var FAMILY_JAVASCRIPT = 4;
var FAMILY_ALL = 255;
function familyBitsOfRule(list) {
  let bits = 0;
  for (const family of list.split(",")) {
    if (family === "other") bits |= FAMILY_OTHER;
    else if (family === "native") bits |= FAMILY_NATIVE;
    else if (family === "javascript") bits |= FAMILY_JAVASCRIPT;
    else if (family === "all") bits |= FAMILY_ALL;
  }
  return bits;
}
function familyBitsOfPlatform(platform) {
  switch (behaviorFamily(platform)) {
    case "native":
      return FAMILY_NATIVE;
    case "javascript":
      return FAMILY_JAVASCRIPT;
    case "other":
      return FAMILY_OTHER;
    default:
      return 0;
  }
}
function normalizeMatchPath(value) {
  const lower = value.toLowerCase();
  return lower.includes("\\") ? lower.replaceAll("\\", "/") : lower;
}
function normalizePath(value) {
  return value === void 0 ? void 0 : normalizeMatchPath(value);
}
var MatchFrame = class {
  constructor(frame, family) {
    this.frame = frame;
    this.family = family;
    this.function = frame.function || "<unknown>";
    this.module = frame.module;
    this.rawPackage = frame.package;
    this.rawPath = frame.absPath || frame.filename;
    this.rawFilename = frame.filename;
  }
  frame;
  family;
  function;
  module;
  /** The values the normalized fields are made of, as sent. */
  rawPackage;
  rawPath;
  rawFilename;
  lowerFunction = void 0;
  lowerModule = void 0;
  normalizedPackage = void 0;
  normalizedPath = void 0;
  normalizedFilename = void 0;
  get functionLower() {
    this.lowerFunction ??= this.function.toLowerCase();
    return this.lowerFunction;
  }
  get moduleLower() {
    if (this.module === void 0) return void 0;
    this.lowerModule ??= this.module.toLowerCase();
    return this.lowerModule;
  }
  /** Lower-cased, `/` separators. */
  get package() {
    if (this.rawPackage === void 0) return void 0;
    this.normalizedPackage ??= normalizePath(this.rawPackage);
    return this.normalizedPackage;
  }
  /** The absolute path, else the filename; lower-cased, `/` separators. */
  get path() {
    if (this.rawPath === void 0) return void 0;
    this.normalizedPath ??= normalizePath(this.rawPath);
    return this.normalizedPath;
  }
  /** Lower-cased, `/` separators. */
  get filename() {
    if (this.rawFilename === void 0) return void 0;
    this.normalizedFilename ??= normalizePath(this.rawFilename);
    return this.normalizedFilename;
  }
};
function toMatchFrames(frames, eventPlatform) {
  const out = new Array(frames.length);
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    out[i] = new MatchFrame(frame, familyBitsOfPlatform(frame.platform ?? eventPlatform));
  }
  return out;
}
var STATIC_FIELDS = ["function", "module", "package", "path", "filename"];
function rawFieldValue(frame, field) {
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
function normalizedFieldValue(field, raw) {
  switch (field) {
    case "function":
    case "module":
    case "category":
      return raw.toLowerCase();
    default:
      return normalizePath(raw);
  }
}
var VALUE_CACHE_LIMIT = 1e5;
var NONE = [];
var FIELD_SLOTS = {
  function: 0,
  module: 1,
  package: 2,
  path: 3,
  filename: 4,
  category: 5
};
var NeedleIndex = class {
  ids = /* @__PURE__ */ new Map();
  // Indexed by FIELD_SLOTS: one array lookup instead of a map lookup per field and value.
  byField = [];
  valueCache = [];
  categoryIds = /* @__PURE__ */ new Set();
  cachedValues = 0;
  constructor() {
    for (let i = 0; i < STATIC_FIELDS.length + 1; i++) this.valueCache.push(/* @__PURE__ */ new Map());
  }
  /** The id of a (field, literal) requirement. */
  register(field, needle) {
    const key = `${field}\0${needle}`;
    let id = this.ids.get(key);
    if (id === void 0) {
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
  get size() {
    return this.ids.size;
  }
  /** Whether an id stands for a category literal (categories change while rules run). */
  isCategory(id) {
    return this.categoryIds.has(id);
  }
  /** Ids of the literals of `field` contained in `value` (as sent; normalized here on a miss). */
  contained(field, value) {
    const slot = FIELD_SLOTS[field];
    const needles = this.byField[slot];
    if (needles === void 0) return NONE;
    const cache = this.valueCache[slot];
    let found = cache.get(value);
    if (found === void 0) {
      const ids = [];
      const normalized = normalizedFieldValue(field, value);
      const subject = field === "function" || field === "module" || field === "category" ? normalized : `/${normalized}`;
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
};
var StackFacts = class {
  constructor(frames, index) {
    this.frames = frames;
    this.index = index;
    const present = this.present;
    for (const f of frames) {
      for (const field of STATIC_FIELDS) {
        const value = rawFieldValue(f, field);
        if (value === void 0) continue;
        const ids = index.contained(field, value);
        for (let i = 0; i < ids.length; i++) if (!present.includes(ids[i])) present.push(ids[i]);
      }
    }
  }
  frames;
  index;
  /** Ids of the non-category literals found, each once. */
  present = [];
  categories = NONE;
  categoriesDirty = true;
  anyCategory = false;
  /** Called whenever a rule assigns a category. */
  categoriesChanged() {
    this.categoriesDirty = true;
  }
  /** Whether some frame has a category now. */
  hasAnyCategory() {
    if (this.categoriesDirty) this.refreshCategories();
    return this.anyCategory;
  }
  has(id) {
    if (this.present.includes(id)) return true;
    if (!this.index.isCategory(id)) return false;
    if (this.categoriesDirty) this.refreshCategories();
    return this.categories.includes(id);
  }
  refreshCategories() {
    this.categoriesDirty = false;
    this.anyCategory = false;
    const found = [];
    for (const f of this.frames) {
      const category = f.frame.category;
      if (category === void 0) continue;
      this.anyCategory = true;
      for (const id of this.index.contained("category", category)) if (!found.includes(id)) found.push(id);
    }
    this.categories = found;
  }
};
export {
  FAMILY_ALL,
  FAMILY_JAVASCRIPT,
  FAMILY_NATIVE,
  FAMILY_OTHER,
  MatchFrame,
  NeedleIndex,
  StackFacts,
  familyBitsOfRule,
  normalizeMatchPath,
  toMatchFrames
};
//# sourceMappingURL=match-frame.js.map
