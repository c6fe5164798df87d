import { defineConfig } from "vitest/config";

// Four projects, one command: `npm test` runs them all. Integration and e2e tests need the
// real servers from scripts/services.sh; a missing server fails them (never a skip).
// Groups run one after another (unit+conformance, then integration, then e2e), so the
// timing-sensitive suites on real servers do not compete with the CPU-heavy unit files
// on a 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "conformance",
          include: ["tests/conformance/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration suites share one Kafka, ClickHouse and Redis; running files
          // one at a time keeps their timing figures and group rebalances sane.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // Restarts Kafka, ClickHouse and Redis: runs after every other project finished.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
