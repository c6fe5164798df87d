// pipelines/strategies/drain.ts
import { yieldToEventLoop } from "../clock.js";
import { MessageRejected } from "../errors.js";
function deadlineAfter(timeoutMs) {
  return timeoutMs === void 0 ? Number.POSITIVE_INFINITY : performance.now() + Math.max(0, timeoutMs);
}
function remainingUntil(deadline) {
  return deadline === Number.POSITIVE_INFINITY ? void 0 : Math.max(0, deadline - performance.now());
}
async function submitBefore(next, message, deadline) {
  for (; ; ) {
    try {
      next.submit(message);
      return true;
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
    if (performance.now() >= deadline) return false;
    next.poll();
    await yieldToEventLoop();
  }
}
async function settledBefore(settled, deadline) {
  if (deadline === Number.POSITIVE_INFINITY) {
    await settled;
    return true;
  }
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, remaining, false);
  });
  const won = await Promise.race([settled.then(() => true), timeout]);
  clearTimeout(timer);
  return won;
}
export {
  deadlineAfter,
  remainingUntil,
  settledBefore,
  submitBefore
};
//# sourceMappingURL=drain.js.map
