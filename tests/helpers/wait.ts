// Polling for the unit suites that run a consumer chain in the background on the in-memory
// broker: the test waits for an observable effect (a commit, a record, a metric) instead of
// sleeping a fixed time.

const POLL_MS = 5;

/** Resolves once `condition` holds; throws after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
