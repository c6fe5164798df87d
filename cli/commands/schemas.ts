import { Command } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import { loadTopology } from "../../config/topology.ts";
import { checkSchemas, type SchemaTopic } from "../../schemas/compat.ts";
import { RegistryUnavailableError } from "../../schemas/errors.ts";
import {
  createSchemaRegistry,
  DEFAULT_SCHEMAS_DIR,
  loadSchemaManifest,
  SchemaIncompatibleError,
  type SchemaRegistry,
} from "../../schemas/registry/index.ts";

// `ingest schemas check|register`. Both print plain lines for people and scripts; `check`
// exits 1 when any problem is found, so CI can run it as a gate.

export interface SchemasCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: SchemasCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export interface CheckOptions {
  readonly schemasDir: string;
  /** Topics of topology.yaml to cross-check (avro topics need their subject); empty skips that part. */
  readonly topics?: ReadonlyArray<SchemaTopic>;
}

/** Returns the process exit code: 0 when everything is consistent and backward compatible. */
export function runSchemasCheck(options: CheckOptions, io: SchemasCommandIo = processIo): number {
  const result = checkSchemas(options.schemasDir, options.topics ?? []);
  for (const problem of result.problems) io.err(`schemas check: ${problem.where}: ${problem.message}`);
  if (result.problems.length > 0) {
    io.err(`schemas check: ${result.problems.length} problem(s)`);
    return 1;
  }
  const subjects = result.manifest?.subjects.size ?? 0;
  io.out(`schemas check: ok (${result.versions} version(s) of ${subjects} subject(s), backward compatible)`);
  return 0;
}

export interface RegisterOptions {
  readonly schemasDir: string;
  readonly registry: SchemaRegistry;
}

/** Registers every version of every subject, oldest first; returns the exit code. */
export async function runSchemasRegister(
  options: RegisterOptions,
  io: SchemasCommandIo = processIo,
): Promise<number> {
  const manifest = loadSchemaManifest(options.schemasDir);
  if (options.registry.kind === "embedded") {
    io.out(
      "schemas register: no SCHEMA_REGISTRY_URL, the embedded registry serves schemas/manifest.json ids",
    );
  }
  for (const subject of manifest.subjects.values()) {
    for (const version of subject.versions) {
      let id: number;
      try {
        id = await options.registry.register(subject.subject, version.text);
      } catch (error) {
        if (error instanceof SchemaIncompatibleError || error instanceof RegistryUnavailableError) {
          const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
          io.err(`schemas register: ${subject.subject} v${version.version}: ${error.message}${cause}`);
          return 1;
        }
        throw error;
      }
      io.out(`${subject.subject} v${version.version} (${version.file}) -> id ${id}`);
    }
  }
  return 0;
}

export function schemasCommand(loadDefaults: () => Options = () => loadOptions()): Command {
  const command = new Command("schemas").description(
    "Check and register the Avro schemas of the internal topics.",
  );

  command
    .command("check")
    .description(
      "Fail when a schema is not backward compatible with its earlier versions, or the manifest is off.",
    )
    .option("--schemas-dir <dir>", "folder with manifest.json and avro/", DEFAULT_SCHEMAS_DIR)
    .option(
      "--topology <file>",
      "topology.yaml to cross-check avro topics against (default: option topologyFile)",
    )
    .option("--no-topology", "skip the topology cross-check")
    .action(async (flags: { schemasDir: string; topology?: string | boolean }) => {
      const topologyFile =
        flags.topology === false
          ? undefined
          : typeof flags.topology === "string"
            ? flags.topology
            : loadDefaults().topologyFile;
      const topics = topologyFile ? Object.values((await loadTopology(topologyFile)).topics) : [];
      process.exitCode = runSchemasCheck({ schemasDir: flags.schemasDir, topics });
    });

  command
    .command("register")
    .description("Register every schema version with the configured registry (SCHEMA_REGISTRY_URL).")
    .option("--schemas-dir <dir>", "folder with manifest.json and avro/", DEFAULT_SCHEMAS_DIR)
    .option("--registry-url <url>", "Confluent-compatible registry (default: option schemaRegistryUrl)")
    .action(async (flags: { schemasDir: string; registryUrl?: string }) => {
      const options = loadDefaults();
      const registry = createSchemaRegistry(
        {
          kafkaClientId: options.kafkaClientId,
          schemaRegistryUrl: flags.registryUrl ?? options.schemaRegistryUrl,
        },
        flags.schemasDir,
      );
      process.exitCode = await runSchemasRegister({ schemasDir: flags.schemasDir, registry });
    });

  return command;
}
