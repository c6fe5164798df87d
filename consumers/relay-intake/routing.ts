import type { Metrics } from "../../observability/metrics.ts";
import type { BrokerValue, KafkaPayload, Topic } from "../../pipelines/types.ts";
import type { Destination, Producer } from "../../producers/types.ts";

// relay-intake writes to two topics (`events-raw` and `user-reports`) from one chain, but
// the framework's Produce step has one fixed destination. Each output record therefore
// names its topic, and the producer handed to Produce sends it there; Produce's own
// ordering, ack tracking and backpressure stay as they are.

/** A record together with the topic it must go to. */
export interface RoutedRecord extends KafkaPayload {
  readonly topic: Topic;
}

export function isRoutedRecord(payload: KafkaPayload): payload is RoutedRecord {
  return typeof (payload as Partial<RoutedRecord>).topic === "string";
}

/** Thrown for a record without a topic: a bug in the chain, never bad input. */
export class UnroutedRecordError extends Error {
  constructor(destination: Destination) {
    super(
      `a record reached the routing producer without a topic (Produce destination ${String(destination)})`,
    );
    this.name = "UnroutedRecordError";
  }
}

/**
 * Sends each RoutedRecord to its own topic (Produce's destination is ignored) and counts
 * acknowledged writes per topic in `ingest_messages_produced_total`.
 */
export class RoutingProducer implements Producer {
  private readonly counters = new Map<Topic, { inc(): void }>();

  constructor(
    private readonly inner: Producer,
    private readonly metrics: Metrics,
    private readonly consumer: string,
  ) {}

  produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>> {
    if (!isRoutedRecord(payload)) return Promise.reject(new UnroutedRecordError(destination));
    const { topic, key, value, headers } = payload;
    const counter = this.counterFor(topic);
    return this.inner.produce(topic, { key, value, headers }).then((written) => {
      counter.inc();
      return written;
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private counterFor(topic: Topic): { inc(): void } {
    let counter = this.counters.get(topic);
    if (counter === undefined) {
      counter = this.metrics.messagesProduced.labels({ consumer: this.consumer, topic });
      this.counters.set(topic, counter);
    }
    return counter;
  }
}
