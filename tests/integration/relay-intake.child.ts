// The relay-intake consumer as its own process, for relay-intake.test.ts to SIGKILL
// mid-stream. Configured by RELAY_INTAKE_RUN (an IntakeRunConfig as JSON); SIGTERM shuts
// it down gracefully (exit 0).
import { createLogger } from "../../observability/logger.ts";
import { type IntakeRunConfig, startIntakeConsumer } from "./relay-intake.support.ts";

const raw = process.env.RELAY_INTAKE_RUN;
if (!raw) throw new Error("RELAY_INTAKE_RUN is required");
const config = JSON.parse(raw) as IntakeRunConfig;
const logger = createLogger({ level: "warn", destination: "stderr" });
const running = await startIntakeConsumer(config, logger);
process.on("SIGTERM", () => running.shutdown());
running.done.then(
  () => process.exit(0),
  (error: unknown) => {
    logger.error({ err: error }, "relay_intake_child.failed");
    process.exit(1);
  },
);
