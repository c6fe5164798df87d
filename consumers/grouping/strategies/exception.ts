import { GroupingComponent } from "../component.ts";
import type { GroupingException } from "../event-view.ts";
import { normalizeMessageForGrouping } from "../parameterization.ts";
import type { ComponentsByVariant, StrategyContext } from "./context.ts";
import { stacktraceVariants } from "./stacktrace.ts";

// `single-exception:v1` and `chained-exception:v1` (`strategies/newstyle.py`), including the
// exception-group filter of RFC 0079.

export function exceptionData(exception: GroupingException): {
  type: string | undefined;
  value: string | undefined;
  mechanism: string | undefined;
} {
  return { type: exception.type, value: exception.value, mechanism: exception.mechanism?.type };
}

function singleException(exception: GroupingException, context: StrategyContext): ComponentsByVariant {
  const type = new GroupingComponent("type", { values: exception.type ? [exception.type] : [] });
  let nsError: GroupingComponent | undefined;
  const mechanism = exception.mechanism;
  if (mechanism?.synthetic) {
    // Synthetic exceptions only exist to carry a stack trace; their type means nothing.
    type.update({ contributes: false, hint: "ignored because exception is synthetic" });
  }
  if (mechanism?.nsError) {
    nsError = new GroupingComponent("ns_error", {
      values: [
        new GroupingComponent("domain", { values: [mechanism.nsError.domain as string | number | null] }),
        new GroupingComponent("code", { values: [mechanism.nsError.code as string | number | null] }),
      ],
    });
  }

  const stacktraces: ComponentsByVariant = exception.stacktrace
    ? stacktraceVariants(exception.stacktrace, context, exceptionData(exception))
    : new Map([["!app", new GroupingComponent("stacktrace")]]);

  const normalized = exception.value !== undefined ? normalizeMessageForGrouping(exception.value) : "";
  const result: ComponentsByVariant = new Map();
  for (const [variant, stacktrace] of stacktraces) {
    const value = new GroupingComponent("value");
    if (normalized) {
      value.update({
        values: [normalized],
        hint: normalized !== exception.value ? "stripped event-specific values" : undefined,
      });
    }
    if (stacktrace.contributes && value.contributes) {
      value.update({ contributes: false, hint: "ignored because stacktrace takes precedence" });
    }
    if (nsError?.contributes && value.contributes) {
      value.update({ contributes: false, hint: "ignored because ns-error info takes precedence" });
    }
    // Components are shared between variants only where Sentry shares them (type, ns_error).
    let values: GroupingComponent[];
    if (context.config.legacyExceptionSubcomponentOrder) {
      values = nsError ? [stacktrace, type, nsError, value] : [stacktrace, type, value];
    } else {
      values = nsError ? [type, value, nsError, stacktrace] : [type, value, stacktrace];
    }
    result.set(variant, new GroupingComponent("exception", { values }));
  }
  return result;
}

/** Sentry compares exception components by their repr when deduplicating group members. */
function componentRepr(value: unknown): string {
  if (!(value instanceof GroupingComponent)) return JSON.stringify(value);
  return `${value.id}(${value.hint ?? ""},${value.contributes},[${value.values.map(componentRepr).join(",")}])`;
}

function isPythonSdk3(context: StrategyContext): boolean {
  return context.event.platform === "python" && (context.event.sdkVersion ?? "").startsWith("3");
}

function filterExceptionGroups(
  exceptions: ReadonlyArray<GroupingException>,
  components: ReadonlyMap<GroupingException, ComponentsByVariant>,
  context: StrategyContext,
): ReadonlyArray<GroupingException> {
  if (exceptions.length <= 1) return exceptions;
  // Python SDK 3.x started sending exception-group data; Sentry keeps the old hashes.
  if (isPythonSdk3(context)) return exceptions;

  interface Node {
    exception: GroupingException | undefined;
    readonly children: GroupingException[];
  }
  const tree = new Map<number, Node>();
  const node = (id: number): Node => {
    let found = tree.get(id);
    if (found === undefined) {
      found = { exception: undefined, children: [] };
      tree.set(id, found);
    }
    return found;
  };
  const seen = new Set<number>();
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const exception = exceptions[i]!;
    const id = exception.mechanism?.exceptionId;
    const parent = exception.mechanism?.parentId;
    // Missing, duplicate or self-parent ids break the tree: keep the list as it is.
    if (id === undefined || id === parent || seen.has(id)) return exceptions;
    seen.add(id);
    node(id).exception = exception;
    if (parent !== undefined) node(parent).children.push(exception);
  }
  const childrenOf = (exception: GroupingException): GroupingException[] =>
    tree.get(exception.mechanism!.exceptionId!)?.children ?? [];

  const root = tree.get(0)?.exception;
  if (root === undefined) return exceptions;
  const topLevel: GroupingException[] = [];
  // A cycle through exception groups makes Sentry's recursion fail, and it then falls back
  // to the original list; a depth bound stands in for the recursion limit.
  let cyclic = false;
  const visit = (exception: GroupingException, depth: number): void => {
    if (depth > exceptions.length) {
      cyclic = true;
      return;
    }
    if (exception.mechanism?.isExceptionGroup) {
      for (const child of childrenOf(exception)) visit(child, depth + 1);
    } else {
      topLevel.push(exception);
    }
  };
  visit(root, 0);
  if (cyclic || topLevel.length === 0) return exceptions;
  // Python's sorted(..., reverse=True) is stable for equal keys.
  const sorted = topLevel
    .map((exception, index) => ({ exception, index, key: String(exception.type ?? "None") }))
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : a.index - b.index))
    .map((entry) => entry.exception);

  const distinct: GroupingException[] = [];
  let previousKey: string | undefined;
  for (const exception of sorted) {
    const key = [...components.get(exception)!.values()].map(componentRepr).join("|");
    if (key !== previousKey) distinct.push(exception);
    previousKey = key;
  }
  if (distinct.length === 1) {
    const path: GroupingException[] = [];
    let current: GroupingException | undefined = distinct[0];
    while (current !== undefined && path.length <= exceptions.length) {
      path.push(current);
      current = childrenOf(current)[0];
    }
    return path;
  }
  return [...distinct, root];
}

/** `chained-exception:v1`, which also handles single exceptions. */
export function chainedException(
  exceptions: ReadonlyArray<GroupingException>,
  context: StrategyContext,
): ComponentsByVariant {
  const components = new Map<GroupingException, ComponentsByVariant>();
  for (const exception of exceptions) components.set(exception, singleException(exception, context));
  const filtered = filterExceptionGroups(exceptions, components, context);
  if (filtered.length === 1) return components.get(filtered[0]!)!;

  const byVariant = new Map<string, GroupingComponent[]>();
  for (const exception of filtered) {
    for (const [variant, component] of components.get(exception)!) {
      const list = byVariant.get(variant);
      if (list) list.push(component);
      else byVariant.set(variant, [component]);
    }
  }
  const result: ComponentsByVariant = new Map();
  for (const [variant, list] of byVariant) {
    result.set(variant, new GroupingComponent("chained_exception", { values: list }));
  }
  return result;
}
