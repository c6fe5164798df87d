// consumers/grouping/enhancements/engine.ts
import { FAMILY_ALL, NeedleIndex, StackFacts } from "./match-frame.js";
import { compileRule } from "./rule.js";
import { toMatchFrames } from "./match-frame.js";
import { NO_EXCEPTION } from "./rule.js";
function rangeOf(range, index, length) {
  if (range === "up") return [index + 1, length];
  if (range === "down") return [0, index];
  return [index, index + 1];
}
function familyMaskOf(frames) {
  let mask = 0;
  for (const f of frames) mask |= f.family;
  return mask;
}
function describeRule(rule) {
  return `${rule.builtin ? "built-in stack trace rule" : "stack trace rule"} (${rule.text})`;
}
var IndexedRules = class {
  rules;
  needleIds;
  /** Positions of the rules keyed by a literal, by the literal's id. */
  byNeedle = /* @__PURE__ */ new Map();
  /** Positions of the rules that no literal outside the category field rules out. */
  unkeyed = [];
  /** By position: whether every literal of the rule is a category one (and there is one). */
  categoryOnly = [];
  constructor(rules, needles) {
    this.rules = rules;
    this.needleIds = rules.map((rule, position) => {
      let key;
      let keyLength = -1;
      const ids = rule.needles.map(([field, needle]) => {
        const id = needles.register(field, needle);
        if (field !== "category" && needle.length > keyLength) {
          key = id;
          keyLength = needle.length;
        }
        return id;
      });
      this.categoryOnly.push(rule.needles.length > 0 && key === void 0);
      if (key === void 0) this.unkeyed.push(position);
      else {
        const list = this.byNeedle.get(key);
        if (list) list.push(position);
        else this.byNeedle.set(key, [position]);
      }
      return ids;
    });
  }
  /** Positions of the rules that may match a stack trace with these facts, in rule order. */
  candidates(facts) {
    let positions;
    for (const id of facts.present) {
      const list = this.byNeedle.get(id);
      if (list === void 0) continue;
      positions ??= this.unkeyed.slice();
      for (let i = 0; i < list.length; i++) insertSorted(positions, list[i]);
    }
    return positions ?? this.unkeyed;
  }
  mayMatch(position, facts) {
    if (this.categoryOnly[position] === true && !facts.hasAnyCategory()) return false;
    const ids = this.needleIds[position];
    for (let i = 0; i < ids.length; i++) if (!facts.has(ids[i])) return false;
    return true;
  }
};
function insertSorted(list, value) {
  let i = list.length;
  list.push(value);
  while (i > 0 && list[i - 1] > value) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = value;
}
var KEEP = { discard: false, hint: void 0 };
var FamilyRules = class {
  needles = new NeedleIndex();
  classifiers;
  contributors;
  constructor(rules, mask) {
    const applies = rules.filter((r) => r.familyMask === FAMILY_ALL || (r.familyMask & mask) !== 0);
    this.classifiers = new IndexedRules(
      applies.filter((r) => r.isClassifier),
      this.needles
    );
    this.contributors = new IndexedRules(
      applies.filter((r) => r.isContributes),
      this.needles
    );
  }
};
var StacktraceRules = class _StacktraceRules {
  constructor(rules) {
    this.rules = rules;
  }
  rules;
  // Most stack traces come from one family; the rules that can apply are computed once.
  byFamily = /* @__PURE__ */ new Map();
  concat(other) {
    return new _StacktraceRules([...this.rules, ...other.rules]);
  }
  forFamilies(mask) {
    let entry = this.byFamily.get(mask);
    if (entry === void 0) {
      entry = new FamilyRules(this.rules, mask);
      this.byFamily.set(mask, entry);
    }
    return entry;
  }
  /**
   * The classifier pass: updates `inApp` and `category` of the frames in place. Returns the
   * stack trace's facts for the contributes pass, which looks at the same frames.
   */
  classify(frames, exception) {
    if (frames.length === 0) return void 0;
    const family = this.forFamilies(familyMaskOf(frames));
    const facts = new StackFacts(frames, family.needles);
    const classifiers = family.classifiers;
    const matching = [];
    for (const position of classifiers.candidates(facts)) {
      const rule = classifiers.rules[position];
      if (!classifiers.mayMatch(position, facts) || !rule.matchesException(exception)) continue;
      matching.length = 0;
      for (let i = 0; i < frames.length; i++) if (rule.matchesFrame(frames, i)) matching.push(i);
      for (const index of matching) {
        for (const action of rule.actions) {
          if (action.kind === "category") {
            frames[index].frame.category = action.value;
            facts.categoriesChanged();
          } else if (action.kind === "flag" && action.type === "app") {
            const [from, to] = rangeOf(action.range, index, frames.length);
            for (let i = from; i < to; i++) {
              const frame = frames[i].frame;
              if (frame.inApp !== action.flag) {
                frame.inApp = action.flag;
                frame.inAppRule = describeRule(rule);
              }
            }
          }
        }
      }
    }
    return facts;
  }
  /**
   * Which contributes rules match which frames. Frames no longer change after the
   * classifier pass, so this runs once per stack trace and is replayed for each variant.
   */
  contributesHits(frames, exception, classified) {
    const hits = [];
    if (frames.length === 0) return hits;
    const family = this.forFamilies(familyMaskOf(frames));
    const facts = classified ?? new StackFacts(frames, family.needles);
    facts.categoriesChanged();
    const contributors = family.contributors;
    for (const position of contributors.candidates(facts)) {
      const rule = contributors.rules[position];
      if (!contributors.mayMatch(position, facts) || !rule.matchesException(exception)) continue;
      for (let index = 0; index < frames.length; index++) {
        if (rule.matchesFrame(frames, index)) hits.push({ rule, index });
      }
    }
    return hits;
  }
  /**
   * The contributes pass over one variant's frame components. Returns whether a
   * `min-frames` rule discards the whole stack trace, with its hint.
   */
  static applyContributes(hits, components) {
    let maxFrames = 0;
    let maxFramesRule;
    let minFrames = 0;
    for (const { rule, index } of hits) {
      for (const action of rule.actions) {
        if (action.kind === "flag" && action.type === "group") {
          const [from, to] = rangeOf(action.range, index, components.length);
          for (let i = from; i < to; i++) {
            const component = components[i];
            if (component.contributes !== action.flag) {
              component.contributes = action.flag;
              component.hint = `${action.flag ? "un-ignored" : "ignored"} by ${describeRule(rule)}`;
            }
          }
        } else if (action.kind === "max-frames") {
          maxFrames = action.value;
          maxFramesRule = rule;
        } else if (action.kind === "min-frames") {
          minFrames = action.value;
        }
      }
    }
    if (maxFrames > 0) {
      let kept = 0;
      for (let i = components.length - 1; i >= 0; i--) {
        const component = components[i];
        if (!component.contributes) continue;
        kept++;
        if (kept <= maxFrames) continue;
        component.contributes = false;
        component.hint = `ignored because only ${maxFrames} ${maxFrames === 1 ? "frame is" : "frames are"} considered by ${describeRule(maxFramesRule)}`;
      }
    }
    if (minFrames > 0) {
      const contributing = components.filter((c) => c.contributes).length;
      if (contributing < minFrames) {
        return {
          discard: true,
          hint: `discarded because stack trace only contains ${contributing} frame${contributing === 1 ? "" : "s"} which is under the configured threshold`
        };
      }
    }
    return KEEP;
  }
};
function compileRules(asts, builtin) {
  return new StacktraceRules(asts.map((ast) => compileRule(ast, builtin)));
}
export {
  NO_EXCEPTION,
  StacktraceRules,
  compileRules,
  toMatchFrames
};
//# sourceMappingURL=engine.js.map
