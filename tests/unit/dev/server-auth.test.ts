import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { credentialsFromRequest } from "../../../dev/auth.ts";
import { HttpProblem } from "../../../dev/problems.ts";
import {
  ENVELOPE_PATH,
  fixture,
  KEY_1,
  KEY_2,
  minimalEnvelope,
  sentryAuth,
  startTestServer,
  type TestServer,
  UNKNOWN_KEY,
} from "./helpers.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.producer.take();
});

async function post(
  headers: Record<string, string>,
  path = ENVELOPE_PATH,
  body: string | Buffer = minimalEnvelope(),
) {
  return t.send({ path, headers: { "content-type": "application/x-sentry-envelope", ...headers }, body });
}

describe("dev intake authentication: every form Relay accepts", () => {
  it("accepts X-Sentry-Auth", async () => {
    const reply = await post(sentryAuth(KEY_1));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ id: "9ec79c33ec9942ab8353589fcb2e04dc" });
  });

  it("accepts the Sentry scheme in Authorization, with a legacy secret and key flags", async () => {
    const reply = await post({
      authorization: `Sentry sentry_key=${KEY_1}.no-cache, sentry_secret=abc, sentry_version=7`,
    });
    expect(reply.status).toBe(200);
  });

  it("accepts HTTP Basic auth with the public key as user", async () => {
    const reply = await post({ authorization: `Basic ${Buffer.from(`${KEY_1}:`).toString("base64")}` });
    expect(reply.status).toBe(200);
  });

  it("accepts the sentry_key query parameter", async () => {
    const reply = await post(
      {},
      `${ENVELOPE_PATH}?sentry_key=${KEY_1}&sentry_version=7&sentry_client=custom%2F1.0`,
    );
    expect(reply.status).toBe(200);
  });

  it("accepts the envelope's dsn header when the request carries no credentials", async () => {
    const reply = await post({}, ENVELOPE_PATH, fixture("browser-dsn-header.envelope"));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ id: "0d1f2e3c4b5a69788796a5b4c3d2e1f0" });
  });

  it("accepts the store endpoint with X-Sentry-Auth", async () => {
    const reply = await post(sentryAuth(KEY_1), "/api/1/store/", '{"message":"legacy store"}');
    expect(reply.status).toBe(200);
    expect((reply.json as { id: string }).id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("dev intake authentication: refusals", () => {
  it("answers 401 without any credentials", async () => {
    const reply = await post({});
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ detail: "missing authorization information" });
    expect(t.producer.take()).toEqual([]);
  });

  it("answers 401 on the store endpoint without credentials (it has no dsn header to fall back on)", async () => {
    expect((await post({}, "/api/1/store/", "{}")).status).toBe(401);
  });

  it("answers 401 for a key that is not 32 hex characters", async () => {
    const reply = await post(sentryAuth("not-a-key"));
    expect(reply.status).toBe(401);
    expect((reply.json as { detail: string }).detail).toContain("invalid project key");
  });

  it("answers 403 for an unknown key", async () => {
    const reply = await post(sentryAuth(UNKNOWN_KEY));
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ detail: "unknown project key" });
  });

  it("answers 403 for the key of another project", async () => {
    const reply = await post(sentryAuth(KEY_2));
    expect(reply.status).toBe(403);
    expect((reply.json as { detail: string }).detail).toContain("does not belong to this project");
    expect((await post(sentryAuth(KEY_1), "/api/2/envelope/")).status).toBe(403);
    expect((await post(sentryAuth(KEY_2), "/api/2/envelope/")).status).toBe(200);
  });

  it("answers 403 when the envelope dsn carries another project's key", async () => {
    const body = `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"http://${KEY_2}@127.0.0.1:8000/1"}\n`;
    expect((await post({}, ENVELOPE_PATH, body)).status).toBe(403);
  });

  it("answers 400 when the envelope dsn disagrees with the request credentials or the URL", async () => {
    const otherKey = `{"dsn":"http://${KEY_2}@127.0.0.1:8000/1"}\n`;
    expect((await post(sentryAuth(KEY_1), ENVELOPE_PATH, otherKey)).status).toBe(400);
    const otherProject = `{"dsn":"http://${KEY_1}@127.0.0.1:8000/2"}\n`;
    expect((await post(sentryAuth(KEY_1), ENVELOPE_PATH, otherProject)).status).toBe(400);
  });

  it("answers 400 for two credentials in one request", async () => {
    const reply = await post(sentryAuth(KEY_1), `${ENVELOPE_PATH}?sentry_key=${KEY_1}`);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ detail: "multiple authorization payloads detected" });
  });

  it("answers 400 for a protocol version newer than Relay's", async () => {
    const reply = await post({ "x-sentry-auth": `Sentry sentry_key=${KEY_1}, sentry_version=9` });
    expect(reply.status).toBe(400);
  });

  it("answers 400 for a non-numeric project id", async () => {
    expect((await post(sentryAuth(KEY_1), "/api/abc/envelope/")).status).toBe(400);
  });

  it("produces nothing for any refused request", async () => {
    await post(sentryAuth(KEY_2));
    await post({});
    expect(t.producer.take()).toEqual([]);
  });
});

describe("credentialsFromRequest", () => {
  it("ignores headers that are not in the Sentry scheme, like Relay", () => {
    expect(
      credentialsFromRequest({ "x-sentry-auth": `Bearer ${KEY_1}` }, new URLSearchParams()),
    ).toBeUndefined();
  });

  it("reads key, client and strips quotes", () => {
    expect(
      credentialsFromRequest(
        { "x-sentry-auth": `sentry sentry_key="${KEY_1}", sentry_client=raven-python/6.0` },
        new URLSearchParams(),
      ),
    ).toEqual({ publicKey: KEY_1, source: "x-sentry-auth", client: "raven-python/6.0" });
  });

  it("refuses a Sentry header without a key as missing auth", () => {
    expect(() =>
      credentialsFromRequest({ "x-sentry-auth": "Sentry sentry_version=7" }, new URLSearchParams()),
    ).toThrow(HttpProblem);
  });
});
