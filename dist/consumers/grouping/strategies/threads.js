// consumers/grouping/strategies/threads.ts
import { GroupingComponent } from "../component.js";
import { NO_EXCEPTION } from "../enhancements/engine.js";
import { stacktraceVariants } from "./stacktrace.js";
function threadComponents(threads, context) {
  if (threads.length !== 1) return void 0;
  const stacktrace = threads[0].stacktrace;
  if (stacktrace === void 0) {
    return /* @__PURE__ */ new Map([
      [
        "app",
        new GroupingComponent("threads", {
          contributes: false,
          hint: "ignored because thread has no stacktrace"
        })
      ]
    ]);
  }
  const result = /* @__PURE__ */ new Map();
  for (const [variant, component] of stacktraceVariants(stacktrace, context, NO_EXCEPTION)) {
    result.set(variant, new GroupingComponent("threads", { values: [component] }));
  }
  return result;
}
function threadsStrategy(threads, context) {
  const crashed = threads.filter((t) => t.crashed);
  const current = threads.filter((t) => t.current);
  const found = threadComponents(crashed, context) ?? threadComponents(current, context) ?? threadComponents(threads, context);
  if (found) return found;
  return /* @__PURE__ */ new Map([
    [
      "app",
      new GroupingComponent("threads", {
        contributes: false,
        hint: `ignored because it contains neither a single thread nor multiple threads with exactly one crashing or current thread; instead contains ${crashed.length} crashing, ${current.length} current, and ${threads.length} total threads`
      })
    ]
  ]);
}
export {
  threadsStrategy
};
//# sourceMappingURL=threads.js.map
