import type { IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { DecompressStream } from "zstd-napi";
import { HttpProblem } from "./problems.ts";

// Reading a request body with two caps, both enforced while the bytes stream in:
// - `maxBodyBytes` on the bytes as sent: a declared Content-Length above it is refused
//   before anything is read, and a chunked body is cut off the moment it passes the cap;
// - `maxDecodedBytes` on the bytes after Content-Encoding: decompression runs as a stream
//   and stops at the cap, so a small gzip/br "bomb" never inflates in memory.
// After a refusal the rest of the body is read and thrown away (bounded by another
// `maxBodyBytes`, then the socket is closed), so the client sees the 413 instead of a reset
// and a keep-alive connection can carry the next request.

export interface BodyLimits {
  readonly maxBodyBytes: number;
  readonly maxDecodedBytes: number;
}

/** The client went away before sending the whole body: nobody is left to answer. */
export class RequestAborted extends Error {
  constructor() {
    super("the client closed the connection before the request body was complete");
    this.name = "RequestAborted";
  }
}

/** Encodings SDKs use (formats.md §6.3); `zstd` as newer Relays accept it. */
export const CONTENT_ENCODINGS = ["gzip", "x-gzip", "deflate", "br", "zstd"] as const;

function decoderFor(header: string | undefined): Transform | undefined {
  const encodings = (header ?? "")
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "" && part !== "identity");
  if (encodings.length === 0) return undefined;
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
        `unsupported content encoding ${JSON.stringify(encodings[0])}`,
      );
  }
}

function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers["content-length"];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) ? length : undefined;
}

function tooLarge(what: string, limit: number): HttpProblem {
  return new HttpProblem("too_large", `${what} exceeds the limit of ${limit} bytes`);
}

/**
 * Reads and throws away what is left of a refused body, up to `budget` bytes; past that
 * the connection is closed. Errors on the request are expected here (the client may give
 * up when it sees the refusal) and have no one to report to.
 */
const discarding = new WeakSet<IncomingMessage>();

export function discardBody(request: IncomingMessage, budget: number): void {
  if (request.complete || discarding.has(request)) return;
  discarding.add(request);
  let seen = 0;
  request.on("error", () => {});
  request.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > budget) request.socket.destroy();
  });
  request.resume();
}

/** Reads the whole body, decoded per Content-Encoding. Throws `HttpProblem` or `RequestAborted`. */
export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = declaredLength(request);
  let decoder: Transform | undefined;
  try {
    if (declared !== undefined && declared > limits.maxBodyBytes)
      throw tooLarge("request body", limits.maxBodyBytes);
    decoder = decoderFor(request.headers["content-encoding"]);
  } catch (error) {
    discardBody(request, limits.maxBodyBytes);
    return Promise.reject(error);
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let decoded = 0;
    let done = false;

    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onClose);
      request.off("error", onError);
      decoder?.destroy();
      if (error === undefined) {
        resolve(Buffer.concat(chunks, decoded));
        return;
      }
      if (!(error instanceof RequestAborted)) discardBody(request, limits.maxBodyBytes);
      reject(error);
    };
    const accept = (chunk: Buffer): void => {
      if (done) return;
      decoded += chunk.length;
      if (decoded > limits.maxDecodedBytes)
        finish(tooLarge("decompressed request body", limits.maxDecodedBytes));
      else chunks.push(chunk);
    };
    const onData = (chunk: Buffer): void => {
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
    const onEnd = (): void => {
      if (decoder) decoder.end();
      else finish();
    };
    const onClose = (): void => {
      if (!request.complete) finish(new RequestAborted());
    };
    const onError = (): void => finish(new RequestAborted());

    if (decoder) {
      const encoding = String(request.headers["content-encoding"]);
      decoder.on("data", accept);
      decoder.on("end", () => finish());
      decoder.on("error", (error: Error) =>
        finish(new HttpProblem("bad_compression", `request body is not valid ${encoding}`, { cause: error })),
      );
    }
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("close", onClose);
    request.on("error", onError);
  });
}
