// dev/auth.ts
import { HttpProblem } from "./problems.js";
var MAX_PROTOCOL_VERSION = 7;
var PUBLIC_KEY = /^[0-9a-fA-F]{32}$/;
function publicKey(raw, source) {
  if (raw === void 0 || raw === "") {
    throw new HttpProblem("missing_auth", `missing sentry_key in ${source} credentials`);
  }
  const key = raw.split(".")[0] ?? "";
  if (!PUBLIC_KEY.test(key))
    throw new HttpProblem("invalid_key", "invalid project key: expected 32 hex characters");
  return key.toLowerCase();
}
function checkVersion(raw) {
  if (raw === void 0) return;
  const version = Number.parseInt(raw, 10);
  if (Number.isInteger(version) && version > MAX_PROTOCOL_VERSION) {
    throw new HttpProblem("unsupported_version", `unsupported protocol version ${version}`);
  }
}
function parseSentryAuth(value) {
  const pairs = /* @__PURE__ */ new Map();
  for (const part of value.slice("sentry ".length).split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim().replace(/^sentry_/, "");
    const raw = part.slice(eq + 1).trim();
    pairs.set(key, raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
  }
  return pairs;
}
function fromPairs(pairs, source) {
  checkVersion(pairs.get("version"));
  const client = pairs.get("client");
  return { publicKey: publicKey(pairs.get("key"), source), source, ...client ? { client } : {} };
}
function headerValue(headers, name) {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
function sentryScheme(value) {
  return value !== void 0 && value.length >= 7 && value.slice(0, 7).toLowerCase() === "sentry " ? value : void 0;
}
function basicUser(value) {
  if (value === void 0 || value.length < 6 || value.slice(0, 6).toLowerCase() !== "basic ")
    return void 0;
  const decoded = Buffer.from(value.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? void 0 : decoded.slice(0, colon);
}
function credentialsFromRequest(headers, query) {
  const found = [];
  const xSentryAuth = sentryScheme(headerValue(headers, "x-sentry-auth"));
  if (xSentryAuth !== void 0) found.push(fromPairs(parseSentryAuth(xSentryAuth), "x-sentry-auth"));
  const authorization = headerValue(headers, "authorization");
  const sentryAuthorization = sentryScheme(authorization);
  if (sentryAuthorization !== void 0) {
    found.push(fromPairs(parseSentryAuth(sentryAuthorization), "authorization"));
  }
  const basic = basicUser(authorization);
  if (basic !== void 0) found.push({ publicKey: publicKey(basic, "basic"), source: "basic" });
  if ([...query.keys()].some((key) => key.startsWith("sentry_"))) {
    const pairs = /* @__PURE__ */ new Map();
    for (const [key, value] of query)
      if (key.startsWith("sentry_")) pairs.set(key.slice("sentry_".length), value);
    found.push(fromPairs(pairs, "query"));
  }
  if (found.length > 1) throw new HttpProblem("bad_auth", "multiple authorization payloads detected");
  return found[0];
}
function credentialsFromDsn(dsn) {
  let url;
  try {
    url = new URL(dsn);
  } catch (error) {
    if (error instanceof TypeError)
      throw new HttpProblem("bad_auth", "invalid dsn in envelope header", { cause: error });
    throw error;
  }
  const lastSegment = url.pathname.split("/").filter((s) => s.length > 0).at(-1);
  const projectId = lastSegment !== void 0 && /^\d+$/.test(lastSegment) ? Number(lastSegment) : void 0;
  if (projectId === void 0 || !Number.isSafeInteger(projectId)) {
    throw new HttpProblem("bad_auth", "invalid dsn in envelope header: no project id");
  }
  return {
    publicKey: publicKey(decodeURIComponent(url.username), "envelope-dsn"),
    source: "envelope-dsn",
    dsnProjectId: projectId
  };
}
function reconcileDsn(request, dsn, projectId) {
  const fromDsn = dsn === void 0 ? void 0 : credentialsFromDsn(dsn);
  if (fromDsn?.dsnProjectId !== void 0 && fromDsn.dsnProjectId !== projectId) {
    throw new HttpProblem("bad_auth", "project id header mismatch between envelope and request");
  }
  if (request && fromDsn && request.publicKey !== fromDsn.publicKey) {
    throw new HttpProblem("bad_auth", "public key header mismatch between envelope and request");
  }
  const credentials = request ?? fromDsn;
  if (!credentials) throw new HttpProblem("missing_auth", "missing authorization information");
  return credentials;
}
function authorize(credentials, projectId, projects) {
  const project = projects.byPublicKey(credentials.publicKey);
  if (!project) throw new HttpProblem("forbidden", "unknown project key");
  if (project.id !== projectId)
    throw new HttpProblem("forbidden", "the project key does not belong to this project");
  return project;
}
export {
  MAX_PROTOCOL_VERSION,
  authorize,
  credentialsFromDsn,
  credentialsFromRequest,
  reconcileDsn
};
//# sourceMappingURL=auth.js.map
