import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";

// Shared by every YAML file the pipeline reads (topology.yaml, projects.yaml): parse,
// validate with a zod schema, and report every problem as `file:line:column: path: message`
// so an operator can jump to the line. zod only knows value paths; the YAML document
// keeps source ranges, so a path is mapped back to the node it came from.

export interface ConfigIssue {
  /** Dotted value path, `projects[1].publicKeys[0]`; empty for document-level problems. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ReadonlyArray<ConfigIssue>,
  ) {
    super(
      [
        `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}`,
        ...issues.map((i) => `  ${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ""}${i.message}`),
      ].join("\n"),
    );
    this.name = "ConfigFileError";
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function offsetOf(doc: Document, path: ReadonlyArray<PropertyKey>, unknownKey?: string): number {
  // Walk up until a node exists: a missing required key has no node of its own, so
  // the error points at the mapping that should contain it.
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (!isNode(node)) continue;
    if (unknownKey !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === unknownKey);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (node.range) return node.range[0];
  }
  return 0;
}

/**
 * Parses `text` as one YAML document and validates it. Throws `ConfigFileError` listing
 * YAML syntax errors (duplicate keys included) or, if the syntax is fine, every schema
 * violation, each with its line and column.
 */
export function parseYamlWithSchema<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => ({
        path: "",
        ...position(e.pos[0]),
        message: e.message.split("\n")[0] ?? e.code,
      })),
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issues: ConfigIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...issue.path, key]),
          ...position(offsetOf(doc, issue.path, key)),
          message: "unknown key",
        });
      }
      continue;
    }
    // zod words a missing key as "expected string, received undefined"; say what it is.
    const missing = issue.code === "invalid_type" && issue.path.length > 0 && !doc.hasIn(issue.path);
    issues.push({
      path: formatPath(issue.path),
      ...position(offsetOf(doc, issue.path)),
      message: missing ? `required key is missing (${issue.message})` : issue.message,
    });
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigFileError(file, issues);
}
