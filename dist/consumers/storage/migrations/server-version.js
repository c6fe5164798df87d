// consumers/storage/migrations/server-version.ts
var ServerVersionError = class extends Error {
  constructor(text) {
    super(`cannot read a ClickHouse version from ${JSON.stringify(text)}`);
    this.text = text;
    this.name = "ServerVersionError";
  }
  text;
};
function parseServerVersion(text) {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) throw new ServerVersionError(text);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    text: text.trim()
  };
}
function atLeast(version, major, minor) {
  return version.major > major || version.major === major && version.minor >= minor;
}
function capabilitiesOf(version) {
  const modern = atLeast(version, 20, 3);
  return { lowCardinality: modern, codecs: modern, ttl: modern, skipIndexes: modern };
}
export {
  ServerVersionError,
  capabilitiesOf,
  parseServerVersion
};
//# sourceMappingURL=server-version.js.map
