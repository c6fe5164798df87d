// schemas/registry/index.ts
import { ConfluentSchemaRegistry } from "./confluent.js";
import { EmbeddedSchemaRegistry } from "./embedded.js";
import { DEFAULT_SCHEMAS_DIR } from "./manifest.js";
import { ConfluentSchemaRegistry as ConfluentSchemaRegistry2 } from "./confluent.js";
import { EmbeddedSchemaRegistry as EmbeddedSchemaRegistry2 } from "./embedded.js";
import {
  DEFAULT_SCHEMAS_DIR as DEFAULT_SCHEMAS_DIR2,
  loadSchemaManifest,
  ManifestError,
  parseAvroSchema
} from "./manifest.js";
import { SchemaIncompatibleError, valueSubject } from "./types.js";
function createSchemaRegistry(options, schemasDir = DEFAULT_SCHEMAS_DIR) {
  return options.schemaRegistryUrl ? new ConfluentSchemaRegistry(options.schemaRegistryUrl, { clientId: options.kafkaClientId }) : EmbeddedSchemaRegistry.fromDirectory(schemasDir);
}
export {
  ConfluentSchemaRegistry2 as ConfluentSchemaRegistry,
  DEFAULT_SCHEMAS_DIR2 as DEFAULT_SCHEMAS_DIR,
  EmbeddedSchemaRegistry2 as EmbeddedSchemaRegistry,
  ManifestError,
  SchemaIncompatibleError,
  createSchemaRegistry,
  loadSchemaManifest,
  parseAvroSchema,
  valueSubject
};
//# sourceMappingURL=index.js.map
