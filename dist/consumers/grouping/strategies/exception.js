// consumers/grouping/strategies/exception.ts
import { GroupingComponent } from "../component.js";
import { normalizeMessageForGrouping } from "../parameterization.js";
import { stacktraceVariants } from "./stacktrace.js";
function exceptionData(exception) {
  return { type: exception.type, value: exception.value, mechanism: exception.mechanism?.type };
}
function singleException(exception, context) {
  const type = new GroupingComponent("type", { values: exception.type ? [exception.type] : [] });
  let nsError;
  const mechanism = exception.mechanism;
  if (mechanism?.synthetic) {
    type.update({ contributes: false, hint: "ignored because exception is synthetic" });
  }
  if (mechanism?.nsError) {
    nsError = new GroupingComponent("ns_error", {
      values: [
        new GroupingComponent("domain", { values: [mechanism.nsError.domain] }),
        new GroupingComponent("code", { values: [mechanism.nsError.code] })
      ]
    });
  }
  const stacktraces = exception.stacktrace ? stacktraceVariants(exception.stacktrace, context, exceptionData(exception)) : /* @__PURE__ */ new Map([["!app", new GroupingComponent("stacktrace")]]);
  const normalized = exception.value !== void 0 ? normalizeMessageForGrouping(exception.value) : "";
  const result = /* @__PURE__ */ new Map();
  for (const [variant, stacktrace] of stacktraces) {
    const value = new GroupingComponent("value");
    if (normalized) {
      value.update({
        values: [normalized],
        hint: normalized !== exception.value ? "stripped event-specific values" : void 0
      });
    }
    if (stacktrace.contributes && value.contributes) {
      value.update({ contributes: false, hint: "ignored because stacktrace takes precedence" });
    }
    if (nsError?.contributes && value.contributes) {
      value.update({ contributes: false, hint: "ignored because ns-error info takes precedence" });
    }
    let values;
    if (context.config.legacyExceptionSubcomponentOrder) {
      values = nsError ? [stacktrace, type, nsError, value] : [stacktrace, type, value];
    } else {
      values = nsError ? [type, value, nsError, stacktrace] : [type, value, stacktrace];
    }
    result.set(variant, new GroupingComponent("exception", { values }));
  }
  return result;
}
function componentRepr(value) {
  if (!(value instanceof GroupingComponent)) return JSON.stringify(value);
  return `${value.id}(${value.hint ?? ""},${value.contributes},[${value.values.map(componentRepr).join(",")}])`;
}
function isPythonSdk3(context) {
  return context.event.platform === "python" && (context.event.sdkVersion ?? "").startsWith("3");
}
function filterExceptionGroups(exceptions, components, context) {
  if (exceptions.length <= 1) return exceptions;
  if (isPythonSdk3(context)) return exceptions;
  const tree = /* @__PURE__ */ new Map();
  const node = (id) => {
    let found = tree.get(id);
    if (found === void 0) {
      found = { exception: void 0, children: [] };
      tree.set(id, found);
    }
    return found;
  };
  const seen = /* @__PURE__ */ new Set();
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const exception = exceptions[i];
    const id = exception.mechanism?.exceptionId;
    const parent = exception.mechanism?.parentId;
    if (id === void 0 || id === parent || seen.has(id)) return exceptions;
    seen.add(id);
    node(id).exception = exception;
    if (parent !== void 0) node(parent).children.push(exception);
  }
  const childrenOf = (exception) => tree.get(exception.mechanism.exceptionId)?.children ?? [];
  const root = tree.get(0)?.exception;
  if (root === void 0) return exceptions;
  const topLevel = [];
  let cyclic = false;
  const visit = (exception, depth) => {
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
  const sorted = topLevel.map((exception, index) => ({ exception, index, key: String(exception.type ?? "None") })).sort((a, b) => a.key < b.key ? 1 : a.key > b.key ? -1 : a.index - b.index).map((entry) => entry.exception);
  const distinct = [];
  let previousKey;
  for (const exception of sorted) {
    const key = [...components.get(exception).values()].map(componentRepr).join("|");
    if (key !== previousKey) distinct.push(exception);
    previousKey = key;
  }
  if (distinct.length === 1) {
    const path = [];
    let current = distinct[0];
    while (current !== void 0 && path.length <= exceptions.length) {
      path.push(current);
      current = childrenOf(current)[0];
    }
    return path;
  }
  return [...distinct, root];
}
function chainedException(exceptions, context) {
  const components = /* @__PURE__ */ new Map();
  for (const exception of exceptions) components.set(exception, singleException(exception, context));
  const filtered = filterExceptionGroups(exceptions, components, context);
  if (filtered.length === 1) return components.get(filtered[0]);
  const byVariant = /* @__PURE__ */ new Map();
  for (const exception of filtered) {
    for (const [variant, component] of components.get(exception)) {
      const list = byVariant.get(variant);
      if (list) list.push(component);
      else byVariant.set(variant, [component]);
    }
  }
  const result = /* @__PURE__ */ new Map();
  for (const [variant, list] of byVariant) {
    result.set(variant, new GroupingComponent("chained_exception", { values: list }));
  }
  return result;
}
export {
  chainedException,
  exceptionData
};
//# sourceMappingURL=exception.js.map
