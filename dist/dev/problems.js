// dev/problems.ts
var PROBLEM_STATUS = {
  /** Envelope framing, item headers, lengths. */
  bad_envelope: 400,
  /** An event-like payload (or `/store/` body) that is not a UTF-8 JSON object. */
  bad_payload: 400,
  /** Two credentials in one request, or envelope `dsn` disagreeing with the request. */
  bad_auth: 400,
  /** `sentry_version` newer than Relay understands. */
  unsupported_version: 400,
  /** The project id in the path is not a number. */
  bad_project: 400,
  /** A query parameter of the API (limit, cursor) is malformed. */
  bad_query: 400,
  /** `Content-Encoding` said gzip/deflate/br/zstd but the bytes are not. */
  bad_compression: 400,
  missing_auth: 401,
  /** A credential that is not a 32-hex public key. */
  invalid_key: 401,
  /** The API was called from a non-loopback address (the dev API has no tokens). */
  api_unauthenticated: 401,
  /** The key is unknown, or belongs to another project. */
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  unsupported_encoding: 415,
  /** A bug: an error the server did not expect (logged with its stack). */
  internal: 500,
  /** The broker did not accept the messages. */
  produce_failed: 503
};
var HttpProblem = class extends Error {
  constructor(reason, message, options) {
    super(message, options);
    this.reason = reason;
    this.name = "HttpProblem";
    this.status = PROBLEM_STATUS[reason];
  }
  reason;
  status;
};
export {
  HttpProblem,
  PROBLEM_STATUS
};
//# sourceMappingURL=problems.js.map
