// dev/body.ts
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { DecompressStream } from "zstd-napi";
import { HttpProblem } from "./problems.js";
var RequestAborted = class extends Error {
  constructor() {
    super("the client closed the connection before the request body was complete");
    this.name = "RequestAborted";
  }
};
var CONTENT_ENCODINGS = ["gzip", "x-gzip", "deflate", "br", "zstd"];
function decoderFor(header) {
  const encodings = (header ?? "").split(",").map((part) => part.trim().toLowerCase()).filter((part) => part !== "" && part !== "identity");
  if (encodings.length === 0) return void 0;
  if (encodings.length > 1)
    throw new HttpProblem("unsupported_encoding", "stacked content encodings are not supported");
  switch (encodings[0]) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    case "zstd":
      return new DecompressStream();
    default:
      throw new HttpProblem(
        "unsupported_encoding",
        `unsupported content encoding ${JSON.stringify(encodings[0])}`
      );
  }
}
function declaredLength(request) {
  const header = request.headers["content-length"];
  if (header === void 0) return void 0;
  const length = Number(header);
  return Number.isSafeInteger(length) ? length : void 0;
}
function tooLarge(what, limit) {
  return new HttpProblem("too_large", `${what} exceeds the limit of ${limit} bytes`);
}
var discarding = /* @__PURE__ */ new WeakSet();
function discardBody(request, budget) {
  if (request.complete || discarding.has(request)) return;
  discarding.add(request);
  let seen = 0;
  request.on("error", () => {
  });
  request.on("data", (chunk) => {
    seen += chunk.length;
    if (seen > budget) request.socket.destroy();
  });
  request.resume();
}
function readBody(request, limits) {
  const declared = declaredLength(request);
  let decoder;
  try {
    if (declared !== void 0 && declared > limits.maxBodyBytes)
      throw tooLarge("request body", limits.maxBodyBytes);
    decoder = decoderFor(request.headers["content-encoding"]);
  } catch (error) {
    discardBody(request, limits.maxBodyBytes);
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let raw = 0;
    let decoded = 0;
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onClose);
      request.off("error", onError);
      decoder?.destroy();
      if (error === void 0) {
        resolve(Buffer.concat(chunks, decoded));
        return;
      }
      if (!(error instanceof RequestAborted)) discardBody(request, limits.maxBodyBytes);
      reject(error);
    };
    const accept = (chunk) => {
      if (done) return;
      decoded += chunk.length;
      if (decoded > limits.maxDecodedBytes)
        finish(tooLarge("decompressed request body", limits.maxDecodedBytes));
      else chunks.push(chunk);
    };
    const onData = (chunk) => {
      raw += chunk.length;
      if (raw > limits.maxBodyBytes) {
        finish(tooLarge("request body", limits.maxBodyBytes));
        return;
      }
      if (!decoder) {
        accept(chunk);
        return;
      }
      if (!decoder.write(chunk)) {
        request.pause();
        decoder.once("drain", () => {
          if (!done) request.resume();
        });
      }
    };
    const onEnd = () => {
      if (decoder) decoder.end();
      else finish();
    };
    const onClose = () => {
      if (!request.complete) finish(new RequestAborted());
    };
    const onError = () => finish(new RequestAborted());
    if (decoder) {
      const encoding = String(request.headers["content-encoding"]);
      decoder.on("data", accept);
      decoder.on("end", () => finish());
      decoder.on(
        "error",
        (error) => finish(new HttpProblem("bad_compression", `request body is not valid ${encoding}`, { cause: error }))
      );
    }
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("close", onClose);
    request.on("error", onError);
  });
}
export {
  CONTENT_ENCODINGS,
  RequestAborted,
  discardBody,
  readBody
};
//# sourceMappingURL=body.js.map
