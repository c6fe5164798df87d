import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/**
 * The process's pino logger: JSON lines to stdout (stderr for CLI tools that print
 * results on stdout), a constant event name as the message and fields beside it.
 */
export function createLogger(options: {
  readonly level: string;
  readonly name?: string;
  readonly destination?: "stdout" | "stderr";
}): Logger {
  const fd = options.destination === "stderr" ? 2 : 1;
  return pino(
    {
      level: options.level,
      base: options.name ? { service: options.name } : { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd, sync: false }),
  );
}

/** A logger that drops everything, for tests and library use without output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
