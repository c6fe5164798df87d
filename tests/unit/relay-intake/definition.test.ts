import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OptionError } from "../../../config/options.ts";
import { projectSourceKind } from "../../../config/project-sources.ts";
import { memoryBackend } from "../../../consumers/backends.ts";
import { relayIntakeConsumer } from "../../../consumers/relay-intake/definition.ts";
import { startConsumer } from "../../../consumers/runner.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { tempDirsRemovedAfterEach } from "../../helpers/temp-dirs.ts";
import {
  ATTACHMENTS,
  committedAll,
  EVENTS,
  eventsRaw,
  newBroker,
  send,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";
import { attachmentMessages, eventId, eventMessage, PROJECTS_YAML } from "./messages.ts";

const tempDir = tempDirsRemovedAfterEach("relay-intake-definition-");

describe("relayIntakeConsumer", () => {
  it("runs through the runner in embedded mode: in-process stores, projects.yaml, attachments on disk", async () => {
    const dir = tempDir();
    const projectsFile = join(dir, "projects.yaml");
    writeFileSync(projectsFile, PROJECTS_YAML);
    const options = testOptions({ projectsFile, attachmentStoreDir: join(dir, "attachments") });
    const broker = newBroker();
    const id = eventId(1);
    const built = attachmentMessages(id, "log", Buffer.from("0123456789"), { chunkSize: 4 });
    for (const chunk of built.chunks) send(broker, ATTACHMENTS, chunk, id);
    send(broker, ATTACHMENTS, eventMessage(id, { attachments: [built.descriptor] }), id);
    send(broker, EVENTS, eventMessage(eventId(2), { projectId: 2 }), eventId(2));

    const running = await startConsumer(relayIntakeConsumer, {
      settings: testSettings(),
      options,
      backend: memoryBackend(broker, options),
      mode: "embedded",
      metrics: createMetrics(),
      logger: silentLogger(),
    });
    try {
      // The runner's loop waits up to a second in an idle poll, so this takes a few turns.
      await waitFor(() => committedAll(broker), 15_000);
    } finally {
      running.shutdown();
      await running.done;
    }
    const produced = await eventsRaw(broker);
    expect(produced.map((r) => r.event_id).sort()).toEqual([id, eventId(2)]);
    expect(produced.find((r) => r.event_id === id)?.organization_id).toBe(11);
    expect(readFileSync(join(dir, "attachments", "1", id, "log", "log.txt"), "utf8")).toBe("0123456789");
  }, 30_000);

  it("accepts only the known project sources", () => {
    expect(projectSourceKind({ projectSource: "file" })).toBe("file");
    expect(projectSourceKind({ projectSource: "redis" })).toBe("redis");
    expect(() => projectSourceKind({ projectSource: "ldap" })).toThrow(OptionError);
  });

  it("refuses settings without the two output topics", async () => {
    const options = testOptions();
    const context = {
      settings: testSettings({ outputs: ["events-raw"] }),
      options,
      producerFactory: newBroker().producerFactory(),
      metrics: createMetrics(),
      logger: silentLogger(),
    };
    expect(() =>
      relayIntakeConsumer.buildStrategy(
        context,
        {} as Parameters<typeof relayIntakeConsumer.buildStrategy>[1],
      ),
    ).toThrow(/needs two outputs/);
  });
});
