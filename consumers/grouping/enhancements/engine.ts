import type { GroupingComponent } from "../component.ts";
import { FAMILY_ALL, type MatchFrame, NeedleIndex, StackFacts } from "./match-frame.ts";
import type { RuleAst } from "./parse.ts";
import { compileRule, type ExceptionData, type StacktraceRule } from "./rule.ts";

// Evaluation of a stack-trace rule set with the semantics of Sentry's Rust engine:
//  * classifier pass (at normalization): for each rule in order, first find every matching
//    frame, then apply `+app`/`-app` (with `^` = towards the crash, `v` = towards the
//    callers) and `category=`; later rules see earlier changes, so the last match wins;
//  * contributes pass (per variant): `+group`/`-group` flip frame components, `max-frames`
//    keeps the innermost N contributing frames, `min-frames` discards short stack traces.
// Frames are ordered oldest first, the crashing frame last (Sentry's order).

export { type MatchFrame, toMatchFrames } from "./match-frame.ts";
export { type ExceptionData, NO_EXCEPTION, type StacktraceRule } from "./rule.ts";

function rangeOf(range: "up" | "down" | undefined, index: number, length: number): [number, number] {
  if (range === "up") return [index + 1, length];
  if (range === "down") return [0, index];
  return [index, index + 1];
}

function familyMaskOf(frames: ReadonlyArray<MatchFrame>): number {
  let mask = 0;
  for (const f of frames) mask |= f.family;
  return mask;
}

function describeRule(rule: StacktraceRule): string {
  return `${rule.builtin ? "built-in stack trace rule" : "stack trace rule"} (${rule.text})`;
}

/** A rule that matched a frame during the contributes pass; replayed per variant. */
export interface ContributesHit {
  readonly rule: StacktraceRule;
  readonly index: number;
}

/**
 * Rules of one pass, in order, indexed by one literal each (the longest one outside the
 * category field): a stack trace only looks at the rules whose literal it contains, plus the
 * few without such a literal, instead of checking every rule of the set.
 */
class IndexedRules {
  readonly rules: ReadonlyArray<StacktraceRule>;
  private readonly needleIds: ReadonlyArray<ReadonlyArray<number>>;
  /** Positions of the rules keyed by a literal, by the literal's id. */
  private readonly byNeedle = new Map<number, number[]>();
  /** Positions of the rules that no literal outside the category field rules out. */
  private readonly unkeyed: number[] = [];
  /** By position: whether every literal of the rule is a category one (and there is one). */
  private readonly categoryOnly: boolean[] = [];

  constructor(rules: ReadonlyArray<StacktraceRule>, needles: NeedleIndex) {
    this.rules = rules;
    this.needleIds = rules.map((rule, position) => {
      let key: number | undefined;
      let keyLength = -1;
      const ids = rule.needles.map(([field, needle]) => {
        const id = needles.register(field, needle);
        if (field !== "category" && needle.length > keyLength) {
          key = id;
          keyLength = needle.length;
        }
        return id;
      });
      this.categoryOnly.push(rule.needles.length > 0 && key === undefined);
      if (key === undefined) this.unkeyed.push(position);
      else {
        const list = this.byNeedle.get(key);
        if (list) list.push(position);
        else this.byNeedle.set(key, [position]);
      }
      return ids;
    });
  }

  /** Positions of the rules that may match a stack trace with these facts, in rule order. */
  candidates(facts: StackFacts): ReadonlyArray<number> {
    let positions: number[] | undefined;
    for (const id of facts.present) {
      const list = this.byNeedle.get(id);
      if (list === undefined) continue;
      positions ??= this.unkeyed.slice();
      for (let i = 0; i < list.length; i++) insertSorted(positions, list[i]!);
    }
    return positions ?? this.unkeyed;
  }

  mayMatch(position: number, facts: StackFacts): boolean {
    // Most stack traces have no category at all, which rules out every category-only rule.
    if (this.categoryOnly[position] === true && !facts.hasAnyCategory()) return false;
    const ids = this.needleIds[position]!;
    for (let i = 0; i < ids.length; i++) if (!facts.has(ids[i]!)) return false;
    return true;
  }
}

/** Inserts into an ascending list; the lists are short and mostly in order already. */
function insertSorted(list: number[], value: number): void {
  let i = list.length;
  list.push(value);
  while (i > 0 && list[i - 1]! > value) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = value;
}

/** Whether a `min-frames` rule discards a stack trace, with its hint. */
export interface ContributesOutcome {
  readonly discard: boolean;
  readonly hint: string | undefined;
}

const KEEP: ContributesOutcome = { discard: false, hint: undefined };

/** The rules that can apply to stack traces of some families, with their literal index. */
class FamilyRules {
  readonly needles = new NeedleIndex();
  readonly classifiers: IndexedRules;
  readonly contributors: IndexedRules;

  constructor(rules: ReadonlyArray<StacktraceRule>, mask: number) {
    const applies = rules.filter((r) => r.familyMask === FAMILY_ALL || (r.familyMask & mask) !== 0);
    this.classifiers = new IndexedRules(
      applies.filter((r) => r.isClassifier),
      this.needles,
    );
    this.contributors = new IndexedRules(
      applies.filter((r) => r.isContributes),
      this.needles,
    );
  }
}

/** An ordered, compiled rule set: a config's base rules followed by a project's own. */
export class StacktraceRules {
  // Most stack traces come from one family; the rules that can apply are computed once.
  private readonly byFamily = new Map<number, FamilyRules>();

  constructor(readonly rules: ReadonlyArray<StacktraceRule>) {}

  concat(other: StacktraceRules): StacktraceRules {
    return new StacktraceRules([...this.rules, ...other.rules]);
  }

  private forFamilies(mask: number): FamilyRules {
    let entry = this.byFamily.get(mask);
    if (entry === undefined) {
      entry = new FamilyRules(this.rules, mask);
      this.byFamily.set(mask, entry);
    }
    return entry;
  }

  /**
   * The classifier pass: updates `inApp` and `category` of the frames in place. Returns the
   * stack trace's facts for the contributes pass, which looks at the same frames.
   */
  classify(frames: ReadonlyArray<MatchFrame>, exception: ExceptionData): StackFacts | undefined {
    if (frames.length === 0) return undefined;
    const family = this.forFamilies(familyMaskOf(frames));
    const facts = new StackFacts(frames, family.needles);
    const classifiers = family.classifiers;
    const matching: number[] = [];
    for (const position of classifiers.candidates(facts)) {
      const rule = classifiers.rules[position]!;
      if (!classifiers.mayMatch(position, facts) || !rule.matchesException(exception)) continue;
      matching.length = 0;
      for (let i = 0; i < frames.length; i++) if (rule.matchesFrame(frames, i)) matching.push(i);
      for (const index of matching) {
        for (const action of rule.actions) {
          if (action.kind === "category") {
            frames[index]!.frame.category = action.value;
            facts.categoriesChanged();
          } else if (action.kind === "flag" && action.type === "app") {
            const [from, to] = rangeOf(action.range, index, frames.length);
            for (let i = from; i < to; i++) {
              const frame = frames[i]!.frame;
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
  contributesHits(
    frames: ReadonlyArray<MatchFrame>,
    exception: ExceptionData,
    classified?: StackFacts,
  ): ContributesHit[] {
    const hits: ContributesHit[] = [];
    if (frames.length === 0) return hits;
    const family = this.forFamilies(familyMaskOf(frames));
    const facts = classified ?? new StackFacts(frames, family.needles);
    facts.categoriesChanged();
    const contributors = family.contributors;
    for (const position of contributors.candidates(facts)) {
      const rule = contributors.rules[position]!;
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
  static applyContributes(
    hits: ReadonlyArray<ContributesHit>,
    components: ReadonlyArray<GroupingComponent>,
  ): ContributesOutcome {
    let maxFrames = 0;
    let maxFramesRule: StacktraceRule | undefined;
    let minFrames = 0;
    for (const { rule, index } of hits) {
      for (const action of rule.actions) {
        if (action.kind === "flag" && action.type === "group") {
          const [from, to] = rangeOf(action.range, index, components.length);
          for (let i = from; i < to; i++) {
            const component = components[i]!;
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
        const component = components[i]!;
        if (!component.contributes) continue;
        kept++;
        if (kept <= maxFrames) continue;
        component.contributes = false;
        component.hint = `ignored because only ${maxFrames} ${maxFrames === 1 ? "frame is" : "frames are"} considered by ${describeRule(maxFramesRule!)}`;
      }
    }
    if (minFrames > 0) {
      const contributing = components.filter((c) => c.contributes).length;
      if (contributing < minFrames) {
        return {
          discard: true,
          hint: `discarded because stack trace only contains ${contributing} frame${contributing === 1 ? "" : "s"} which is under the configured threshold`,
        };
      }
    }
    return KEEP;
  }
}

/** Compiles parsed rules; glob errors were already rejected by the parser. */
export function compileRules(asts: ReadonlyArray<RuleAst>, builtin: boolean): StacktraceRules {
  return new StacktraceRules(asts.map((ast) => compileRule(ast, builtin)));
}
