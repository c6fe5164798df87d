// A small Node application instrumented with the real @sentry/node SDK, run as a child
// process by sentry-sdk.test.ts with SENTRY_DSN pointing at `ingest dev`. It reports three
// different exceptions (the first one twice, from the same line) and one message, flushes,
// and prints the ids the SDK returned as one JSON line. Nothing about the SDK is mocked:
// its own HTTP transport posts envelopes to the dev intake.
import * as Sentry from "@sentry/node";

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: "sdk-e2e@1.0.0",
  environment: "e2e",
  // Errors only: no transactions, no sessions, no client reports to muddy the counts.
  tracesSampleRate: 0,
  sendClientReports: false,
});

class DatabaseUnavailable extends Error {
  constructor(message) {
    super(message);
    this.name = "DatabaseUnavailable";
  }
}

function loadUser(users, id) {
  // TypeError: reading a property of undefined.
  return users[id].name;
}

function computeTotal(count) {
  return new Array(count).fill(0).length;
}

function connectDatabase(host) {
  throw new DatabaseUnavailable(`cannot reach ${host}:5432`);
}

function warmCache(entries) {
  // @sentry/node attaches a stack trace to messages by default (attachStacktrace: true).
  return Sentry.captureMessage(`Cache warmed up with ${entries} entries`, "warning");
}

function report(run) {
  try {
    run();
  } catch (error) {
    return Sentry.captureException(error);
  }
  throw new Error("expected the call to throw");
}

const ids = {
  typeError: [report(() => loadUser({}, 7)), report(() => loadUser({}, 8))],
  rangeError: report(() => computeTotal(-1)),
  database: report(() => connectDatabase("db.internal")),
  message: warmCache(0),
};

const flushed = await Sentry.flush(15_000);
process.stdout.write(`${JSON.stringify({ flushed, ids })}\n`);
process.exitCode = flushed ? 0 : 1;
