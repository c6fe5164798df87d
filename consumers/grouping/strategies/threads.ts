import { GroupingComponent } from "../component.ts";
import { NO_EXCEPTION } from "../enhancements/engine.ts";
import type { GroupingThread } from "../event-view.ts";
import type { ComponentsByVariant, StrategyContext } from "./context.ts";
import { stacktraceVariants } from "./stacktrace.ts";

// `threads:v1`: the one crashed thread, else the one current thread, else the only thread.

function threadComponents(
  threads: ReadonlyArray<GroupingThread>,
  context: StrategyContext,
): ComponentsByVariant | undefined {
  if (threads.length !== 1) return undefined;
  const stacktrace = threads[0]!.stacktrace;
  if (stacktrace === undefined) {
    return new Map([
      [
        "app",
        new GroupingComponent("threads", {
          contributes: false,
          hint: "ignored because thread has no stacktrace",
        }),
      ],
    ]);
  }
  const result: ComponentsByVariant = new Map();
  for (const [variant, component] of stacktraceVariants(stacktrace, context, NO_EXCEPTION)) {
    result.set(variant, new GroupingComponent("threads", { values: [component] }));
  }
  return result;
}

export function threadsStrategy(
  threads: ReadonlyArray<GroupingThread>,
  context: StrategyContext,
): ComponentsByVariant {
  const crashed = threads.filter((t) => t.crashed);
  const current = threads.filter((t) => t.current);
  const found =
    threadComponents(crashed, context) ??
    threadComponents(current, context) ??
    threadComponents(threads, context);
  if (found) return found;
  return new Map([
    [
      "app",
      new GroupingComponent("threads", {
        contributes: false,
        hint: `ignored because it contains neither a single thread nor multiple threads with exactly one crashing or current thread; instead contains ${crashed.length} crashing, ${current.length} current, and ${threads.length} total threads`,
      }),
    ],
  ]);
}
