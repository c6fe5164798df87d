// consumers/grouping/fixture-keys.ts
import { DEFAULT_GROUPING_CONFIG_ID } from "./config.js";
function quote(text) {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
function fingerprintRulesJsonToText(rules) {
  if (!Array.isArray(rules)) throw new TypeError("_fingerprinting_rules: expected an array of rules");
  return rules.map((rule, index) => {
    const { matchers, fingerprint, attributes } = rule ?? {};
    if (!Array.isArray(matchers) || !Array.isArray(fingerprint)) {
      throw new TypeError(`_fingerprinting_rules[${index}]: expected matchers and fingerprint arrays`);
    }
    const left = matchers.map((pair) => {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new TypeError(`_fingerprinting_rules[${index}]: a matcher is a [key, pattern] pair`);
      }
      return `${pair[0]}:${quote(pair[1])}`;
    });
    const right = fingerprint.map((value) => quote(String(value)));
    if (typeof attributes === "object" && attributes !== null) {
      for (const [key, value] of Object.entries(attributes)) right.push(`${key}=${quote(String(value))}`);
    }
    return `${left.join(" ")} -> ${right.join(" ")}`;
  }).join("\n");
}
function projectConfigFromTestKeys(event, groupingConfig = DEFAULT_GROUPING_CONFIG_ID) {
  const grouping = event._grouping;
  const enhancements = typeof grouping === "object" && grouping !== null ? grouping.enhancements : void 0;
  const fingerprintRules = event._fingerprinting_rules;
  return {
    groupingConfig,
    stackTraceRules: typeof enhancements === "string" ? enhancements : "",
    fingerprintRules: fingerprintRules === void 0 ? "" : fingerprintRulesJsonToText(fingerprintRules)
  };
}
export {
  fingerprintRulesJsonToText,
  projectConfigFromTestKeys
};
//# sourceMappingURL=fixture-keys.js.map
