// One interface over the two schema registries: a Confluent-compatible server (when
// SCHEMA_REGISTRY_URL is set) and the embedded one that serves the schemas committed in
// schemas/ with the ids of schemas/manifest.json. Subjects are named `<topic>-value`.

export interface SchemaVersion {
  readonly id: number;
  /** Version within the subject; a Confluent registry's `latest` lookup does not report it. */
  readonly version?: number;
  /** Avro schema JSON text. */
  readonly schema: string;
}

export interface SchemaRegistry {
  readonly kind: "embedded" | "confluent";
  /**
   * Registers `schema` under `subject` (idempotent: an equal schema returns its existing id).
   * Rejects with `SchemaIncompatibleError` when the subject's compatibility rule refuses it.
   */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text with this id, or undefined when the registry has no such id. */
  getSchema(id: number): Promise<string | undefined>;
  /** The newest version under `subject`, or undefined when the subject does not exist. */
  latest(subject: string): Promise<SchemaVersion | undefined>;
}

export class SchemaIncompatibleError extends Error {
  constructor(
    readonly subject: string,
    readonly detail: string,
  ) {
    super(`schema for ${subject} is not compatible with its registered versions: ${detail}`);
    this.name = "SchemaIncompatibleError";
  }
}

/** Confluent's subject naming for record values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
