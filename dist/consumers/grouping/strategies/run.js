// consumers/grouping/strategies/run.ts
import { GroupingComponent } from "../component.js";
import { NO_EXCEPTION } from "../enhancements/engine.js";
import { chainedException } from "./exception.js";
import { cspStrategy, hostnameReportStrategy, messageStrategy, templateStrategy } from "./simple.js";
import { stacktraceVariants } from "./stacktrace.js";
import { threadsStrategy } from "./threads.js";
var STRATEGIES = [
  {
    name: "exception",
    stacktraceVariantProcessor: true,
    run: (event, context) => event.exceptions ? chainedException(event.exceptions, context) : void 0
  },
  {
    name: "threads",
    stacktraceVariantProcessor: true,
    run: (event, context) => event.threads ? threadsStrategy(event.threads, context) : void 0
  },
  {
    name: "stacktrace",
    stacktraceVariantProcessor: true,
    run: (event, context) => event.stacktrace ? stacktraceVariants(event.stacktrace, context, NO_EXCEPTION) : void 0
  },
  {
    name: "template",
    stacktraceVariantProcessor: false,
    run: (event) => event.template ? templateStrategy(event.template) : void 0
  },
  {
    name: "csp",
    stacktraceVariantProcessor: false,
    run: (event) => event.csp ? cspStrategy(event.csp) : void 0
  },
  {
    name: "hpkp",
    stacktraceVariantProcessor: false,
    run: (event) => event.hpkp ? hostnameReportStrategy("hpkp", "hpkp", event.hpkp) : void 0
  },
  {
    name: "expectstaple",
    stacktraceVariantProcessor: false,
    run: (event) => event.expectstaple ? hostnameReportStrategy("expect_staple", "expect-staple", event.expectstaple) : void 0
  },
  {
    name: "expectct",
    stacktraceVariantProcessor: false,
    run: (event) => event.expectct ? hostnameReportStrategy("expect_ct", "expect-ct", event.expectct) : void 0
  },
  {
    name: "message",
    stacktraceVariantProcessor: false,
    run: (event) => event.logentry ? messageStrategy(event) : void 0
  }
];
function finishStrategy(strategy, produced, memo) {
  const result = /* @__PURE__ */ new Map();
  const priorityByHash = /* @__PURE__ */ new Map();
  const others = [];
  const priorities = [];
  for (const [rawName, component] of produced) {
    const priority = rawName.startsWith("!");
    const name = priority ? rawName.slice(1) : rawName;
    if (component.contributes) {
      if (priority) priorities.push([name, component]);
      else others.push(name);
    }
    result.set(name, component);
  }
  const hashOf = (component) => {
    let hash = memo.get(component);
    if (hash === void 0) {
      hash = component.hash();
      memo.set(component, hash);
    }
    return hash;
  };
  if (others.length > 0)
    for (const [name, component] of priorities) priorityByHash.set(hashOf(component), name);
  for (const name of others) {
    const component = result.get(name);
    const match = priorityByHash.get(hashOf(component));
    if (match !== void 0) {
      component.update({ contributes: false, hint: `ignored because hash matches ${match} variant` });
    }
  }
  if (strategy.stacktraceVariantProcessor && result.size > 1) {
    let withStacktrace = 0;
    let first;
    const without = [];
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
function precedenceHint(strategy, variant, contributing) {
  const verb = strategy.name.endsWith("s") ? "take" : "takes";
  if (variant === "default") return `ignored because ${strategy.name} ${verb} precedence`;
  return `ignored because ${contributing.sort().join("/")} ${strategy.name} ${verb} precedence`;
}
function strategyRoots(event, context, memo) {
  let winner;
  let hint;
  let hintOf;
  const byVariant = /* @__PURE__ */ new Map();
  for (const strategy of STRATEGIES) {
    const produced = strategy.run(event, context);
    if (produced === void 0) continue;
    const components = finishStrategy(strategy, produced, memo);
    for (const [variant, component] of components) {
      const list = byVariant.get(variant);
      if (list) list.push(component);
      else byVariant.set(variant, [component]);
      if (!component.contributes) continue;
      if (winner === void 0) {
        winner = strategy;
        const winning = strategy;
        const firstVariant = variant;
        const contributing = [];
        for (const [name, c] of components) if (c.contributes) contributing.push(name);
        hintOf = () => precedenceHint(winning, firstVariant, contributing);
      } else if (strategy !== winner) {
        hint ??= hintOf();
        component.update({ contributes: false, hint });
      }
    }
  }
  const roots = /* @__PURE__ */ new Map();
  for (const [variant, components] of byVariant) {
    const root = new GroupingComponent(variant, { values: components });
    if (!root.contributes && hintOf !== void 0) {
      hint ??= hintOf();
      root.update({ hint });
    }
    roots.set(variant, root);
  }
  return roots;
}
export {
  strategyRoots
};
//# sourceMappingURL=run.js.map
