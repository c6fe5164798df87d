// consumers/grouping/explain.ts
import { GroupingComponent } from "./component.js";
function hasContent(component) {
  return component.values.length > 0 || component.hint !== null;
}
function renderComponent(component, depth, out) {
  const indent = "  ".repeat(depth);
  let line = `${indent}${component.id}${component.contributes ? "*" : ""}`;
  if (component.hint !== null) line += ` (${component.hint})`;
  else if (!component.contributes) line += " (no contributing values)";
  out.push(line);
  for (const value of component.values) {
    if (value instanceof GroupingComponent) {
      if (hasContent(value)) renderComponent(value, depth + 1, out);
    } else {
      out.push(`${indent}  ${JSON.stringify(value)}`);
    }
  }
}
function renderVariant(name, variant, out) {
  const status = variant.contributes ? "contributes" : "does not contribute";
  out.push(`${name}: ${variant.description} \u2014 hash ${variant.hash ?? "none"} (${status})`);
  if (variant.hint !== null) out.push(`  why: ${variant.hint}`);
  if (variant.values !== void 0) out.push(`  fingerprint: ${JSON.stringify(variant.values)}`);
  const rule = variant.fingerprintInfo?.matched_rule;
  if (rule !== void 0)
    out.push(`  matched ${rule.is_builtin ? "built-in " : ""}fingerprint rule: ${rule.text}`);
  if (variant.component !== void 0) renderComponent(variant.component, 1, out);
  out.push(`  hashed values: ${JSON.stringify(variant.contributingValues)}`);
}
function explainGrouping(result) {
  const out = [
    `config ${result.config}; hashes ${JSON.stringify(result.hashes)}`,
    "(* = contributes to the hash; parentheses say why a part is ignored or changed)"
  ];
  for (const [name, variant] of Object.entries(result.variants)) {
    out.push("");
    renderVariant(name, variant, out);
  }
  return `${out.join("\n")}
`;
}
export {
  explainGrouping
};
//# sourceMappingURL=explain.js.map
