// schemas/relay/msgpack-scan.ts
import { isUtf8 } from "node:buffer";
import { DecodeError } from "../errors.js";
var FORMAT = "relay-msgpack";
function truncated(at) {
  return new DecodeError(FORMAT, "truncated-msgpack", `input ends inside the value starting at byte ${at}`);
}
function scanRelayMsgpack(bytes, limits) {
  const end = bytes.length;
  if (end === 0) throw new DecodeError(FORMAT, "truncated-msgpack", "empty input");
  const first = bytes[0];
  if (!(first >= 128 && first <= 143 || first === 222 || first === 223)) {
    throw new DecodeError(FORMAT, "not-msgpack-map", `top-level value starts with 0x${first.toString(16)}`);
  }
  const remaining = [];
  const isMap = [];
  const expectKey = [];
  let pos = 0;
  let rootDone = false;
  while (!rootDone) {
    const start = pos;
    if (pos >= end) throw truncated(start);
    const top = remaining.length - 1;
    const keyPosition = top >= 0 && isMap[top] && expectKey[top];
    const b = bytes[pos++];
    let strLength = -1;
    let container;
    let containerLength = 0;
    if (b <= 127 || b >= 224) {
    } else if (b <= 143) {
      container = "map";
      containerLength = b & 15;
    } else if (b <= 159) {
      container = "array";
      containerLength = b & 15;
    } else if (b <= 191) {
      strLength = b & 31;
    } else {
      switch (b) {
        case 192:
        case 194:
        case 195:
          break;
        case 196:
        case 197:
        case 198: {
          const width = b === 196 ? 1 : b === 197 ? 2 : 4;
          if (pos + width > end) throw truncated(start);
          const length = width === 1 ? bytes[pos] : width === 2 ? u16(bytes, pos) : u32(bytes, pos);
          pos += width;
          if (pos + length > end) throw truncated(start);
          pos += length;
          if (keyPosition) throw nonStringKey(start);
          break;
        }
        case 202:
          if (pos + 4 > end) throw truncated(start);
          pos += 4;
          break;
        case 203:
          if (pos + 8 > end) throw truncated(start);
          pos += 8;
          break;
        case 204:
        case 208:
          if (pos + 1 > end) throw truncated(start);
          pos += 1;
          break;
        case 205:
        case 209:
          if (pos + 2 > end) throw truncated(start);
          pos += 2;
          break;
        case 206:
        case 210:
          if (pos + 4 > end) throw truncated(start);
          pos += 4;
          break;
        case 207:
        case 211:
          if (pos + 8 > end) throw truncated(start);
          pos += 8;
          break;
        case 217:
          if (pos + 1 > end) throw truncated(start);
          strLength = bytes[pos];
          pos += 1;
          break;
        case 218:
          if (pos + 2 > end) throw truncated(start);
          strLength = u16(bytes, pos);
          pos += 2;
          break;
        case 219:
          if (pos + 4 > end) throw truncated(start);
          strLength = u32(bytes, pos);
          pos += 4;
          break;
        case 220:
          if (pos + 2 > end) throw truncated(start);
          container = "array";
          containerLength = u16(bytes, pos);
          pos += 2;
          break;
        case 221:
          if (pos + 4 > end) throw truncated(start);
          container = "array";
          containerLength = u32(bytes, pos);
          pos += 4;
          break;
        case 222:
          if (pos + 2 > end) throw truncated(start);
          container = "map";
          containerLength = u16(bytes, pos);
          pos += 2;
          break;
        case 223:
          if (pos + 4 > end) throw truncated(start);
          container = "map";
          containerLength = u32(bytes, pos);
          pos += 4;
          break;
        case 193:
          throw new DecodeError(FORMAT, "invalid-msgpack", `reserved byte 0xc1 at byte ${start}`);
        default:
          throw new DecodeError(
            FORMAT,
            "invalid-msgpack",
            `extension type 0x${b.toString(16)} at byte ${start} is not part of Relay's format`
          );
      }
    }
    if (strLength >= 0) {
      if (pos + strLength > end) throw truncated(start);
      if (!isAsciiOrUtf8(bytes, pos, pos + strLength)) {
        throw new DecodeError(FORMAT, "invalid-utf8", `string at byte ${start} is not valid UTF-8`);
      }
      pos += strLength;
    } else if (keyPosition) {
      throw nonStringKey(start);
    }
    if (top >= 0) {
      if (isMap[top]) {
        if (expectKey[top]) {
          expectKey[top] = false;
        } else {
          expectKey[top] = true;
          remaining[top] = remaining[top] - 1;
        }
      } else {
        remaining[top] = remaining[top] - 1;
      }
    }
    if (container !== void 0) {
      if (remaining.length + 1 > limits.maxDepth) {
        throw new DecodeError(FORMAT, "too-deep", `nesting deeper than ${limits.maxDepth} at byte ${start}`);
      }
      remaining.push(containerLength);
      isMap.push(container === "map");
      expectKey.push(true);
    } else if (remaining.length === 0) {
      rootDone = true;
    }
    while (remaining.length > 0 && remaining[remaining.length - 1] === 0) {
      remaining.pop();
      isMap.pop();
      expectKey.pop();
      if (remaining.length === 0) rootDone = true;
    }
  }
  if (pos !== end) {
    throw new DecodeError(FORMAT, "trailing-bytes", `${end - pos} bytes after the end of the message`);
  }
}
function u16(bytes, at) {
  return bytes[at] << 8 | bytes[at + 1];
}
function u32(bytes, at) {
  return bytes[at] * 16777216 + (bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3]);
}
function isAsciiOrUtf8(bytes, from, to) {
  for (let i = from; i < to; i++) {
    if (bytes[i] >= 128) return isUtf8(bytes.subarray(i, to));
  }
  return true;
}
function nonStringKey(at) {
  return new DecodeError(FORMAT, "non-string-key", `map key at byte ${at} is not a string`);
}
export {
  scanRelayMsgpack
};
//# sourceMappingURL=msgpack-scan.js.map
