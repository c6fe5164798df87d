// schemas/registry/types.ts
var SchemaIncompatibleError = class extends Error {
  constructor(subject, detail) {
    super(`schema for ${subject} is not compatible with its registered versions: ${detail}`);
    this.subject = subject;
    this.detail = detail;
    this.name = "SchemaIncompatibleError";
  }
  subject;
  detail;
};
function valueSubject(topic) {
  return `${topic}-value`;
}
export {
  SchemaIncompatibleError,
  valueSubject
};
//# sourceMappingURL=types.js.map
