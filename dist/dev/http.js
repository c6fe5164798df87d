// dev/http.ts
var CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, authorization, content-encoding, transfer-encoding, sentry-trace, baggage",
  "access-control-expose-headers": "x-sentry-error, x-sentry-rate-limits, retry-after, link",
  "access-control-max-age": "3600"
};
function sendJson(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text)
  });
  response.end(text);
}
function headerSafe(text) {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 512);
}
function sendProblem(response, problem) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(
    response,
    problem.status,
    { detail: problem.message },
    { "x-sentry-error": headerSafe(problem.message) }
  );
}
function clientAddress(socket) {
  const address = socket.remoteAddress;
  if (address === void 0) return null;
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
}
function isLoopback(address) {
  return address !== null && (address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address));
}
export {
  CORS_HEADERS,
  clientAddress,
  isLoopback,
  sendJson,
  sendProblem
};
//# sourceMappingURL=http.js.map
