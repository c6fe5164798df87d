import { request as httpRequest } from "node:http";
import { Readable } from "node:stream";
import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compress as zstdCompress } from "zstd-napi";
import type { RelayEventMessage } from "../../../schemas/relay/types.ts";
import {
  ENVELOPE_PATH,
  fixture,
  KEY_1,
  minimalEnvelope,
  type Reply,
  sentryAuth,
  startTestServer,
  type TestServer,
} from "./helpers.ts";

const MiB = 1024 * 1024;
const AUTH = sentryAuth(KEY_1);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ devMaxBodyBytes: 4 * MiB, devMaxEnvelopeBytes: 8 * MiB });
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.producer.take();
});

function postEnvelope(body: Buffer | string, headers: Record<string, string> = {}): Promise<Reply> {
  return t.send({ path: ENVELOPE_PATH, headers: { ...AUTH, ...headers }, body });
}

/** The server still serves: a normal envelope on the same keep-alive agent is accepted. */
async function expectStillServing(): Promise<void> {
  t.producer.take();
  const reply = await postEnvelope(minimalEnvelope());
  expect(reply.status).toBe(200);
  expect(t.producer.take()).toHaveLength(1);
}

describe("dev intake: compressed request bodies", () => {
  const body = fixture("node-error.envelope");
  const encodings: ReadonlyArray<readonly [string, Buffer]> = [
    ["gzip", gzipSync(body)],
    ["x-gzip", gzipSync(body)],
    ["deflate", deflateSync(body)],
    ["br", brotliCompressSync(body)],
    ["zstd", zstdCompress(body)],
  ];

  for (const [encoding, compressed] of encodings) {
    it(`accepts a ${encoding} body and forwards the decompressed event unchanged`, async () => {
      const reply = await postEnvelope(compressed, { "content-encoding": encoding });
      expect(reply.status).toBe(200);
      const [record] = t.producer.take();
      const payload = (record!.message as RelayEventMessage).payload;
      expect(payload.equals(body.subarray(body.lastIndexOf(0x0a) + 1))).toBe(true);
    });
  }

  it("accepts identity and an empty Content-Encoding as uncompressed", async () => {
    expect((await postEnvelope(body, { "content-encoding": "identity" })).status).toBe(200);
  });

  for (const encoding of ["gzip", "deflate", "br", "zstd"]) {
    it(`answers 400 for a body that is not valid ${encoding}, and keeps serving`, async () => {
      const reply = await postEnvelope(Buffer.from("this is not compressed at all, just text"), {
        "content-encoding": encoding,
      });
      expect(reply.status).toBe(400);
      expect((reply.json as { detail: string }).detail).toBe(`request body is not valid ${encoding}`);
      await expectStillServing();
    });
  }

  it("answers 400 for a truncated gzip body", async () => {
    const truncated = gzipSync(body).subarray(0, 40);
    expect((await postEnvelope(truncated, { "content-encoding": "gzip" })).status).toBe(400);
    await expectStillServing();
  });

  it("answers 415 for an encoding it does not know and for stacked encodings", async () => {
    expect((await postEnvelope(body, { "content-encoding": "compress" })).status).toBe(415);
    expect((await postEnvelope(gzipSync(gzipSync(body)), { "content-encoding": "gzip, gzip" })).status).toBe(
      415,
    );
    await expectStillServing();
  });
});

describe("dev intake: size limits", () => {
  it("answers 413 for a gzip decompression bomb, stopping at the decompressed cap", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(MiB);
    const started = Date.now();
    const reply = await postEnvelope(bomb, { "content-encoding": "gzip" });
    expect(reply.status).toBe(413);
    expect((reply.json as { detail: string }).detail).toBe(
      `decompressed request body exceeds the limit of ${8 * MiB} bytes`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await expectStillServing();
  });

  it("answers 413 for a brotli bomb", async () => {
    const bomb = brotliCompressSync(Buffer.alloc(64 * MiB), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
    });
    const reply = await postEnvelope(bomb, { "content-encoding": "br" });
    expect(reply.status).toBe(413);
    await expectStillServing();
  });

  it("answers 413 as soon as the headers declare a body above the cap, without waiting for it", async () => {
    const started = Date.now();
    const reply = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(new URL(ENVELOPE_PATH, t.server.url), {
        method: "POST",
        headers: { ...AUTH, "content-length": String(50 * MiB) },
        agent: false,
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (error) => {
        if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
      });
      req.flushHeaders();
    });
    expect(reply).toBe(413);
    expect(Date.now() - started).toBeLessThan(1000);
    await expectStillServing();
  });

  it("answers 413 to a streamed 50 MB chunked body long before it is all sent, then keeps serving", async () => {
    let generated = 0;
    const source = new Readable({
      read() {
        if (generated >= 50 * MiB) {
          this.push(null);
          return;
        }
        generated += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 0x61));
      },
    });
    const started = Date.now();
    const result = await new Promise<{ status: number; generatedAtResponse: number; detail: string }>(
      (resolve, reject) => {
        const req = httpRequest(new URL(ENVELOPE_PATH, t.server.url), {
          method: "POST",
          headers: AUTH,
          agent: false,
        });
        req.on("response", (res) => {
          const generatedAtResponse = generated;
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            resolve({
              status: res.statusCode ?? 0,
              generatedAtResponse,
              detail: JSON.parse(Buffer.concat(chunks).toString()).detail,
            });
            source.destroy();
            req.destroy();
          });
        });
        // The server closes the socket once it has discarded another cap's worth: the upload
        // then fails on the client side, after the answer arrived.
        req.on("error", (error) => {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== "ECONNRESET" && code !== "EPIPE") reject(error);
        });
        source.pipe(req);
      },
    );
    expect(result.status).toBe(413);
    expect(result.detail).toBe(`request body exceeds the limit of ${4 * MiB} bytes`);
    expect(result.generatedAtResponse).toBeLessThan(25 * MiB);
    expect(Date.now() - started).toBeLessThan(5000);
    await expectStillServing();
  });

  it("answers Expect: 100-continue uploads: continue within the cap, 413 before the body above it", async () => {
    const upload = (length: number, body: Buffer) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = httpRequest(new URL(ENVELOPE_PATH, t.server.url), {
          method: "POST",
          headers: { ...AUTH, expect: "100-continue", "content-length": String(length) },
          agent: false,
        });
        req.on("continue", () => {
          continued = true;
          req.end(body);
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, continued }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    const small = Buffer.from(minimalEnvelope());
    expect(await upload(small.length, small)).toEqual({ status: 200, continued: true });
    expect(await upload(50 * MiB, Buffer.alloc(0))).toEqual({ status: 413, continued: false });
    await expectStillServing();
  });

  it("keeps serving when a client disconnects halfway through its body", async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(new URL(ENVELOPE_PATH, t.server.url), {
        method: "POST",
        headers: { ...AUTH, "content-length": "100000" },
        agent: false,
      });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(1000, 0x61), () => {
        req.destroy();
        resolve();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = await t.metrics.devRequestsRejected.get();
    expect(aborted.values.some((v) => v.labels.reason === "aborted" && v.value >= 1)).toBe(true);
    await expectStillServing();
  });

  it("answers 413 for an event item above the event size limit (maxPayloadBytes)", async () => {
    const big = `{"message":"${"x".repeat(1_048_576)}"}`;
    const body = `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"event","length":${big.length}}\n${big}\n`;
    const reply = await postEnvelope(body);
    expect(reply.status).toBe(413);
    expect(t.producer.take()).toEqual([]);
    await expectStillServing();
  });

  it("uses the registered defaults when no limits are given: a 120 MiB gzip bomb is 413", async () => {
    const defaults = await startTestServer();
    try {
      const bomb = gzipSync(Buffer.alloc(120 * MiB), { level: 9 });
      const reply = await defaults.send({
        path: ENVELOPE_PATH,
        headers: { ...AUTH, "content-encoding": "gzip" },
        body: bomb,
      });
      expect(reply.status).toBe(413);
      expect(defaults.options.devMaxEnvelopeBytes).toBe(100 * MiB);
    } finally {
      await defaults.close();
    }
  });
});

describe("dev intake: hostile envelopes get a detail each, and the server keeps serving", () => {
  const eventId = "9ec79c33ec9942ab8353589fcb2e04dc";
  const header = `{"event_id":"${eventId}"}`;
  const cases: ReadonlyArray<readonly [string, Buffer | string, number, RegExp]> = [
    ["an empty body", "", 400, /missing envelope header/],
    ["a header that is not JSON", "{event_id: 1}\n", 400, /envelope header is not valid JSON/],
    ["a header that is a JSON array", "[]\n", 400, /must be a JSON object/],
    ["an invalid item header", `${header}\n{"type":\n{}`, 400, /item header is not valid JSON/],
    [
      "a length beyond the body",
      `${header}\n{"type":"event","length":4096}\n{}`,
      400,
      /unexpected end of envelope/,
    ],
    ["a negative length", `${header}\n{"type":"event","length":-5}\n{}`, 400, /non-negative integer/],
    ["a non-numeric length", `${header}\n{"type":"event","length":"ten"}\n{}`, 400, /non-negative integer/],
    ["a huge length", `${header}\n{"type":"event","length":1e300}\n{}`, 400, /non-negative integer/],
    [
      "a length shorter than the payload",
      `${header}\n{"type":"event","length":3}\n{"a":1}\n`,
      400,
      /missing newline/,
    ],
    ["a non-object event payload", `${header}\n{"type":"event"}\n[1,2,3]`, 400, /must be a JSON object/],
    ["a null event payload", `${header}\n{"type":"event"}\nnull`, 400, /must be a JSON object/],
    [
      "an event payload that is not JSON",
      `${header}\n{"type":"event"}\n{"unterminated":`,
      400,
      /not valid JSON/,
    ],
    ["an empty event payload", `${header}\n{"type":"event","length":0}\n`, 400, /not valid JSON/],
    ["two event items", `${header}\n{"type":"event"}\n{}\n{"type":"event"}\n{}`, 400, /duplicate event item/],
    [
      "invalid UTF-8 in the event payload",
      Buffer.concat([
        Buffer.from(`${header}\n{"type":"event"}\n{"message":"`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
      400,
      /not valid UTF-8/,
    ],
    [
      "invalid UTF-8 in the envelope header",
      Buffer.concat([Buffer.from('{"sdk":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}\n')]),
      400,
      /not valid UTF-8/,
    ],
    ["a non-object user report", `${header}\n{"type":"user_report"}\n"thanks"`, 400, /must be a JSON object/],
    [
      "a deeply nested event",
      `${header}\n{"type":"event"}\n{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      200,
      /./,
    ],
  ];

  for (const [name, body, status, detail] of cases) {
    it(`answers ${status} for ${name}`, async () => {
      const reply = await postEnvelope(body);
      expect(reply.status).toBe(status);
      if (status !== 200) {
        expect((reply.json as { detail: string }).detail).toMatch(detail);
        expect(reply.headers["x-sentry-error"]).toBeDefined();
        expect(t.producer.take()).toEqual([]);
      }
      await expectStillServing();
    });
  }

  it("answers 400 for a store body that is not a JSON object", async () => {
    for (const body of ["[]", '"x"', "{bad json", ""]) {
      const reply = await t.send({ path: "/api/1/store/", headers: AUTH, body });
      expect(reply.status).toBe(400);
    }
    await expectStillServing();
  });
});
