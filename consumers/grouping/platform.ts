// Sentry's behaviour families (`stacktraces/platform.py`): which platform-specific grouping
// rules apply to a frame. The stack-trace rule engine only knows native, javascript and
// other; `java` is a family of its own for Sentry's Python code paths.

export type BehaviorFamily = "native" | "javascript" | "java" | "other";

export function behaviorFamily(platform: string | undefined): BehaviorFamily {
  switch (platform) {
    case "javascript":
    case "node":
      return "javascript";
    case "objc":
    case "cocoa":
    case "swift":
    case "native":
    case "c":
      return "native";
    case "java":
    case "groovy":
      return "java";
    default:
      return "other";
  }
}
