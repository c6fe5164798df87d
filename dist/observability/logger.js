// observability/logger.ts
import { pino } from "pino";
function createLogger(options) {
  const fd = options.destination === "stderr" ? 2 : 1;
  return pino(
    {
      level: options.level,
      base: options.name ? { service: options.name } : { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime
    },
    pino.destination({ fd, sync: false })
  );
}
function silentLogger() {
  return pino({ level: "silent" });
}
export {
  createLogger,
  silentLogger
};
//# sourceMappingURL=logger.js.map
