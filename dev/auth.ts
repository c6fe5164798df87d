import type { IncomingHttpHeaders } from "node:http";
import type { ProjectSettings } from "../config/projects.ts";
import { HttpProblem } from "./problems.ts";

// DSN authentication as Relay does it (relay-server `extractors/request_meta.rs`,
// formats.md §6.2). Exactly one of these may carry the public key:
//   X-Sentry-Auth: Sentry sentry_key=<key>, sentry_version=7, sentry_client=<sdk>
//   Authorization: Sentry sentry_key=<key>, ...      (same syntax)
//   Authorization: Basic base64(<key>:)
//   ?sentry_key=<key>&sentry_version=7
// and, for envelopes only, the envelope header `dsn` (which must agree with the others when
// both are present). `sentry_secret` is legacy and ignored. Two request credentials are
// "multiple auth" (400); none at all is 401; a key that is unknown or belongs to another
// project is 403.

/** Relay's `PROTOCOL_VERSION`: newer `sentry_version`s are refused. */
export const MAX_PROTOCOL_VERSION = 7;

const PUBLIC_KEY = /^[0-9a-fA-F]{32}$/;

export type CredentialSource = "x-sentry-auth" | "authorization" | "basic" | "query" | "envelope-dsn";

export interface Credentials {
  /** 32 lowercase hex, flags (`.no-cache`) removed. */
  readonly publicKey: string;
  readonly source: CredentialSource;
  readonly client?: string;
  /** The project id of an envelope `dsn`, checked against the URL. */
  readonly dsnProjectId?: number;
}

/** The two lookups authentication needs; `ProjectsFile` (config/projects.ts) provides both. */
export interface ProjectKeys {
  get(projectId: number): ProjectSettings | undefined;
  byPublicKey(publicKey: string): ProjectSettings | undefined;
}

function publicKey(raw: string | undefined, source: CredentialSource): string {
  if (raw === undefined || raw === "") {
    throw new HttpProblem("missing_auth", `missing sentry_key in ${source} credentials`);
  }
  // Relay's ProjectKey::parse_with_flags: `<key>.<flag>.<flag>`.
  const key = raw.split(".")[0] ?? "";
  if (!PUBLIC_KEY.test(key))
    throw new HttpProblem("invalid_key", "invalid project key: expected 32 hex characters");
  return key.toLowerCase();
}

function checkVersion(raw: string | undefined): void {
  if (raw === undefined) return;
  const version = Number.parseInt(raw, 10);
  if (Number.isInteger(version) && version > MAX_PROTOCOL_VERSION) {
    throw new HttpProblem("unsupported_version", `unsupported protocol version ${version}`);
  }
}

/** `sentry_key=..., sentry_version=7, ...` after the `Sentry ` scheme; keys lose their `sentry_` prefix. */
function parseSentryAuth(value: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of value.slice("sentry ".length).split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part
      .slice(0, eq)
      .trim()
      .replace(/^sentry_/, "");
    const raw = part.slice(eq + 1).trim();
    pairs.set(key, raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
  }
  return pairs;
}

function fromPairs(pairs: ReadonlyMap<string, string>, source: CredentialSource): Credentials {
  checkVersion(pairs.get("version"));
  const client = pairs.get("client");
  return { publicKey: publicKey(pairs.get("key"), source), source, ...(client ? { client } : {}) };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sentryScheme(value: string | undefined): string | undefined {
  return value !== undefined && value.length >= 7 && value.slice(0, 7).toLowerCase() === "sentry "
    ? value
    : undefined;
}

function basicUser(value: string | undefined): string | undefined {
  if (value === undefined || value.length < 6 || value.slice(0, 6).toLowerCase() !== "basic ")
    return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : decoded.slice(0, colon);
}

/**
 * The credentials a request carries in its headers or query string, or undefined when it
 * carries none (envelopes may still authenticate with their `dsn` header).
 */
export function credentialsFromRequest(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): Credentials | undefined {
  const found: Credentials[] = [];
  const xSentryAuth = sentryScheme(headerValue(headers, "x-sentry-auth"));
  if (xSentryAuth !== undefined) found.push(fromPairs(parseSentryAuth(xSentryAuth), "x-sentry-auth"));
  const authorization = headerValue(headers, "authorization");
  const sentryAuthorization = sentryScheme(authorization);
  if (sentryAuthorization !== undefined) {
    found.push(fromPairs(parseSentryAuth(sentryAuthorization), "authorization"));
  }
  const basic = basicUser(authorization);
  if (basic !== undefined) found.push({ publicKey: publicKey(basic, "basic"), source: "basic" });
  if ([...query.keys()].some((key) => key.startsWith("sentry_"))) {
    const pairs = new Map<string, string>();
    for (const [key, value] of query)
      if (key.startsWith("sentry_")) pairs.set(key.slice("sentry_".length), value);
    found.push(fromPairs(pairs, "query"));
  }
  if (found.length > 1) throw new HttpProblem("bad_auth", "multiple authorization payloads detected");
  return found[0];
}

/** Credentials from an envelope's `dsn` header: `{scheme}://{key}[:{secret}]@{host}/{project_id}`. */
export function credentialsFromDsn(dsn: string): Credentials {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch (error) {
    if (error instanceof TypeError)
      throw new HttpProblem("bad_auth", "invalid dsn in envelope header", { cause: error });
    throw error;
  }
  const lastSegment = url.pathname
    .split("/")
    .filter((s) => s.length > 0)
    .at(-1);
  const projectId = lastSegment !== undefined && /^\d+$/.test(lastSegment) ? Number(lastSegment) : undefined;
  if (projectId === undefined || !Number.isSafeInteger(projectId)) {
    throw new HttpProblem("bad_auth", "invalid dsn in envelope header: no project id");
  }
  return {
    publicKey: publicKey(decodeURIComponent(url.username), "envelope-dsn"),
    source: "envelope-dsn",
    dsnProjectId: projectId,
  };
}

/**
 * Combines request credentials with an envelope's `dsn` header: the dsn may stand in for
 * missing request credentials, and must agree with them when both are there.
 */
export function reconcileDsn(
  request: Credentials | undefined,
  dsn: string | undefined,
  projectId: number,
): Credentials {
  const fromDsn = dsn === undefined ? undefined : credentialsFromDsn(dsn);
  if (fromDsn?.dsnProjectId !== undefined && fromDsn.dsnProjectId !== projectId) {
    throw new HttpProblem("bad_auth", "project id header mismatch between envelope and request");
  }
  if (request && fromDsn && request.publicKey !== fromDsn.publicKey) {
    throw new HttpProblem("bad_auth", "public key header mismatch between envelope and request");
  }
  const credentials = request ?? fromDsn;
  if (!credentials) throw new HttpProblem("missing_auth", "missing authorization information");
  return credentials;
}

/** The project the credentials open, which must be the one named in the URL. */
export function authorize(
  credentials: Credentials,
  projectId: number,
  projects: ProjectKeys,
): ProjectSettings {
  const project = projects.byPublicKey(credentials.publicKey);
  if (!project) throw new HttpProblem("forbidden", "unknown project key");
  if (project.id !== projectId)
    throw new HttpProblem("forbidden", "the project key does not belong to this project");
  return project;
}
