// pipelines/workers/protocol.ts
import { deserialize, serialize } from "node:v8";
function encode(value) {
  const buffer = serialize(value);
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return buffer;
  return new Uint8Array(buffer);
}
function decode(bytes) {
  return deserialize(bytes);
}
export {
  decode,
  encode
};
//# sourceMappingURL=protocol.js.map
