import type { Options } from "../../config/options.ts";
import { ConfluentSchemaRegistry } from "./confluent.ts";
import { EmbeddedSchemaRegistry } from "./embedded.ts";
import { DEFAULT_SCHEMAS_DIR } from "./manifest.ts";
import type { SchemaRegistry } from "./types.ts";

export { ConfluentSchemaRegistry } from "./confluent.ts";
export { EmbeddedSchemaRegistry } from "./embedded.ts";
export {
  DEFAULT_SCHEMAS_DIR,
  loadSchemaManifest,
  ManifestError,
  type ManifestSubject,
  type ManifestVersion,
  parseAvroSchema,
  type SchemaManifest,
} from "./manifest.ts";
export { SchemaIncompatibleError, type SchemaRegistry, type SchemaVersion, valueSubject } from "./types.ts";

/** The registry the options ask for: Confluent-compatible when `schemaRegistryUrl` is set, else embedded. */
export function createSchemaRegistry(
  options: Pick<Options, "schemaRegistryUrl" | "kafkaClientId">,
  schemasDir: string = DEFAULT_SCHEMAS_DIR,
): SchemaRegistry {
  return options.schemaRegistryUrl
    ? new ConfluentSchemaRegistry(options.schemaRegistryUrl, { clientId: options.kafkaClientId })
    : EmbeddedSchemaRegistry.fromDirectory(schemasDir);
}
