// cli/commands/schemas.ts
import { Command } from "commander";
import { loadOptions } from "../../config/options.js";
import { loadTopology } from "../../config/topology.js";
import { checkSchemas } from "../../schemas/compat.js";
import { RegistryUnavailableError } from "../../schemas/errors.js";
import {
  createSchemaRegistry,
  DEFAULT_SCHEMAS_DIR,
  loadSchemaManifest,
  SchemaIncompatibleError
} from "../../schemas/registry/index.js";
var processIo = {
  out: (line) => process.stdout.write(`${line}
`),
  err: (line) => process.stderr.write(`${line}
`)
};
function runSchemasCheck(options, io = processIo) {
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
async function runSchemasRegister(options, io = processIo) {
  const manifest = loadSchemaManifest(options.schemasDir);
  if (options.registry.kind === "embedded") {
    io.out(
      "schemas register: no SCHEMA_REGISTRY_URL, the embedded registry serves schemas/manifest.json ids"
    );
  }
  for (const subject of manifest.subjects.values()) {
    for (const version of subject.versions) {
      let id;
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
function schemasCommand(loadDefaults = () => loadOptions()) {
  const command = new Command("schemas").description(
    "Check and register the Avro schemas of the internal topics."
  );
  command.command("check").description(
    "Fail when a schema is not backward compatible with its earlier versions, or the manifest is off."
  ).option("--schemas-dir <dir>", "folder with manifest.json and avro/", DEFAULT_SCHEMAS_DIR).option(
    "--topology <file>",
    "topology.yaml to cross-check avro topics against (default: option topologyFile)"
  ).option("--no-topology", "skip the topology cross-check").action(async (flags) => {
    const topologyFile = flags.topology === false ? void 0 : typeof flags.topology === "string" ? flags.topology : loadDefaults().topologyFile;
    const topics = topologyFile ? Object.values((await loadTopology(topologyFile)).topics) : [];
    process.exitCode = runSchemasCheck({ schemasDir: flags.schemasDir, topics });
  });
  command.command("register").description("Register every schema version with the configured registry (SCHEMA_REGISTRY_URL).").option("--schemas-dir <dir>", "folder with manifest.json and avro/", DEFAULT_SCHEMAS_DIR).option("--registry-url <url>", "Confluent-compatible registry (default: option schemaRegistryUrl)").action(async (flags) => {
    const options = loadDefaults();
    const registry = createSchemaRegistry(
      {
        kafkaClientId: options.kafkaClientId,
        schemaRegistryUrl: flags.registryUrl ?? options.schemaRegistryUrl
      },
      flags.schemasDir
    );
    process.exitCode = await runSchemasRegister({ schemasDir: flags.schemasDir, registry });
  });
  return command;
}
export {
  runSchemasCheck,
  runSchemasRegister,
  schemasCommand
};
//# sourceMappingURL=schemas.js.map
