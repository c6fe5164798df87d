import { GroupingComponent } from "../component.ts";
import { NO_EXCEPTION } from "../enhancements/engine.ts";
import type { GroupingEvent } from "../event-view.ts";
import type { ComponentsByVariant, StrategyContext } from "./context.ts";
import { chainedException } from "./exception.ts";
import { cspStrategy, hostnameReportStrategy, messageStrategy, templateStrategy } from "./simple.ts";
import { stacktraceVariants } from "./stacktrace.ts";
import { threadsStrategy } from "./threads.ts";

// Running the strategies of a grouping config in score order (Sentry's
// `_get_variants_from_strategies` and `Strategy.get_grouping_components`): the first strategy
// with a contributing component wins, the others' components are kept but marked ignored.

// Hashes computed while deduplicating a strategy's variants, reused for the variant root
// when the root's only contributing child is that component (same values, same hash).
export type HashMemo = Map<GroupingComponent, string>;

interface Strategy {
  readonly name: string;
  /** Whether the variant processor drops variants without a contributing stack trace. */
  readonly stacktraceVariantProcessor: boolean;
  run(event: GroupingEvent, context: StrategyContext): ComponentsByVariant | undefined;
}

// In score order: the first strategy with a contributing component wins.
const STRATEGIES: ReadonlyArray<Strategy> = [
  {
    name: "exception",
    stacktraceVariantProcessor: true,
    run: (event, context) => (event.exceptions ? chainedException(event.exceptions, context) : undefined),
  },
  {
    name: "threads",
    stacktraceVariantProcessor: true,
    run: (event, context) => (event.threads ? threadsStrategy(event.threads, context) : undefined),
  },
  {
    name: "stacktrace",
    stacktraceVariantProcessor: true,
    run: (event, context) =>
      event.stacktrace ? stacktraceVariants(event.stacktrace, context, NO_EXCEPTION) : undefined,
  },
  {
    name: "template",
    stacktraceVariantProcessor: false,
    run: (event) => (event.template ? templateStrategy(event.template) : undefined),
  },
  {
    name: "csp",
    stacktraceVariantProcessor: false,
    run: (event) => (event.csp ? cspStrategy(event.csp) : undefined),
  },
  {
    name: "hpkp",
    stacktraceVariantProcessor: false,
    run: (event) => (event.hpkp ? hostnameReportStrategy("hpkp", "hpkp", event.hpkp) : undefined),
  },
  {
    name: "expectstaple",
    stacktraceVariantProcessor: false,
    run: (event) =>
      event.expectstaple
        ? hostnameReportStrategy("expect_staple", "expect-staple", event.expectstaple)
        : undefined,
  },
  {
    name: "expectct",
    stacktraceVariantProcessor: false,
    run: (event) =>
      event.expectct ? hostnameReportStrategy("expect_ct", "expect-ct", event.expectct) : undefined,
  },
  {
    name: "message",
    stacktraceVariantProcessor: false,
    run: (event) => (event.logentry ? messageStrategy(event) : undefined),
  },
];

/** Strips `!`, drops non-priority duplicates of priority hashes, applies the processor. */
function finishStrategy(
  strategy: Strategy,
  produced: ComponentsByVariant,
  memo: HashMemo,
): Map<string, GroupingComponent> {
  const result = new Map<string, GroupingComponent>();
  const priorityByHash = new Map<string, string>();
  const others: string[] = [];
  const priorities: Array<readonly [string, GroupingComponent]> = [];
  for (const [rawName, component] of produced) {
    const priority = rawName.startsWith("!");
    const name = priority ? rawName.slice(1) : rawName;
    if (component.contributes) {
      if (priority) priorities.push([name, component]);
      else others.push(name);
    }
    result.set(name, component);
  }
  // Hashing is only needed when a duplicate is possible.
  const hashOf = (component: GroupingComponent): string => {
    let hash = memo.get(component);
    if (hash === undefined) {
      hash = component.hash()!;
      memo.set(component, hash);
    }
    return hash;
  };
  if (others.length > 0)
    for (const [name, component] of priorities) priorityByHash.set(hashOf(component), name);
  for (const name of others) {
    const component = result.get(name)!;
    const match = priorityByHash.get(hashOf(component));
    if (match !== undefined) {
      component.update({ contributes: false, hint: `ignored because hash matches ${match} variant` });
    }
  }
  if (strategy.stacktraceVariantProcessor && result.size > 1) {
    let withStacktrace = 0;
    let first: string | undefined;
    const without: GroupingComponent[] = [];
    for (const [name, component] of result) {
      if (component.hasContributingDescendant("stacktrace")) {
        withStacktrace++;
        first ??= name;
      } else {
        without.push(component);
      }
    }
    if (withStacktrace > 0 && without.length > 0) {
      const suffix = withStacktrace === 1 ? `the ${first} variant does` : "others do";
      const hint = `ignored because this variant does not have a contributing stacktrace, but ${suffix}`;
      for (const component of without) component.update({ contributes: false, hint });
    }
  }
  return result;
}

/** The hint of components that lose to the winning strategy (only built when one does). */
function precedenceHint(strategy: Strategy, variant: string, contributing: string[]): string {
  const verb = strategy.name.endsWith("s") ? "take" : "takes";
  if (variant === "default") return `ignored because ${strategy.name} ${verb} precedence`;
  return `ignored because ${contributing.sort().join("/")} ${strategy.name} ${verb} precedence`;
}

export function strategyRoots(
  event: GroupingEvent,
  context: StrategyContext,
  memo: HashMemo,
): Map<string, GroupingComponent> {
  let winner: Strategy | undefined;
  let hint: string | undefined;
  let hintOf: (() => string) | undefined;
  const byVariant = new Map<string, GroupingComponent[]>();
  for (const strategy of STRATEGIES) {
    const produced = strategy.run(event, context);
    if (produced === undefined) continue;
    const components = finishStrategy(strategy, produced, memo);
    for (const [variant, component] of components) {
      const list = byVariant.get(variant);
      if (list) list.push(component);
      else byVariant.set(variant, [component]);
      if (!component.contributes) continue;
      if (winner === undefined) {
        winner = strategy;
        // Worded from the winner's components as they are now, before later strategies run.
        const winning = strategy;
        const firstVariant = variant;
        const contributing: string[] = [];
        for (const [name, c] of components) if (c.contributes) contributing.push(name);
        hintOf = () => precedenceHint(winning, firstVariant, contributing);
      } else if (strategy !== winner) {
        hint ??= hintOf!();
        component.update({ contributes: false, hint });
      }
    }
  }
  const roots = new Map<string, GroupingComponent>();
  for (const [variant, components] of byVariant) {
    const root = new GroupingComponent(variant, { values: components });
    if (!root.contributes && hintOf !== undefined) {
      hint ??= hintOf();
      root.update({ hint });
    }
    roots.set(variant, root);
  }
  return roots;
}
