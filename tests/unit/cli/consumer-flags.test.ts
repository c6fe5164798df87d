import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import {
  createConsumerCommand,
  definitionFor,
  optionOverrides,
  printConsumerList,
  type RunFlags,
  settingsOverrides,
} from "../../../cli/commands/consumer.ts";
import { buildProgram } from "../../../cli/program.ts";
import { UsageError } from "../../../cli/usage.ts";
import { loadOptions } from "../../../config/options.ts";
import { parseTopology } from "../../../config/topology.ts";
import { CONSUMER_NAMES, consumerDefinition } from "../../../consumers/registry.ts";
import { effectiveConsumerConfig, resolveConsumerSettings } from "../../../consumers/settings.ts";

const ROOT = join(import.meta.dirname, "../../..");
const topology = parseTopology(readFileSync(join(ROOT, "topology.yaml"), "utf8"), "topology.yaml");

/** `ingest consumer run ARGS` parsed by the real command, with the action replaced by a capture. */
function parseRun(...args: string[]): { name: string; flags: RunFlags } {
  const consumer = createConsumerCommand();
  const run = consumer.commands.find((c) => c.name() === "run") as Command;
  let captured: { name: string; flags: RunFlags } | undefined;
  run.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  run.action((name: string, flags: RunFlags) => {
    captured = { name, flags };
  });
  run.parse(args, { from: "user" });
  if (captured === undefined) throw new Error("the action did not run");
  return captured;
}

describe("ingest consumer run flags", () => {
  it("leaves every setting to the topology and the environment when no flag is given", () => {
    const { name, flags } = parseRun("storage");
    expect(name).toBe("storage");
    expect(optionOverrides(flags)).toEqual({});
    expect(settingsOverrides(flags)).toEqual({});
  });

  it("maps each flag onto its option or setting", () => {
    const { flags } = parseRun(
      "normalize",
      "--consumer-group",
      "g2",
      "--max-batch-size",
      "7",
      "--max-batch-time-ms",
      "250",
      "--concurrency",
      "3",
      "--auto-offset-reset",
      "latest",
      "--no-strict-offset-reset",
      "--healthcheck-file",
      "/tmp/h.txt",
      "--disable-dlq",
      "--max-poll-interval-ms",
      "45000",
      "--group-instance-id",
      "pod-1",
      "--metrics-port",
      "9100",
      "--log-level",
      "debug",
      "--topology",
      "/etc/t.yaml",
    );
    expect(optionOverrides(flags)).toEqual({
      autoOffsetReset: "latest",
      strictOffsetReset: false,
      healthcheckFile: "/tmp/h.txt",
      maxPollIntervalMs: 45000,
      groupInstanceId: "pod-1",
      metricsPort: 9100,
      logLevel: "debug",
      topologyFile: "/etc/t.yaml",
    });
    expect(settingsOverrides(flags)).toEqual({
      groupId: "g2",
      maxBatchSize: 7,
      maxBatchTimeMs: 250,
      concurrency: 3,
      enableDlq: false,
    });
  });

  it("turns strict offset reset on explicitly and the DLQ back on", () => {
    const { flags } = parseRun("storage", "--strict-offset-reset", "--enable-dlq");
    expect(optionOverrides(flags)).toEqual({ strictOffsetReset: true });
    expect(settingsOverrides(flags)).toEqual({ enableDlq: true });
  });

  it("rejects contradicting DLQ flags as a usage error", () => {
    const { flags } = parseRun("storage", "--enable-dlq", "--disable-dlq");
    expect(() => settingsOverrides(flags)).toThrow(UsageError);
  });

  it("rejects an offset reset policy outside earliest|latest|error", () => {
    expect(() => parseRun("storage", "--auto-offset-reset", "smallest")).toThrow(CommanderError);
  });

  it("rejects a batch size that is not a positive integer with a usage error naming the flag", () => {
    expect(() => parseRun("storage", "--max-batch-size", "0")).toThrow(
      new UsageError("--max-batch-size: expected a positive integer, got 0"),
    );
  });
});

describe("consumer settings precedence", () => {
  const options = loadOptions({}, { maxBatchSize: 11, maxBatchTimeMs: 22, concurrency: 4 });

  it("takes topology.yaml's values over the options registry", () => {
    const settings = resolveConsumerSettings(topology, "storage", options);
    expect(settings).toMatchObject({
      groupId: "storage-consumer",
      inputs: ["events"],
      maxBatchSize: 10000,
      maxBatchTimeMs: 1000,
      concurrency: 1,
    });
    expect(settings.dlq).toEqual(new Map([["events", "events-dlq"]]));
  });

  it("takes flags over topology.yaml, and --disable-dlq empties the DLQ map", () => {
    const settings = resolveConsumerSettings(
      topology,
      "relay-intake",
      options,
      settingsOverrides(
        parseRun("relay-intake", "--consumer-group", "x", "--max-batch-size", "5", "--disable-dlq").flags,
      ),
    );
    expect(settings).toMatchObject({ groupId: "x", maxBatchSize: 5, maxBatchTimeMs: 100 });
    expect(settings.dlq.size).toBe(0);
  });

  it("falls back to the options registry for what topology.yaml leaves out", () => {
    const sparse = parseTopology(
      readFileSync(join(ROOT, "topology.yaml"), "utf8").replace(
        /\n {4}(maxBatchSize|maxBatchTimeMs|concurrency): \d+/g,
        "",
      ),
      "sparse.yaml",
    );
    expect(resolveConsumerSettings(sparse, "normalize", options)).toMatchObject({
      maxBatchSize: 11,
      maxBatchTimeMs: 22,
      concurrency: 4,
    });
  });

  it("logs the effective configuration with every flag's value", () => {
    const flags = parseRun(
      "storage",
      "--auto-offset-reset",
      "error",
      "--metrics-port",
      "9300",
      "--max-batch-size",
      "9",
    ).flags;
    const effective = loadOptions({}, optionOverrides(flags));
    const config = effectiveConsumerConfig(
      resolveConsumerSettings(topology, "storage", effective, settingsOverrides(flags)),
      effective,
    );
    expect(config).toMatchObject({
      groupId: "storage-consumer",
      maxBatchSize: 9,
      autoOffsetReset: "error",
      strictOffsetReset: true,
      metrics: "127.0.0.1:9300",
      dlq: { events: "events-dlq" },
      healthcheckFile: null,
      groupInstanceId: null,
    });
  });
});

describe("consumer registry", () => {
  it("names exactly the consumers topology.yaml declares", () => {
    expect([...CONSUMER_NAMES].sort()).toEqual(Object.keys(topology.consumers).sort());
  });

  it("registers each definition under its own name", () => {
    for (const name of CONSUMER_NAMES) {
      const definition = consumerDefinition(name);
      if (definition !== undefined) expect(definition.name).toBe(name);
    }
  });

  it("refuses an unknown consumer and a declared one without a definition, both as usage errors", () => {
    expect(() => definitionFor(topology, "nope")).toThrow(
      /unknown consumer "nope"; the topology defines: relay-intake/,
    );
    for (const name of CONSUMER_NAMES) {
      if (consumerDefinition(name) === undefined) {
        expect(() => definitionFor(topology, name)).toThrow(UsageError);
        expect(() => definitionFor(topology, name)).toThrow(/has no implementation of it yet/);
      } else {
        expect(definitionFor(topology, name)).toBe(consumerDefinition(name));
      }
    }
  });
});

describe("ingest consumer list", () => {
  it("prints every consumer with its group, topics, DLQ topics and whether this build runs it", () => {
    const lines: string[] = [];
    printConsumerList(topology, false, (line) => lines.push(line));
    expect(lines[0]).toMatch(/^NAME +GROUP +INPUTS +OUTPUTS +DLQ +RUNNABLE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(Object.keys(topology.consumers));
    const storage = lines.find((line) => line.startsWith("storage"));
    expect(storage?.split(/\s+/)).toEqual([
      "storage",
      "storage-consumer",
      "events",
      "-",
      "events-dlq",
      consumerDefinition("storage") ? "yes" : "no",
    ]);
  });
});

describe("ingest program", () => {
  it("maps every usage error of a nested command to a CommanderError (main exits 2), not process.exit", () => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    const silence = (command: Command): void => {
      command.configureOutput({ writeErr: () => {}, writeOut: () => {} });
      for (const child of command.commands) silence(child);
    };
    silence(program);
    for (const args of [
      ["consumer", "run"],
      ["consumer", "run", "storage", "--bogus"],
      ["topology", "frobnicate"],
      ["lag", "--group"],
      ["debug", "normalize"],
    ]) {
      expect(() => program.parse(args, { from: "user" }), args.join(" ")).toThrow(CommanderError);
    }
  });

  it("answers --help on every command of the tree with exit code 0", () => {
    const paths: string[][] = [];
    const walk = (command: Command, path: string[]): void => {
      paths.push(path);
      for (const child of command.commands) walk(child, [...path, child.name()]);
    };
    walk(buildProgram(), []);
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const program = buildProgram();
      let printed = "";
      const capture = (command: Command): void => {
        command.configureOutput({ writeOut: (text) => (printed += text), writeErr: () => {} });
        for (const child of command.commands) capture(child);
      };
      capture(program);
      let exitCode: number | undefined;
      try {
        program.parse([...path, "--help"], { from: "user" });
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        exitCode = error.exitCode;
      }
      expect(exitCode, path.join(" ")).toBe(0);
      expect(printed, path.join(" ")).toMatch(/^Usage: ingest/);
    }
  });

  it("wires every command area", () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining([
        "options",
        "consumer",
        "topology",
        "lag",
        "schemas",
        "storage",
        "issues",
        "events",
        "groups",
        "dev",
        "dump",
        "replay",
        "debug",
      ]),
    );
    const debug = buildProgram().commands.find((c) => c.name() === "debug");
    expect(debug?.commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(["decode", "normalize", "group"]),
    );
  });
});
