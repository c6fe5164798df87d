import { DEFAULT_GROUPING_CONFIG_ID, type ProjectGroupingConfig } from "./config.ts";

// Sentry's grouping fixtures carry per-event project settings under test-only keys:
// `_grouping.enhancements` (stack-trace rules text) and `_fingerprinting_rules` (fingerprint
// rules in Sentry's JSON form). Production never reads them from events; the debug command
// and the conformance suite turn them into project settings with this helper.

function quote(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Renders fingerprint rules in Sentry's JSON form as rule text. */
export function fingerprintRulesJsonToText(rules: unknown): string {
  if (!Array.isArray(rules)) throw new TypeError("_fingerprinting_rules: expected an array of rules");
  return rules
    .map((rule, index) => {
      const { matchers, fingerprint, attributes } = (rule ?? {}) as Record<string, unknown>;
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
    })
    .join("\n");
}

/** Project settings described by an event's test-only keys (defaults when absent). */
export function projectConfigFromTestKeys(
  event: Readonly<Record<string, unknown>>,
  groupingConfig = DEFAULT_GROUPING_CONFIG_ID,
): ProjectGroupingConfig {
  const grouping = event._grouping;
  const enhancements =
    typeof grouping === "object" && grouping !== null
      ? (grouping as Record<string, unknown>).enhancements
      : undefined;
  const fingerprintRules = event._fingerprinting_rules;
  return {
    groupingConfig,
    stackTraceRules: typeof enhancements === "string" ? enhancements : "",
    fingerprintRules: fingerprintRules === undefined ? "" : fingerprintRulesJsonToText(fingerprintRules),
  };
}
