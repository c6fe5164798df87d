// consumers/grouping/platform.ts
function behaviorFamily(platform) {
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
export {
  behaviorFamily
};
//# sourceMappingURL=platform.js.map
