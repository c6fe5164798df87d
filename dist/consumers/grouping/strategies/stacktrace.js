// consumers/grouping/strategies/stacktrace.ts
import { GroupingComponent } from "../component.js";
import { StacktraceRules } from "../enhancements/engine.js";
import { behaviorFamily } from "../platform.js";
import { trimFunctionName } from "../trim-function.js";
var RUBY_ERB = /__\d{4,}_\d{4,}$/;
var JAVA_REFLECT = /(sun\.reflect\.Generated(?:Serialization)?ConstructorAccessor)\d+/g;
var JAVA_CGLIB = /(\$\$[\w_]+?CGLIB\$\$)[a-fA-F0-9]+(_[0-9]+)?/g;
var JAVA_ASSIST = /(\$\$_javassist)(?:_seam)?(?:_[0-9]+)?/g;
var CLOJURE = /(\$fn__)\d+/g;
var JAVA_ENHANCER_BY = /(\$\$?EnhancerBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?/g;
var JAVA_FAST_CLASS_BY = /(\$\$?FastClassBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?/g;
var JAVA_HIBERNATE_PROXY = /(\$\$?HibernateProxy\$?\$)\w+(_[0-9]+)?/g;
var PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
var NEEDS_COLLAPSE = /[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]| {2}/;
function hasUrlOrigin(path, filesCountAsUrls) {
  if (!path) return false;
  if (path.startsWith("http:") || path.startsWith("https:") || path.startsWith("applewebdata:") || path.startsWith("blob:")) {
    return true;
  }
  return path.startsWith("file:") ? filesCountAsUrls : false;
}
function baseName(path) {
  for (let i = path.length - 1; i >= 0; i--) {
    const c = path.charCodeAt(i);
    if (c === 47 || c === 92) return path.slice(i + 1);
  }
  return path;
}
function filenameComponent(frame, platform) {
  if (frame.filename === void 0) return new GroupingComponent("filename");
  const filename = baseName(frame.filename).toLowerCase();
  const component = new GroupingComponent("filename", { values: [filename] });
  if (hasUrlOrigin(frame.absPath, false)) {
    component.update({ contributes: false, hint: "ignored because frame points to a URL" });
  } else if (filename === "<anonymous>") {
    component.update({ contributes: false, hint: "ignored because filename is anonymous" });
  } else if (filename === "[native code]") {
    component.update({ contributes: false, hint: "ignored because filename suggests native code" });
  } else if (platform === "java" && filename.includes("$$_javassist")) {
    const cleaned = filename.replace(JAVA_ASSIST, "$1<auto>");
    if (cleaned !== filename) component.update({ values: [cleaned], hint: "cleaned javassist parts" });
  }
  return component;
}
function moduleComponent(frame, platform) {
  const module = frame.module;
  if (module === void 0) return new GroupingComponent("module");
  const component = new GroupingComponent("module", { values: [module] });
  if (platform === "javascript" && module.includes("/") && frame.absPath?.endsWith(module)) {
    component.update({ contributes: false, hint: "ignored bad javascript module" });
  } else if (platform === "java") {
    if (module.includes("$$Lambda$")) component.update({ contributes: false, hint: "ignored java lambda" });
    if (module.startsWith("sun.reflect.GeneratedMethodAccessor")) {
      component.update({
        values: ["sun.reflect.GeneratedMethodAccessor"],
        hint: "removed reflection marker"
      });
    } else if (module.startsWith("jdk.internal.reflect.GeneratedMethodAccessor")) {
      component.update({
        values: ["jdk.internal.reflect.GeneratedMethodAccessor"],
        hint: "removed reflection marker"
      });
    } else if (module.includes("$") || module.includes("sun.reflect.Generated")) {
      const cleaned = module.replace(JAVA_REFLECT, "$1<auto>").replace(JAVA_CGLIB, "$1<auto>").replace(JAVA_ASSIST, "$1<auto>").replace(CLOJURE, "$1<auto>").replace(JAVA_ENHANCER_BY, "$1<auto>").replace(JAVA_FAST_CLASS_BY, "$1<auto>").replace(JAVA_HIBERNATE_PROXY, "$1<auto>");
      if (cleaned !== module) component.update({ values: [cleaned], hint: "removed codegen marker" });
    }
  }
  return component;
}
function codePointLength(text) {
  if (text.length <= 120) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}
function contextLineComponent(frame, family) {
  const raw = frame.contextLine ?? "";
  const trimmed = raw.trim();
  const line = NEEDS_COLLAPSE.test(trimmed) ? raw.split(PY_WHITESPACE).filter((part) => part !== "").join(" ") : trimmed;
  if (line === "") return new GroupingComponent("context_line");
  const component = new GroupingComponent("context_line", { values: [line] });
  if (codePointLength(raw) > 120) {
    component.update({ contributes: false, hint: "ignored because line is too long" });
  } else if (family === "javascript" && !frame.function && hasUrlOrigin(frame.absPath, true)) {
    component.update({
      contributes: false,
      hint: "ignored because file path is a URL and function name is missing"
    });
  }
  return component;
}
function functionComponent(frame, platform, family, contextLineAvailable) {
  let func;
  if (platform === "csharp") {
    func = frame.rawFunction || frame.function;
  } else {
    func = frame.function || frame.rawFunction;
    if (!frame.rawFunction && frame.function) func = trimFunctionName(frame.function, platform);
  }
  if (!func) return new GroupingComponent("function");
  const component = new GroupingComponent("function", { values: [func] });
  if (platform === "ruby") {
    if (func.startsWith("block ")) {
      component.update({ values: ["block"], hint: "ruby block" });
    } else {
      const stripped = func.replace(RUBY_ERB, "");
      if (stripped !== func)
        component.update({ values: [stripped], hint: "removed generated erb template suffix" });
    }
  } else if (platform === "php") {
    if (func.startsWith("[Anonymous") || func.startsWith("class@anonymous\0")) {
      component.update({ contributes: false, hint: "ignored anonymous function" });
    }
    if (func.startsWith("class@anonymous")) {
      const method = func.split("::").at(-1);
      if (method !== func) component.update({ values: [method], hint: "anonymous class method" });
    }
  } else if (platform === "java") {
    if (func.startsWith("lambda$")) component.update({ contributes: false, hint: "ignored lambda function" });
  } else if (family === "native" && (func === "<redacted>" || func === "<unknown>")) {
    component.update({ contributes: false, hint: "ignored unknown function" });
  } else if (family === "javascript") {
    const last = func.slice(func.lastIndexOf(".") + 1);
    if (last !== func) component.update({ values: [last], hint: "trimmed javascript function" });
    if (frame.sourcemapUsed && contextLineAvailable) {
      component.update({
        contributes: false,
        hint: "ignored because sourcemap used and context line available"
      });
    }
  }
  return component;
}
var LOW_QUALITY_JS_PATHS = /* @__PURE__ */ new Set(["[native code]", "native code", "eval code", "<anonymous>"]);
var UNKNOWN_JS_FUNCTIONS = /* @__PURE__ */ new Set(["?", "<anonymous function>", "<anonymous>", "Anonymous function"]);
function frameComponent(frame, eventPlatform, context) {
  const platform = frame.platform || eventPlatform;
  const family = behaviorFamily(platform);
  const filename = filenameComponent(frame, platform);
  const module = moduleComponent(frame, platform);
  if (module.contributes && filename.contributes) {
    filename.update({ contributes: false, hint: "ignored because module takes precedence" });
  }
  const contextLine = frame.contextLine && platform !== void 0 && context.config.contextLinePlatforms.has(platform) ? contextLineComponent(frame, family) : void 0;
  const fn = functionComponent(frame, platform, family, contextLine?.contributes ?? false);
  const values = contextLine ? [module, filename, fn, contextLine] : [module, filename, fn];
  const component = new GroupingComponent("frame", { values });
  component.inApp = frame.inApp ?? false;
  if (family === "javascript") {
    let func = frame.rawFunction || frame.function;
    if (func) func = func.slice(func.lastIndexOf(".") + 1);
    if (!func) {
      fn.update({ contributes: false });
    } else if (UNKNOWN_JS_FUNCTIONS.has(func) || func.endsWith("/<")) {
      fn.update({ contributes: false, hint: "ignored unknown function name" });
    }
    if (func === "eval" || frame.absPath !== void 0 && LOW_QUALITY_JS_PATHS.has(frame.absPath)) {
      component.update({ contributes: false, hint: "ignored low quality javascript frame" });
    }
  }
  return component;
}
function isRecursion(frame, previous) {
  if (previous === void 0) return false;
  return frame.absPath === previous.absPath && frame.package === previous.package && frame.module === previous.module && frame.filename === previous.filename && frame.function === previous.function && frame.lineno === previous.lineno && frame.colno === previous.colno;
}
function inAppHint(frame) {
  if (frame.inAppRule !== void 0 && frame.inApp !== frame.clientInApp) {
    return `marked ${frame.inApp ? "in-app" : "out of app"} by ${frame.inAppRule}`;
  }
  if (frame.clientInApp !== void 0)
    return frame.inApp ? "marked in-app by the client" : "marked out of app by the client";
  return "non app frame";
}
function singleStacktraceVariant(variant, stacktrace, context, exception, components) {
  const event = context.event;
  const frames = stacktrace.frames;
  let previous;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    const component = components[i];
    if (isRecursion(frame, previous)) {
      component.contributes = false;
      component.hint = "ignored due to recursion";
    }
    if (variant === "app" && !frame.inApp) component.contributes = false;
    previous = frame;
  }
  const only = frames.length === 1 ? frames[0] : void 0;
  if (only !== void 0 && components[0].contributes && behaviorFamily(only.platform || event.platform) === "javascript" && !only.function) {
    const urlOrigin = hasUrlOrigin(only.absPath, true);
    if (context.config.jsSingleFrameUrlOriginBackwards ? urlOrigin : !urlOrigin) {
      components[0].update({ contributes: false, hint: "ignored single non-URL JavaScript frame" });
    }
  }
  const result = StacktraceRules.applyContributes(
    context.contributesHitsOf(stacktrace, exception),
    components
  );
  let inAppContributing = 0;
  for (let index = 0; index < components.length; index++) {
    const component = components[index];
    if (variant === "app") {
      const why = inAppHint(frames[index]);
      if (!component.inApp) {
        component.contributes = false;
        component.hint = why;
      } else {
        component.hint = component.hint === null ? why : `${why} but ${component.hint}`;
      }
    }
    if (component.inApp && component.contributes) inAppContributing++;
  }
  const stack = new GroupingComponent("stacktrace", { values: components });
  if (result.discard) stack.update({ contributes: false, hint: result.hint });
  if (variant === "app" && inAppContributing === 0) stack.update({ contributes: false });
  return stack;
}
function stacktraceVariants(stacktrace, context, exception) {
  const base = stacktrace.frames.map((frame) => frameComponent(frame, context.event.platform, context));
  const app = singleStacktraceVariant(
    "app",
    stacktrace,
    context,
    exception,
    base.map((c) => c.copyForVariant())
  );
  const system = singleStacktraceVariant("system", stacktrace, context, exception, base);
  let inApp = 0;
  let contributing = 0;
  let inAppContributing = 0;
  for (const value of system.values) {
    const frame = value;
    if (frame.inApp) inApp++;
    if (frame.contributes) contributing++;
    if (frame.inApp && frame.contributes) inAppContributing++;
  }
  if (system.values.length === 0) {
    system.update({ contributes: false, hint: "ignored because it contains no frames" });
    app.update({ contributes: false, hint: "ignored because it contains no frames" });
  } else {
    if (contributing === 0)
      system.update({ contributes: false, hint: "ignored because it contains no contributing frames" });
    if (inApp === 0) app.update({ contributes: false, hint: "ignored because it contains no in-app frames" });
    else if (inAppContributing === 0) {
      app.update({ contributes: false, hint: "ignored because it contains no contributing frames" });
    }
  }
  return /* @__PURE__ */ new Map([
    ["!app", app],
    ["system", system]
  ]);
}
export {
  frameComponent,
  hasUrlOrigin,
  stacktraceVariants
};
//# sourceMappingURL=stacktrace.js.map
