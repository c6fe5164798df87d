import type { BrokerValue, KafkaPayload, Partition, Topic } from "../pipelines/types.ts";

/** Where a record goes: a topic (the producer picks the partition from the key) or a partition. */
export type Destination = Topic | Partition;

/**
 * Produces records; the promise resolves once the broker acknowledged the write, with
 * where it landed. Backends: the in-memory broker and kafkajs.
 */
export interface Producer {
  produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>>;
  /** Flushes what is in flight, then releases the connection. */
  close(): Promise<void>;
}

/**
 * The one thing every consumer's `buildStrategy` receives to reach a broker: tests pass the
 * in-memory broker's factory, production passes the kafkajs one. `name` tags metrics/logs.
 */
export type ProducerFactory = (name: string) => Producer;
