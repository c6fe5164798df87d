import { GroupingComponent } from "./component.ts";
import type { GroupingResult, GroupingVariant } from "./compute.ts";

// A readable account of a grouping result, in the layout of Sentry's grouping snapshots:
// one line per component, `*` when it contributes, the reason in parentheses, leaf values as
// JSON on the next level. Components with neither values nor a reason are left out.

function hasContent(component: GroupingComponent): boolean {
  return component.values.length > 0 || component.hint !== null;
}

function renderComponent(component: GroupingComponent, depth: number, out: string[]): void {
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

function renderVariant(name: string, variant: GroupingVariant, out: string[]): void {
  const status = variant.contributes ? "contributes" : "does not contribute";
  out.push(`${name}: ${variant.description} — hash ${variant.hash ?? "none"} (${status})`);
  if (variant.hint !== null) out.push(`  why: ${variant.hint}`);
  if (variant.values !== undefined) out.push(`  fingerprint: ${JSON.stringify(variant.values)}`);
  const rule = variant.fingerprintInfo?.matched_rule;
  if (rule !== undefined)
    out.push(`  matched ${rule.is_builtin ? "built-in " : ""}fingerprint rule: ${rule.text}`);
  if (variant.component !== undefined) renderComponent(variant.component, 1, out);
  out.push(`  hashed values: ${JSON.stringify(variant.contributingValues)}`);
}

/** The component trees of every variant, with why each part does or does not contribute. */
export function explainGrouping(result: GroupingResult): string {
  const out: string[] = [
    `config ${result.config}; hashes ${JSON.stringify(result.hashes)}`,
    "(* = contributes to the hash; parentheses say why a part is ignored or changed)",
  ];
  for (const [name, variant] of Object.entries(result.variants)) {
    out.push("");
    renderVariant(name, variant, out);
  }
  return `${out.join("\n")}\n`;
}
