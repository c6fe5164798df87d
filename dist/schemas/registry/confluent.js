// schemas/registry/confluent.ts
import {
  COMPATIBILITY,
  SchemaRegistry as KafkajsRegistry,
  SchemaType
} from "@kafkajs/confluent-schema-registry";
import { RegistryUnavailableError } from "../errors.js";
import { SchemaIncompatibleError } from "./types.js";
function httpStatus(error) {
  if (error && typeof error === "object" && "status" in error && typeof error.status === "number") {
    return error.status;
  }
  return void 0;
}
var ConfluentSchemaRegistry = class {
  constructor(url, options = {}) {
    this.url = url;
    this.client = new KafkajsRegistry({
      host: url,
      clientId: options.clientId ?? "ingest-pipeline",
      retry: { retries: 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 }
    });
  }
  url;
  kind = "confluent";
  client;
  async register(subject, schema) {
    try {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema },
        { subject, compatibility: COMPATIBILITY.BACKWARD }
      );
      return id;
    } catch (error) {
      if (httpStatus(error) === 409) {
        throw new SchemaIncompatibleError(subject, error instanceof Error ? error.message : String(error));
      }
      throw new RegistryUnavailableError(`register ${subject}`, { cause: error });
    }
  }
  async getSchema(id) {
    let type;
    try {
      type = await this.client.getSchema(id);
    } catch (error) {
      if (httpStatus(error) === 404) return void 0;
      throw new RegistryUnavailableError(`get schema ${id}`, { cause: error });
    }
    return JSON.stringify(type.schema({ exportAttrs: true }));
  }
  async latest(subject) {
    let id;
    try {
      id = await this.client.getLatestSchemaId(subject);
    } catch (error) {
      if (httpStatus(error) === 404) return void 0;
      throw new RegistryUnavailableError(`latest ${subject}`, { cause: error });
    }
    const schema = await this.getSchema(id);
    return schema === void 0 ? void 0 : { id, schema };
  }
};
export {
  ConfluentSchemaRegistry
};
//# sourceMappingURL=confluent.js.map
