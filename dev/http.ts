import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { HttpProblem } from "./problems.ts";

// Response helpers shared by the ingestion endpoints and the issues API.

/**
 * CORS as Relay answers it on its store endpoints: any origin, POST, the headers browser
 * SDKs send, and the rate-limit/error headers exposed to them.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, authorization, content-encoding, transfer-encoding, sentry-trace, baggage",
  "access-control-expose-headers": "x-sentry-error, x-sentry-rate-limits, retry-after, link",
  "access-control-max-age": "3600",
};

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** Header values must be printable ASCII; the JSON body keeps the full text. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 512);
}

/** `{"detail": "..."}` like Relay and Sentry's API, plus Relay's `X-Sentry-Error` header. */
export function sendProblem(response: ServerResponse, problem: HttpProblem): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(
    response,
    problem.status,
    { detail: problem.message },
    { "x-sentry-error": headerSafe(problem.message) },
  );
}

/** The client's IP as Relay records it: IPv4-mapped IPv6 addresses in their IPv4 form. */
export function clientAddress(socket: Socket): string | null {
  const address = socket.remoteAddress;
  if (address === undefined) return null;
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
}

export function isLoopback(address: string | null): boolean {
  return address !== null && (address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address));
}
