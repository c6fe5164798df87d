// config/yaml-errors.ts
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
var ConfigFileError = class extends Error {
  constructor(file, issues) {
    super(
      [
        `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}`,
        ...issues.map((i) => `  ${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ""}${i.message}`)
      ].join("\n")
    );
    this.file = file;
    this.issues = issues;
    this.name = "ConfigFileError";
  }
  file;
  issues;
};
function formatPath(path) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
function offsetOf(doc, path, unknownKey) {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (!isNode(node)) continue;
    if (unknownKey !== void 0 && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === unknownKey);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (node.range) return node.range[0];
  }
  return 0;
}
function parseYamlWithSchema(text, file, schema) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => ({
        path: "",
        ...position(e.pos[0]),
        message: e.message.split("\n")[0] ?? e.code
      }))
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issues = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...issue.path, key]),
          ...position(offsetOf(doc, issue.path, key)),
          message: "unknown key"
        });
      }
      continue;
    }
    const missing = issue.code === "invalid_type" && issue.path.length > 0 && !doc.hasIn(issue.path);
    issues.push({
      path: formatPath(issue.path),
      ...position(offsetOf(doc, issue.path)),
      message: missing ? `required key is missing (${issue.message})` : issue.message
    });
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigFileError(file, issues);
}
export {
  ConfigFileError,
  formatPath,
  parseYamlWithSchema
};
//# sourceMappingURL=yaml-errors.js.map
