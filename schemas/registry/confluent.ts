import {
  COMPATIBILITY,
  SchemaRegistry as KafkajsRegistry,
  SchemaType,
} from "@kafkajs/confluent-schema-registry";
import type avro from "avsc";
import { RegistryUnavailableError } from "../errors.ts";
import { SchemaIncompatibleError, type SchemaRegistry, type SchemaVersion } from "./types.ts";

/** What the registry client throws for HTTP errors (mappersmith's ResponseError). */
function httpStatus(error: unknown): number | undefined {
  if (error && typeof error === "object" && "status" in error && typeof error.status === "number") {
    return error.status;
  }
  return undefined;
}

/**
 * A Confluent-compatible registry (Confluent, Karapace, Apicurio's ccompat API, rivven-schema)
 * through @kafkajs/confluent-schema-registry. A 404 is an answer (unknown id or subject);
 * anything else that fails (connection refused, 5xx after the client's retries, auth) is
 * `RegistryUnavailableError`, which callers retry rather than dead-letter.
 */
export class ConfluentSchemaRegistry implements SchemaRegistry {
  readonly kind = "confluent";
  private readonly client: KafkajsRegistry;

  constructor(
    readonly url: string,
    options: { readonly clientId?: string } = {},
  ) {
    this.client = new KafkajsRegistry({
      host: url,
      clientId: options.clientId ?? "ingest-pipeline",
      retry: { retries: 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 },
    });
  }

  async register(subject: string, schema: string): Promise<number> {
    try {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      return id;
    } catch (error) {
      if (httpStatus(error) === 409) {
        throw new SchemaIncompatibleError(subject, error instanceof Error ? error.message : String(error));
      }
      throw new RegistryUnavailableError(`register ${subject}`, { cause: error });
    }
  }

  async getSchema(id: number): Promise<string | undefined> {
    let type: unknown;
    try {
      type = await this.client.getSchema(id);
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw new RegistryUnavailableError(`get schema ${id}`, { cause: error });
    }
    // The client hands back the avsc Type it built from the registry's text; its schema()
    // is that text in avsc's canonical spelling, with defaults and docs kept.
    return JSON.stringify((type as avro.Type).schema({ exportAttrs: true }));
  }

  async latest(subject: string): Promise<SchemaVersion | undefined> {
    let id: number;
    try {
      id = await this.client.getLatestSchemaId(subject);
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw new RegistryUnavailableError(`latest ${subject}`, { cause: error });
    }
    const schema = await this.getSchema(id);
    return schema === undefined ? undefined : { id, schema };
  }
}
