import { isUtf8 } from "node:buffer";
import { DecodeError } from "../errors.ts";

// A structural pass over msgpack bytes before msgpackr decodes them. msgpackr is fast and
// faithful, but it is lenient where Relay is strict and it fails badly on hostile input:
// invalid UTF-8 in `str` becomes U+FFFD silently, extension types become Dates or records,
// 0xc1 becomes a placeholder object, and deep nesting overflows the JS stack. Relay writes
// none of those (rmp-serde `to_vec_named`: maps with string keys, str, bin, ints, floats,
// bools, nil), so anything else is rejected here with a precise reason. The pass is
// iterative and skips `bin` bodies by length, so its cost is a few dozen steps per message.

export interface MsgpackScanLimits {
  /** Deepest container nesting accepted; the top-level map counts as 1. */
  readonly maxDepth: number;
}

const FORMAT = "relay-msgpack";

function truncated(at: number): DecodeError {
  return new DecodeError(FORMAT, "truncated-msgpack", `input ends inside the value starting at byte ${at}`);
}

/**
 * Throws `DecodeError` unless `bytes` hold exactly one msgpack map with string keys at every
 * level, valid UTF-8 strings, no extension types and at most `maxDepth` levels of nesting.
 */
export function scanRelayMsgpack(bytes: Uint8Array, limits: MsgpackScanLimits): void {
  const end = bytes.length;
  if (end === 0) throw new DecodeError(FORMAT, "truncated-msgpack", "empty input");
  const first = bytes[0]!;
  if (!((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf)) {
    throw new DecodeError(FORMAT, "not-msgpack-map", `top-level value starts with 0x${first.toString(16)}`);
  }

  // Open containers: items still to read, and for maps whether the next item is a key.
  const remaining: number[] = [];
  const isMap: boolean[] = [];
  const expectKey: boolean[] = [];
  let pos = 0;
  let rootDone = false;

  while (!rootDone) {
    const start = pos;
    if (pos >= end) throw truncated(start);
    const top = remaining.length - 1;
    const keyPosition = top >= 0 && isMap[top]! && expectKey[top]!;
    const b = bytes[pos++]!;

    let strLength = -1;
    let container: "map" | "array" | undefined;
    let containerLength = 0;

    if (b <= 0x7f || b >= 0xe0) {
      // fixint
    } else if (b <= 0x8f) {
      container = "map";
      containerLength = b & 0x0f;
    } else if (b <= 0x9f) {
      container = "array";
      containerLength = b & 0x0f;
    } else if (b <= 0xbf) {
      strLength = b & 0x1f;
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xc5:
        case 0xc6: {
          const width = b === 0xc4 ? 1 : b === 0xc5 ? 2 : 4;
          if (pos + width > end) throw truncated(start);
          const length = width === 1 ? bytes[pos]! : width === 2 ? u16(bytes, pos) : u32(bytes, pos);
          pos += width;
          if (pos + length > end) throw truncated(start);
          pos += length;
          if (keyPosition) throw nonStringKey(start);
          break;
        }
        case 0xca:
          if (pos + 4 > end) throw truncated(start);
          pos += 4;
          break;
        case 0xcb:
          if (pos + 8 > end) throw truncated(start);
          pos += 8;
          break;
        case 0xcc:
        case 0xd0:
          if (pos + 1 > end) throw truncated(start);
          pos += 1;
          break;
        case 0xcd:
        case 0xd1:
          if (pos + 2 > end) throw truncated(start);
          pos += 2;
          break;
        case 0xce:
        case 0xd2:
          if (pos + 4 > end) throw truncated(start);
          pos += 4;
          break;
        case 0xcf:
        case 0xd3:
          if (pos + 8 > end) throw truncated(start);
          pos += 8;
          break;
        case 0xd9:
          if (pos + 1 > end) throw truncated(start);
          strLength = bytes[pos]!;
          pos += 1;
          break;
        case 0xda:
          if (pos + 2 > end) throw truncated(start);
          strLength = u16(bytes, pos);
          pos += 2;
          break;
        case 0xdb:
          if (pos + 4 > end) throw truncated(start);
          strLength = u32(bytes, pos);
          pos += 4;
          break;
        case 0xdc:
          if (pos + 2 > end) throw truncated(start);
          container = "array";
          containerLength = u16(bytes, pos);
          pos += 2;
          break;
        case 0xdd:
          if (pos + 4 > end) throw truncated(start);
          container = "array";
          containerLength = u32(bytes, pos);
          pos += 4;
          break;
        case 0xde:
          if (pos + 2 > end) throw truncated(start);
          container = "map";
          containerLength = u16(bytes, pos);
          pos += 2;
          break;
        case 0xdf:
          if (pos + 4 > end) throw truncated(start);
          container = "map";
          containerLength = u32(bytes, pos);
          pos += 4;
          break;
        case 0xc1:
          throw new DecodeError(FORMAT, "invalid-msgpack", `reserved byte 0xc1 at byte ${start}`);
        default:
          // 0xc7-0xc9 and 0xd4-0xd8: extension types, which Relay never writes.
          throw new DecodeError(
            FORMAT,
            "invalid-msgpack",
            `extension type 0x${b.toString(16)} at byte ${start} is not part of Relay's format`,
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

    // This item is consumed: account for it in its parent before opening a new container.
    if (top >= 0) {
      if (isMap[top]!) {
        if (expectKey[top]!) {
          expectKey[top] = false;
        } else {
          expectKey[top] = true;
          remaining[top] = remaining[top]! - 1;
        }
      } else {
        remaining[top] = remaining[top]! - 1;
      }
    }

    if (container !== undefined) {
      if (remaining.length + 1 > limits.maxDepth) {
        throw new DecodeError(FORMAT, "too-deep", `nesting deeper than ${limits.maxDepth} at byte ${start}`);
      }
      remaining.push(containerLength);
      isMap.push(container === "map");
      expectKey.push(true);
    } else if (remaining.length === 0) {
      rootDone = true;
    }

    // Close every container that is complete.
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

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function u32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/** Keys and ids are ASCII: a byte loop answers for them without a subarray per string. */
function isAsciiOrUtf8(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (bytes[i]! >= 0x80) return isUtf8(bytes.subarray(i, to));
  }
  return true;
}

function nonStringKey(at: number): DecodeError {
  return new DecodeError(FORMAT, "non-string-key", `map key at byte ${at} is not a string`);
}
